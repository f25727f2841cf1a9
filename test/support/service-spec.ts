import assert from 'node:assert/strict';
import { findContract, type Envelope } from '../../contracts/index.js';
import type { Sql } from '../../src/platform/db/database.js';
import type { TestHost } from './host.js';

/**
 * The grammar of handler and API specs, beside `deciderSpec`: when a service is sent a message or
 * asked over HTTP, then it answers, emits, or dead-letters with a reason — and nothing else changes.
 */

/** Publishes the envelopes on their channels as their producers would, and waits until all they caused has settled. */
export async function whenDelivered(host: TestHost, ...envelopes: readonly Envelope[]): Promise<void> {
  await host.bus.publish(
    envelopes.map((envelope) => {
      const contract = findContract(envelope.type);
      assert.ok(contract, `no contract for ${envelope.type}`);
      return { channel: contract.channel, envelope };
    }),
  );
  await host.settled();
}

/**
 * Delivers the same envelope twice, as an at-least-once bus may. The embedded bus drops an id it has
 * seen within its de-duplication window, so it is made to forget the first delivery: the consumer's
 * own inbox must be what keeps the second from being applied.
 */
export async function whenDeliveredTwice(host: TestHost, db: Sql, envelope: Envelope): Promise<void> {
  await whenDelivered(host, envelope);
  await db.query('delete from bus.messages where id = $1', [envelope.id]);
  await whenDelivered(host, envelope);
}

export interface DeadLetter {
  readonly consumer: string;
  readonly messageId: string;
  readonly reason: string;
}

/** The messages the consumers of the service owning `schema` gave up on, oldest first. */
export function deadLettersOf(db: Sql, schema: string): Promise<DeadLetter[]> {
  return db.query<DeadLetter>(
    `select consumer, message_id as "messageId", reason from ${schema}.dead_letters order by id`,
  );
}

/** Asserts that the one message `envelope` was dead-lettered by `consumer`, with a reason that matches. */
export async function thenDeadLettered(
  db: Sql,
  schema: string,
  envelope: Pick<Envelope, 'id'>,
  expected: { readonly consumer: string; readonly reason: string | RegExp },
): Promise<DeadLetter> {
  const letters = (await deadLettersOf(db, schema)).filter((letter) => letter.messageId === envelope.id);
  assert.equal(letters.length, 1, `one dead letter for ${envelope.id}, found ${JSON.stringify(letters)}`);
  const [letter] = letters as [DeadLetter];
  assert.equal(letter.consumer, expected.consumer);
  if (typeof expected.reason === 'string') assert.equal(letter.reason, expected.reason);
  else assert.match(letter.reason, expected.reason);
  return letter;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors?: readonly { field: string; location: string; message: string }[];
}

/** Asserts an RFC 9457 problem+json answer with this status and code, and returns the problem. */
export function thenProblem(
  response: { statusCode: number; headers: Record<string, unknown>; body: string; json<T>(): T },
  status: number,
  code: string,
): Problem {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const problem = response.json<Problem>();
  assert.equal(problem.status, status);
  assert.equal(problem.code, code);
  return problem;
}
