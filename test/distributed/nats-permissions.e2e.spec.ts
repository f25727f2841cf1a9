import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { authorizationFileOf, seedFileOf } from '../../src/hosts/distributed/nats-identities.js';
import { inboxPrefixOf } from '../../src/platform/messaging/nats-permissions.js';
import { startDistributedDomain, type DistributedDomain } from './support/domain.js';
import {
  describeDistributed,
  startPrivateNatsServer,
  type PrivateNatsServer,
} from './support/infrastructure.js';
import { placeStockedOrder } from './support/load.js';

const run = promisify(execFile);
const namespace = `perm${randomUUID().slice(0, 8)}`;

describeDistributed(
  'the bus, per service: NATS permissions generated from the contract registry',
  () => {
    let dir = '';
    let server: PrivateNatsServer | undefined;
    let domain: DistributedDomain | undefined;
    const connections: NatsConnection[] = [];

    const connectAs = async (identity: string): Promise<NatsConnection> => {
      const seed = (await readFile(seedFileOf(dir, identity), 'utf8')).trim();
      const nc = await connect({
        servers: server!.url,
        authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)),
        inboxPrefix: inboxPrefixOf(identity),
      });
      connections.push(nc);
      return nc;
    };
    const publishPaymentProcessed = async (identity: string) =>
      jetstream(await connectAs(identity), { timeout: 3_000 }).publish(
        `${namespace}.payments.events.PaymentProcessed`,
        JSON.stringify({ probe: randomUUID() }),
      );

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'orders-nats-config-'));
      await run(process.execPath, ['--import', 'tsx', 'scripts/nats-config.ts', '--out', dir], {
        env: { ...process.env, NATS_NAMESPACE: namespace },
      });
      server = await startPrivateNatsServer(authorizationFileOf(dir));
      domain = await startDistributedDomain({
        natsUrl: server.url,
        natsCredentialsDir: dir,
        namespace,
      });
    });

    after(async () => {
      await Promise.all(connections.map((nc) => nc.close()));
      await domain?.dispose();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps each nkey seed readable by its owner only', async () => {
      assert.equal((await stat(seedFileOf(dir, 'OrdersService'))).mode & 0o777, 0o600);
    });

    it('refuses a client without credentials', async () => {
      await assert.rejects(connect({ servers: server!.url }), /authorization/i);
    });

    it('lets PaymentService publish PaymentProcessed and refuses OrdersService', async () => {
      const ack = await publishPaymentProcessed('PaymentService');
      assert.equal(ack.stream, `${namespace}_PAYMENTS`);
      await assert.rejects(publishPaymentProcessed('OrdersService'), /permission/i);
    });

    it('keeps a service away from a stream it has no business with', async () => {
      const inventory = await connectAs('InventoryService');
      const jsm = await jetstreamManager(inventory, { timeout: 3_000 });
      await assert.rejects(
        jsm.consumers.add(`${namespace}_PAYMENTS`, {
          durable_name: 'InventoryService-snoop',
          filter_subject: `${namespace}.payments.>`,
          ack_policy: AckPolicy.Explicit,
        }),
        /permission/i,
      );
      // PaymentService's own durable exists (the domain runs): InventoryService may not pull it.
      const js = jetstream(inventory, { timeout: 3_000 });
      await assert.rejects(
        js.consumers.get(`${namespace}_PAYMENTS`, 'PaymentService-request-payment'),
        /permission/i,
      );
    });

    it('runs an order end to end with every service on its own credential', async () => {
      const orderId = await placeStockedOrder(domain!, 2);
      await domain!.settled(60_000);
      const order = await domain!.request({ method: 'GET', url: `/orders/${orderId}` });
      assert.equal((JSON.parse(order.body) as { status: string }).status, 'completed', order.body);
    });
  },
  { privateNatsServer: true },
);
