import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { AddInventory, type Envelope } from '../../contracts/index.js';
import { envelopeFor } from '../support/envelopes.js';
import { stockBody } from '../support/orders.js';
import { until } from '../support/until.js';

interface DeadLetterView {
  service: string;
  id: number;
  consumer: string;
  messageId: string;
  reason: string;
}

/** A running domain as the poison suite sees it, whichever runtime hosts it. */
export interface PoisonDomain {
  readonly runtime: 'embedded' | 'distributed';
  request(options: {
    method: 'GET' | 'POST';
    url: string;
    payload?: object;
  }): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
  /** Publishes `body` as it is, bytes and all, on `channel`, as a faulty or hostile producer would. */
  sendRaw(channel: string, id: string, body: string): Promise<void>;
  settled(timeoutMs?: number): Promise<void>;
}

const consumer = 'InventoryService-add-inventory';

/**
 * Hostile messages on the bus, declared inside the caller's suite: each ends as a dead letter with
 * its reason, shown by /admin/dead-letters, applies nothing, and its replay reads the bytes as stored.
 */
export function poisonMessageTests(domain: () => PoisonDomain): void {
  const json = async <T>(method: 'GET' | 'POST', url: string, payload?: object): Promise<T> => {
    const answer = await domain().request({ method, url, ...(payload ? { payload } : {}) });
    assert.ok(answer.statusCode < 300, `${method} ${url}: ${answer.statusCode} ${answer.body}`);
    return JSON.parse(answer.body) as T;
  };
  const onHand = async (productId: string) =>
    (await json<{ totals: { onHand: number } }>('GET', `/inventory/${productId}`)).totals.onHand;
  const stocked = async (quantity: number) => {
    const productId = randomUUID();
    await json('POST', '/inventory/add', stockBody(productId, quantity));
    return productId;
  };
  const send = (envelope: Envelope | Record<string, unknown>, body = JSON.stringify(envelope)) =>
    domain().sendRaw(AddInventory.channel, String(envelope['id' as keyof typeof envelope]), body);
  const deadLetterOf = (messageId: string) =>
    until(
      `the dead letter of ${messageId}`,
      async () =>
        (await json<{ deadLetters: DeadLetterView[] }>('GET', '/admin/dead-letters')).deadLetters.find(
          (letter) => letter.messageId === messageId && letter.consumer === consumer,
        ),
      { timeoutMs: 30_000, everyMs: 100 },
    );
  /** The message ends as a dead letter with a reason that matches, and the product's stock stays `onHand`. */
  const deadLetteredApplyingNothing = async (
    messageId: string,
    reason: RegExp,
    productId: string,
    unchanged: number,
  ) => {
    const letter = await deadLetterOf(messageId);
    assert.equal(letter.consumer, consumer);
    assert.match(letter.reason, reason);
    await domain().settled(30_000);
    assert.equal(await onHand(productId), unchanged);
    return letter;
  };
  /** Replays the letter: the message as stored is still refused, with the same reason, and still applies nothing. */
  const replayStillRefused = async (letter: DeadLetterView, reason: RegExp) => {
    const answer = await domain().request({
      method: 'POST',
      url: `/admin/dead-letters/${letter.service}/${letter.id}/replay`,
    });
    assert.equal(answer.statusCode, 409, answer.body);
    assert.match(String(answer.headers['content-type']), /^application\/problem\+json/);
    assert.match((JSON.parse(answer.body) as { detail: string }).detail, reason);
  };
  const addition = (productId: string, quantity: number, overrides: Partial<Envelope> = {}) =>
    envelopeFor(AddInventory, { ...stockBody(productId, quantity) }, overrides);

  it('dead-letters an AddInventory whose data holds NUL, with the field named, and applies nothing', async () => {
    const productId = await stocked(5);
    const poison = addition(productId, 3);
    const body = JSON.stringify(poison).replace(`"warehouseId":"`, `"warehouseId":"\\u0000`);
    await send(poison, body);
    const reason = /\/data\/warehouseId must be well-formed Unicode text without NUL/;
    const letter = await deadLetteredApplyingNothing(poison.id, reason, productId, 5);
    await replayStillRefused(letter, reason);
    assert.equal(await onHand(productId), 5);
  });

  it('dead-letters an AddInventory of dataversion 9.0.0 at once, and applies nothing', async () => {
    const productId = await stocked(5);
    const future = addition(productId, 3, { dataversion: '9.0.0' });
    await send(future);
    const reason = /AddInventory version 9\.0\.0 is outside the accepted range 0\.0\.x/;
    const letter = await deadLetteredApplyingNothing(future.id, reason, productId, 5);
    await replayStillRefused(letter, reason);
    assert.equal(await onHand(productId), 5);
  });

  it('applies an idempotency key once: another message reusing it under a new envelope id is dead-lettered', async () => {
    const productId = await stocked(5);
    const first = addition(productId, 3);
    await send(first);
    await domain().settled(30_000);
    assert.equal(await onHand(productId), 8);
    const reused = addition(productId, 7, { idempotencykey: first.idempotencykey });
    await send(reused);
    const reason = /MESSAGING\.IDEMPOTENCY_KEY_REUSED: idempotency key .* was applied to another message/;
    const letter = await deadLetteredApplyingNothing(reused.id, reason, productId, 8);
    const replay = await domain().request({
      method: 'POST',
      url: `/admin/dead-letters/${letter.service}/${letter.id}/replay`,
    });
    assert.equal(replay.statusCode, 409, replay.body);
    assert.match(replay.body, /IDEMPOTENCY_KEY_REUSED/);
    assert.equal(await onHand(productId), 8);
  });

  it('dead-letters a malformed envelope with the attributes it lacks, and applies nothing', async () => {
    const productId = await stocked(5);
    const { specversion: _specversion, source: _source, ...malformed } = addition(productId, 3);
    await send(malformed);
    const reason = /invalid envelope.*specversion/;
    const letter = await deadLetteredApplyingNothing(malformed.id, reason, productId, 5);
    await replayStillRefused(letter, reason);
  });

  const onlyJson =
    domain().runtime === 'embedded' && 'the embedded bus log holds only JSON: no producer can send this';
  it(
    'dead-letters bytes that are not JSON at all, under their stream position',
    { skip: onlyJson },
    async () => {
      await domain().sendRaw(AddInventory.channel, randomUUID(), '{"id": "not json');
      // With no id to read, the letter is named by the stream and sequence the bytes arrived at.
      const letter = await until(
        'the dead letter of the bytes',
        async () =>
          (await json<{ deadLetters: DeadLetterView[] }>('GET', '/admin/dead-letters')).deadLetters.find(
            (candidate) => candidate.consumer === consumer && /_INVENTORY:\d+$/.test(candidate.messageId),
          ),
        { timeoutMs: 30_000, everyMs: 100 },
      );
      assert.equal(letter.consumer, consumer);
      assert.match(letter.reason, /invalid envelope/);
      await replayStillRefused(letter, /invalid envelope/);
    },
  );
}
