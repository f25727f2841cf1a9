import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import type { Envelope } from '../../../contracts/index.js';
import type { Sql } from '../db/database.js';
import { AppError } from '../kernel/errors.js';

const digestOf = (envelope: Envelope) =>
  createHash('sha256')
    .update(`${envelope.type}\n${stableStringify(envelope.data)}`)
    .digest('base64url');

/**
 * Records that `consumer` handled these messages, inside the handler's transaction, and returns
 * the idempotency keys seen for the first time: the unique key, not a prior read, decides what is
 * a duplicate. The key, not the envelope id, names the intent: the same message sent again under a
 * new id is applied once; another message under a used key is refused. Slots are claimed in key
 * order, so batches claiming overlapping keys at once wait for each other without deadlocking.
 */
export async function claimInboxSlots(
  tx: Sql,
  schema: string,
  consumer: string,
  envelopes: readonly Envelope[],
): Promise<Set<string>> {
  const digests = envelopes.map(digestOf);
  const rows = await tx.query<{ idempotency_key: string }>(
    `insert into ${schema}.inbox (consumer, idempotency_key, type, digest)
     select $1, key, type, digest from unnest($2::text[], $3::text[], $4::text[]) as m (key, type, digest)
     order by key
     on conflict do nothing returning idempotency_key`,
    [
      consumer,
      envelopes.map((envelope) => envelope.idempotencykey),
      envelopes.map((envelope) => envelope.type),
      digests,
    ],
  );
  const fresh = new Set(rows.map((row) => row.idempotency_key));
  const seenBefore = envelopes.filter((envelope) => !fresh.has(envelope.idempotencykey));
  if (seenBefore.length > 0) await refuseReusedKeys(tx, schema, consumer, seenBefore);
  return fresh;
}

async function refuseReusedKeys(
  tx: Sql,
  schema: string,
  consumer: string,
  envelopes: readonly Envelope[],
): Promise<void> {
  const recorded = await tx.query<{ idempotency_key: string; digest: string | null }>(
    `select idempotency_key, digest from ${schema}.inbox where consumer = $1 and idempotency_key = any($2::text[])`,
    [consumer, envelopes.map((envelope) => envelope.idempotencykey)],
  );
  const digestByKey = new Map(recorded.map((row) => [row.idempotency_key, row.digest]));
  for (const envelope of envelopes) {
    const digest = digestByKey.get(envelope.idempotencykey);
    // Messages handled before digests were kept have none: nothing to compare them with.
    if (digest && digest !== digestOf(envelope))
      throw new AppError(
        'conflict',
        'MESSAGING.IDEMPOTENCY_KEY_REUSED',
        `idempotency key ${envelope.idempotencykey} was applied to another message`,
      );
  }
}
