import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { JetStreamPuller } from '../../src/platform/messaging/jetstream-puller.js';
import type { ConsumerPlan } from '../../src/platform/messaging/jetstream-topology.js';

const plan: ConsumerPlan = {
  stream: { name: 'ORDERS', context: 'orders', subjects: ['orders.>'] },
  durable: 'probe',
  filterSubject: 'orders.>',
};

let seq = 0;
const message = (): JsMsg => {
  seq += 1;
  const body = JSON.stringify({ id: `m${seq}`, type: 'Probe' });
  return {
    seq,
    data: new TextEncoder().encode(body),
    info: { stream: plan.stream.name, deliveryCount: 1 },
    string: () => body,
    ack: () => undefined,
    nak: () => undefined,
    term: () => undefined,
  } as unknown as JsMsg;
};

/** A consumer whose every pull is answered at once with as many messages as it asked for. */
function serverAnsweringEveryPull(pulls: number[]): JetStreamClient {
  const fetch = (options: { max_messages: number }): Promise<ConsumerMessages> => {
    pulls.push(options.max_messages);
    const batch = Array.from({ length: options.max_messages }, message);
    return Promise.resolve({
      close: () => Promise.resolve(undefined),
      [Symbol.asyncIterator]: () => batch[Symbol.iterator](),
    } as unknown as ConsumerMessages);
  };
  return { consumers: { get: () => Promise.resolve({ fetch }) } } as unknown as JetStreamClient;
}

describe('a JetStream puller', () => {
  it('pulls in batches: with deliveries in flight, not before a quarter of its capacity is free', async () => {
    const pulls: number[] = [];
    const handling: (() => void)[] = [];
    const puller = new JetStreamPuller({
      js: serverAnsweringEveryPull(pulls),
      plan,
      maxInFlight: 8,
      handle: () => new Promise<void>((settle) => handling.push(settle)),
      logger: createLogger({ level: 'silent' }),
      isAvailable: () => true,
      recover: () => Promise.resolve(),
    });
    puller.start();
    const settle = async (count: number) => {
      for (const done of handling.splice(0, count)) done();
      for (let i = 0; i < 5; i += 1) await tick();
    };
    await settle(0);
    assert.deepEqual(pulls, [8], 'the first pull fills the whole capacity');
    await settle(1);
    assert.deepEqual(pulls, [8], 'one free slot of eight is not worth a pull request');
    await settle(1);
    assert.deepEqual(pulls, [8, 2], 'two free slots are');
    await settle(handling.length);
    const stopped = puller.stop();
    await settle(handling.length);
    await stopped;
    assert.ok(
      pulls.every((size) => size >= 2),
      `every pull asked for a quarter of the capacity or more: ${pulls.join(', ')}`,
    );
  });
});
