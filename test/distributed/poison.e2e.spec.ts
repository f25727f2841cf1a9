import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ReserveInventory } from '../../contracts/index.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { JetStreamBus } from '../../src/platform/messaging/jetstream-bus.js';
import { defaultCaller, tokenFor } from '../support/auth.js';
import { envelopeFor } from '../support/envelopes.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { startDistributedDomain, type DistributedDomain } from './support/domain.js';
import { describeDistributed, sharedNatsUrl } from './support/infrastructure.js';
import { until } from '../support/until.js';
import { poisonMessageTests, type PoisonDomain } from '../e2e/poison.suite.js';

interface DeadLetterView {
  service: string;
  id: number;
  consumer: string;
  messageId: string;
  type: string;
  envelope: { subject: string };
  reason: string;
  deliveries: number;
  deadLetteredAt: string;
  replayedAt: string | null;
}

interface OrderView {
  status: string;
  timeline: { type: string; time: string }[];
}

/** Retries at about 1 s, 2 s and 4 s (± 20 %): the fourth failure dead-letters. */
const retry = { MAX_DELIVERIES: '4', RETRY_BASE_MS: '1000', RETRY_MAX_MS: '8000' };
const minimumBackoffMs = 0.8 * (1000 + 2000 + 4000);
const deadLettersCli = fileURLToPath(new URL('../../src/hosts/dead-letters.ts', import.meta.url));

describeDistributed('a poison message in the distributed runtime', () => {
  let domain: DistributedDomain | undefined;

  before(async () => {
    domain = await startDistributedDomain({ env: retry });
  });

  after(async () => {
    await domain?.dispose();
  });

  const json = async <T>(method: 'GET' | 'POST', url: string, payload?: object): Promise<T> => {
    const answer = await domain!.request({ method, url, ...(payload ? { payload } : {}) });
    assert.ok(answer.statusCode < 300, `${method} ${url}: ${answer.statusCode} ${answer.body}`);
    return JSON.parse(answer.body) as T;
  };
  const deadLetters = async () =>
    (await json<{ deadLetters: DeadLetterView[] }>('GET', '/admin/dead-letters')).deadLetters;

  const cli = async (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', deadLettersCli, ...args], {
      env: { ...process.env, API_URL: domain!.baseUrl, API_TOKEN: await tokenFor(defaultCaller) },
    });

  it('retries a message that always throws with back-off, dead-letters it with the reason, lets the others pass, and replays it after the fix', async () => {
    const inventory = await domain!.database('inventory');
    const poisoned = randomUUID();
    const healthy = randomUUID();
    await json('POST', '/inventory/add', stockBody(poisoned, 5));
    await json('POST', '/inventory/add', stockBody(healthy, 10));
    // The bug: any change to the poisoned product's stock level fails, as a faulty release might.
    await inventory.exec(`
      create function inventory.poison() returns trigger language plpgsql as $$
        begin raise exception 'stock level of % is poisoned', new.product_id; end $$;
      create trigger poison before update on inventory.stock for each row
        when (new.product_id = '${poisoned}') execute function inventory.poison();
    `);

    const victim = placeOrderBody([{ productId: poisoned, quantity: 1 }]);
    const placedAt = Date.now();
    await json('POST', '/orders', victim);
    const behind = Array.from({ length: 5 }, () => placeOrderBody([{ productId: healthy, quantity: 1 }]));
    for (const body of behind) await json('POST', '/orders', body);

    const letter = await until(
      'the poison message dead-lettered',
      async () => (await deadLetters()).find((candidate) => candidate.envelope.subject === victim.orderId),
      { timeoutMs: 30_000, everyMs: 100 },
    );
    const deadLetteredAt = new Date(letter.deadLetteredAt).getTime();
    assert.equal(letter.consumer, 'InventoryService-reserve-inventory');
    assert.equal(letter.deliveries, 4);
    assert.match(letter.reason, /failed 4 times; last error: .*stock level of .* is poisoned/);
    assert.ok(
      deadLetteredAt - placedAt >= minimumBackoffMs,
      `dead-lettered ${deadLetteredAt - placedAt} ms after placing: the retries waited out their back-off`,
    );
    for (const body of behind) {
      const order = await json<OrderView>('GET', `/orders/${body.orderId}`);
      const completed = order.timeline.find((entry) => entry.type === 'OrderCompleted');
      assert.equal(order.status, 'completed', 'the orders behind the poison went through');
      assert.ok(
        new Date(completed!.time).getTime() < deadLetteredAt,
        'and did so while it was still being retried',
      );
    }
    assert.equal((await json<OrderView>('GET', `/orders/${victim.orderId}`)).status, 'pending');

    const listed = await cli('list');
    assert.match(listed.stdout, new RegExp(`InventoryService #${letter.id} .*ReserveInventory`));
    await inventory.exec('drop trigger poison on inventory.stock; drop function inventory.poison();');
    const replayed = await cli('replay', 'inventory', String(letter.id));
    assert.match(replayed.stdout, /handled/);
    await domain!.settled(60_000);

    assert.equal((await json<OrderView>('GET', `/orders/${victim.orderId}`)).status, 'completed');
    const stock = await json<{ totals: { onHand: number } }>('GET', `/inventory/${poisoned}`);
    assert.equal(stock.totals.onHand, 4);
    await assert.rejects(cli('replay', 'inventory', String(letter.id)), /was replayed/);
  });

  it('dead-letters a message of an unaccepted version at once, without redelivering it', async () => {
    const bus = await JetStreamBus.connect({
      servers: sharedNatsUrl,
      namespace: domain!.namespace,
      streamReplicas: 1,
      streamMaxAgeMs: 7 * 24 * 3_600_000,
      duplicateWindowMs: 15 * 60_000,
      maxDeliver: 7,
      connectionName: 'poison-test',
      logger: createLogger({ level: 'silent' }),
    });
    const orderId = randomUUID();
    const incompatible = envelopeFor(
      ReserveInventory,
      { orderId, lines: [{ productId: randomUUID(), quantity: 1 }], timestamp: new Date().toISOString() },
      { dataversion: '9.0.0' },
    );
    try {
      await bus.publish([{ channel: ReserveInventory.channel, envelope: incompatible }]);
    } finally {
      await bus.close();
    }
    const letter = await until(
      'the incompatible message dead-lettered',
      async () => (await deadLetters()).find((candidate) => candidate.messageId === incompatible.id),
      { timeoutMs: 30_000, everyMs: 100 },
    );
    assert.equal(letter.deliveries, 1);
    assert.match(letter.reason, /version 9\.0\.0 is outside the accepted range/);
    await domain!.settled(30_000);
    assert.equal(
      (await deadLetters()).filter((candidate) => candidate.messageId === incompatible.id).length,
      1,
    );
  });

  const distributed: PoisonDomain = {
    runtime: 'distributed',
    request: (options) => domain!.request(options),
    sendRaw: async (channel, id, body) => {
      const nc = await connect({ servers: sharedNatsUrl });
      try {
        await jetstream(nc).publish(`${domain!.namespace}.${channel}`, body, { msgID: id });
      } finally {
        await nc.close();
      }
    },
    settled: (timeoutMs) => domain!.settled(timeoutMs),
  };
  poisonMessageTests(() => distributed);
});
