import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { OrderPlaced, type Envelope } from '../../contracts/index.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import type { Delivery, Subscription } from '../../src/platform/messaging/bus.js';
import { JetStreamBus, type JetStreamBusOptions } from '../../src/platform/messaging/jetstream-bus.js';
import { envelopeFor } from '../support/envelopes.js';
import {
  countStoredMessages,
  deleteStreams,
  describeDistributed,
  sharedNatsUrl,
  startPrivateNatsServer,
  type PrivateNatsServer,
} from './support/infrastructure.js';
import { until } from '../support/until.js';

const orderPlaced = (orderId = randomUUID()) => ({
  channel: OrderPlaced.channel,
  envelope: envelopeFor(OrderPlaced, { ...OrderPlaced.example, orderId }),
});

describeDistributed('the JetStream bus', () => {
  const namespace = `t${randomBytes(4).toString('hex')}`;
  const buses: JetStreamBus[] = [];
  const subscriptions: Subscription[] = [];
  let exhausted: { consumer: string; envelope: Envelope; deliveries: number }[] = [];
  const open = async (options: Partial<JetStreamBusOptions> = {}) => {
    const bus = await JetStreamBus.connect({
      servers: sharedNatsUrl,
      namespace,
      streamReplicas: 1,
      streamMaxAgeMs: 3_600_000,
      duplicateWindowMs: 60_000,
      maxDeliver: 3,
      connectionName: 'jetstream-bus-test',
      logger: createLogger({ level: 'silent' }),
      onExhausted: async (consumer, envelope, deliveries) => {
        exhausted.push({ consumer, envelope, deliveries });
      },
      ...options,
    });
    buses.push(bus);
    return bus;
  };
  const subscribe = async (
    bus: JetStreamBus,
    consumer: string,
    handle: (delivery: Delivery) => Promise<void>,
  ) => {
    const subscription = await bus.subscribe({
      consumer,
      channels: [OrderPlaced.channel],
      maxInFlight: 4,
      ackWaitMs: 1_000,
      handle,
    });
    subscriptions.push(subscription);
    return subscription;
  };
  let bus: JetStreamBus;

  before(async () => {
    bus = await open();
  });

  after(async () => {
    for (const subscription of subscriptions) await subscription.stop();
    for (const each of buses) await each.close();
    await deleteStreams(sharedNatsUrl, namespace);
  });

  it('creates a stream per bounded context, derived from the registry, and does it again harmlessly', async () => {
    assert.deepEqual(
      bus.streams.find((stream) => stream.context === 'orders'),
      { name: `${namespace}_ORDERS`, context: 'orders', subjects: [`${namespace}.orders.>`] },
    );
    await open({ duplicateWindowMs: 90_000 });
    const nc = await connect({ servers: sharedNatsUrl });
    const info = await (await jetstreamManager(nc)).streams.info(`${namespace}_ORDERS`);
    await nc.close();
    assert.equal(info.config.duplicate_window, 90_000 * 1_000_000, 'the second start updated the stream');
  });

  it('stores an envelope published twice within the duplicate window once', async () => {
    const before = await countStoredMessages(sharedNatsUrl, namespace);
    const message = orderPlaced();
    await bus.publish([message]);
    await bus.publish([message, message]);
    assert.equal(await countStoredMessages(sharedNatsUrl, namespace), before + 1);
  });

  it('redelivers a nak after its delay, counting deliveries, and acks for good', async () => {
    const seen: { id: string; count: number; at: number }[] = [];
    const message = orderPlaced();
    await subscribe(bus, 'test-nak', async (delivery) => {
      if (delivery.envelope.id !== message.envelope.id) return delivery.ack();
      seen.push({ id: delivery.envelope.id, count: delivery.deliveryCount, at: Date.now() });
      return delivery.deliveryCount === 1 ? delivery.nak(400) : delivery.ack();
    });
    await bus.publish([message]);
    await until('the redelivery', () => seen.length === 2);
    assert.deepEqual(
      seen.map((each) => each.count),
      [1, 2],
    );
    assert.ok(seen[1]!.at - seen[0]!.at >= 350, `redelivered after ${seen[1]!.at - seen[0]!.at} ms`);
    await until('the ack', async () => (await bus.pendingCount('test-nak')) === 0);
  });

  it('never redelivers a message settled with term', async () => {
    const deliveries: number[] = [];
    const poison = orderPlaced();
    const next = orderPlaced();
    await subscribe(bus, 'test-term', async (delivery) => {
      if (delivery.envelope.id === poison.envelope.id) {
        deliveries.push(delivery.deliveryCount);
        return delivery.term();
      }
      return delivery.ack();
    });
    await bus.publish([poison]);
    await bus.publish([next]);
    await until('both settled', async () => (await bus.pendingCount('test-term')) === 0);
    // Past one ack wait, a message that was not really settled would have come back.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.deepEqual(deliveries, [1]);
  });

  it('hands each message to one replica of a durable consumer, and both replicas get work', async () => {
    const other = await open();
    const received = new Map<string, string[]>();
    const record = (replica: string) => async (delivery: Delivery) => {
      received.set(delivery.envelope.id, [...(received.get(delivery.envelope.id) ?? []), replica]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await delivery.ack();
    };
    await subscribe(bus, 'test-shared', record('first'));
    await subscribe(other, 'test-shared', record('second'));
    const messages = Array.from({ length: 60 }, () => orderPlaced());
    await bus.publish(messages);
    const ids = new Set(messages.map((message) => message.envelope.id));
    await until('every delivery', () => [...ids].every((id) => received.has(id)));
    assert.ok(
      [...ids].every((id) => received.get(id)!.length === 1),
      'each message went to one replica',
    );
    const replicas = new Set([...ids].flatMap((id) => received.get(id)!));
    assert.deepEqual([...replicas].sort(), ['first', 'second']);
  });

  it('reports a message whose deliveries all went unsettled once JetStream stops redelivering it', async () => {
    exhausted = [];
    const lost = orderPlaced();
    await subscribe(bus, 'test-exhausted', async (delivery) => {
      // Settles only the others: as if the process crashed while handling `lost`, every time.
      if (delivery.envelope.id !== lost.envelope.id) await delivery.ack();
    });
    await bus.publish([lost]);
    await until('the max-deliveries report', () => exhausted.length > 0, { timeoutMs: 15_000 });
    const [report] = exhausted;
    assert.equal(report!.consumer, 'test-exhausted');
    assert.equal(report!.envelope.id, lost.envelope.id);
    assert.equal(report!.deliveries, 3);
  });
});

describeDistributed(
  'the JetStream bus across a restart of its NATS server',
  () => {
    let nats: PrivateNatsServer | undefined;
    let bus: JetStreamBus | undefined;
    let subscription: Subscription | undefined;
    const received = new Set<string>();

    before(async () => {
      nats = await startPrivateNatsServer();
      const connected = await JetStreamBus.connect({
        servers: nats.url,
        namespace: 'restart',
        streamReplicas: 1,
        streamMaxAgeMs: 3_600_000,
        duplicateWindowMs: 60_000,
        maxDeliver: 5,
        connectionName: 'jetstream-restart-test',
        logger: createLogger({ level: 'silent' }),
      });
      bus = connected;
      subscription = await connected.subscribe({
        consumer: 'test-restart',
        channels: [OrderPlaced.channel],
        maxInFlight: 4,
        ackWaitMs: 2_000,
        handle: async (delivery) => {
          received.add(delivery.envelope.id);
          await delivery.ack();
        },
      });
    });

    after(async () => {
      await subscription?.stop();
      await bus?.close();
      await nats?.stop();
    });

    it('delivers again within seconds after its NATS server is killed and restarted', async () => {
      const before = orderPlaced();
      await bus!.publish([before]);
      await until('delivery before the restart', () => received.has(before.envelope.id));

      await nats!.restart();
      const after = orderPlaced();
      const restarted = Date.now();
      await until('a publish after the restart', async () =>
        bus!.publish([after]).then(
          () => true,
          () => false,
        ),
      );
      await until('delivery after the restart', () => received.has(after.envelope.id), { timeoutMs: 15_000 });
      const resumedMs = Date.now() - restarted;
      console.log(
        `[distributed] JetStream bus delivering again ${resumedMs} ms after its NATS server restarted`,
      );
      assert.ok(resumedMs < 10_000, `delivery resumed after ${resumedMs} ms`);
      await bus!.ping();
    });
  },
  { privateNatsServer: true },
);
