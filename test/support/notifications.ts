import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from 'node:test';
import {
  OrderPlaced,
  type Envelope,
  type MessageContract,
  type OrderConfirmed,
  type PayloadOf,
} from '../../contracts/index.js';
import { notificationService } from '../../src/services/notifications/index.js';
import type { TestDatabase } from './databases.js';
import { envelopeSender } from './envelopes.js';
import { startTestHost, type TestHost } from './host.js';
import { publishedBy } from './published.js';
import { startTestSmtpServer, type TestSmtpServer } from './smtp-server.js';

/** Where the inventory team's alerts go. */
export const ALERTS = 'stock@shop.test';

export interface NotificationJson {
  notificationId: string;
  type: string;
  recipient: string;
  content: { subject: string; text: string };
  channel: string;
  status: string;
  attempts: number;
  lastError: string | null;
  orderId: string | null;
  createdAt: string;
  timestamp: string;
  sentAt: string | null;
}

interface NotificationRow {
  notification_id: string;
  type: string;
  recipient: string;
  status: string;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
  source_message_id: string;
  correlation_id: string;
  sent_at: Date | null;
}

/** An order of two products by Ada, as OrdersService announces it when placed and when confirmed. */
export function anOrder() {
  const customer = { customerId: randomUUID(), name: 'Ada Lovelace', email: 'ada@example.test' };
  const gear = {
    productId: randomUUID(),
    productName: 'Analytical Engine Gear',
    quantity: 2,
    unitPrice: 29.99,
    totalPrice: 59.98,
  };
  const cards = {
    productId: randomUUID(),
    productName: 'Punched Cards',
    quantity: 3,
    unitPrice: 5,
    totalPrice: 15,
  };
  const orderId = randomUUID();
  const now = new Date().toISOString();
  const placed: PayloadOf<typeof OrderPlaced> = {
    orderId,
    customer,
    orderItems: [gear, cards],
    totalAmount: 74.98,
    orderDate: now,
    timestamp: now,
  };
  const confirmed: PayloadOf<typeof OrderConfirmed> = {
    orderId,
    userId: customer.customerId,
    orderItems: [gear, cards],
    orderStatus: 'confirmed',
    totalAmount: 74.98,
    confirmationTimestamp: now,
  };
  /** What OrdersService says when there was too little of the product for the order. */
  const shortOf = (product: { productId: string }, requested: number, available: number) => ({
    orderId,
    userId: customer.customerId,
    reason: 'insufficient_stock' as const,
    shortages: [{ productId: product.productId, requested, available }],
    timestamp: now,
  });
  return { orderId, customer, gear, cards, placed, confirmed, now, shortOf };
}

/** A NotificationService on a fresh database and SMTP server for each test, with what its specs look at. */
export function notificationSpec(open: () => Promise<TestDatabase>) {
  let database: TestDatabase;
  let smtpServer: TestSmtpServer;
  let testHost: TestHost | undefined;

  beforeEach(async () => {
    database = await open();
    smtpServer = await startTestSmtpServer();
  });

  afterEach(async () => {
    await testHost?.stop();
    testHost = undefined;
    await smtpServer.stop();
    await database.dispose();
  });

  async function start(env: Record<string, string> = {}): Promise<TestHost> {
    testHost = await startTestHost({
      db: database.db,
      modules: [notificationService],
      env: {
        SMTP_URL: smtpServer.url,
        MAIL_FROM: 'orders@shop.test',
        INVENTORY_ALERTS_EMAIL: ALERTS,
        ...env,
      },
    });
    return testHost;
  }

  function host(): TestHost {
    assert.ok(testHost, 'start the host first');
    return testHost;
  }

  async function republish(contract: MessageContract, envelope: Envelope): Promise<void> {
    await host().bus.publish([{ channel: contract.channel, envelope }]);
  }

  /** Publishes the payload in a new envelope, as its producer would, without waiting for what it causes. */
  const publish = envelopeSender(republish);

  /** An order the service has heard placed: what it needs before it can write to the customer. */
  async function knownOrder() {
    const order = anOrder();
    await publish(OrderPlaced, order.placed);
    await host().settled();
    return order;
  }

  return {
    db: () => database.db,
    smtp: () => smtpServer,
    start,
    host,
    publish,
    republish,
    knownOrder,
    /** The bus is drained and the dispatcher has settled every notification (its backlog is empty). */
    dispatched: () => host().settled(),
    notifications: () =>
      database.db.query<NotificationRow>('select * from notifications.notifications order by created_at'),
    publishedOf: <C extends MessageContract>(contract: C) =>
      publishedBy(database.db, 'NotificationService', contract),
    get: (url: string) => host().inject({ method: 'GET', url }),
  };
}
