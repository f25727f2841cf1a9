import assert from 'node:assert/strict';
import type { Database } from '../../src/platform/db/database.js';

/** The database holding a service's schema: one for all embedded, one each distributed. */
export type DatabaseOf = (service: string) => Promise<Database>;

/** How an order ended, as far as its effects go. */
export type Outcome = 'completed' | 'rejected' | 'cancelled';

type Counts = Record<string, number>;

/**
 * What an order's history left behind, for an order whose effects its outcome alone does not tell
 * (amended, or cancelled after it was paid): payment calls and the provider's books, notifications by type.
 */
export interface Effects {
  readonly payments: Counts;
  readonly notifications: Counts;
}

/** Each order's outcome, or the effects it must have left when its outcome does not tell them. */
export type Expected = ReadonlyMap<string, Outcome | Effects>;

/** A table of messages a service sent: its outbox distributed, the one bus table embedded. */
export interface SentMessages {
  readonly db: Database;
  readonly table: string;
}

/**
 * Every effect of every order, counted per order: the provider's authorizations, captures and
 * refunds, the notifications by type and the events of each outbox. Fails when an order has one
 * too many or too few, or when it finds nothing to count at all.
 */
export async function assertEachEffectOnce(
  databaseOf: DatabaseOf,
  outcomes: Expected,
  sent: readonly SentMessages[],
): Promise<void> {
  assert.ok(outcomes.size > 0, 'no orders to count the effects of');
  await assertPaymentsPerOrder(await databaseOf('payments'), outcomes);
  await assertNotificationsPerOrder(await databaseOf('notifications'), outcomes);
  for (const messages of sent) await assertNoEventTwice(messages, [...outcomes.keys()]);
}

/** A completed order was authorized once and captured once; a rejected one never touched the provider. */
export async function assertPaymentsPerOrder(payments: Database, outcomes: Expected): Promise<void> {
  const rows = await payments.query<{ order_id: string; kind: string; calls: number }>(
    `select p.order_id, o.kind, count(*)::int as calls
     from payments.payments p join payments.operations o using (payment_id)
     where p.order_id = any ($1::uuid[]) and o.status = 'settled'
     group by p.order_id, o.kind`,
    [[...outcomes.keys()]],
  );
  // The sandbox provider's own books: one charge per authorization, a ledger row per capture and
  // per refund it carried out (so a second capture it accepted counts twice).
  const charges = await payments.query<{ order_id: string; kind: string; calls: number }>(
    `with charge as (
       select p.order_id, c.reference
       from payments.payments p join payments.sandbox_charges c on c.prepare_key like p.payment_id::text || ':%'
       where p.order_id = any ($1::uuid[]))
     select order_id, 'provider authorization' as kind, count(*)::int as calls from charge group by order_id
     union all
     select order_id, 'provider capture', count(*)::int
     from charge join payments.sandbox_captures k using (reference) group by order_id
     union all
     select order_id, 'provider refund', count(*)::int
     from charge join payments.sandbox_refunds r using (reference) group by order_id`,
    [[...outcomes.keys()]],
  );
  const expected: Record<Outcome, Counts> = {
    completed: {
      authorize: 1,
      capture: 1,
      'provider authorization': 1,
      'provider capture': 1,
    },
    rejected: {},
    cancelled: {},
  };
  assert.ok(rows.length > 0 && charges.length > 0, 'no payment of these orders to count');
  // An order cancelled may have been paid or not: only its stated effects are checked.
  assertCountsPerOrder('payment calls', [...rows, ...charges], outcomes, (outcome) =>
    typeof outcome === 'string'
      ? outcome === 'cancelled'
        ? undefined
        : expected[outcome]
      : outcome.payments,
  );
}

/** A completed order was confirmed and its payment acknowledged once; a rejected one told so once. */
export async function assertNotificationsPerOrder(
  notifications: Database,
  outcomes: Expected,
): Promise<void> {
  const rows = await notifications.query<{ order_id: string; kind: string; calls: number }>(
    `select order_id, type as kind, count(*)::int as calls from notifications.notifications
     where order_id = any ($1::uuid[]) group by order_id, type`,
    [[...outcomes.keys()]],
  );
  const expected: Record<Outcome, Counts> = {
    completed: { order_confirmation: 1, payment_received: 1 },
    rejected: { order_rejected: 1 },
    cancelled: { order_cancelled: 1 },
  };
  assert.ok(rows.length > 0, 'no notification of these orders to count');
  // An order that takes the last units of a product may raise the product's stock alert: once at most.
  const lifecycle = rows.filter((row) => !(row.kind === 'out_of_stock_alert' && row.calls === 1));
  assertCountsPerOrder('notifications', lifecycle, outcomes, (outcome) =>
    typeof outcome === 'string' ? expected[outcome] : outcome.notifications,
  );
}

/**
 * No message about an order stands twice among those a service sent: one of each type per order,
 * apart from those an order has several of (a notification per type, an adjustment per warehouse
 * and reason, an amendment per change of its lines). Fails when the service sent nothing about these orders.
 */
export async function assertNoEventTwice(sent: SentMessages, orderIds: readonly string[]): Promise<void> {
  const orderOf = `coalesce(envelope->'data'->>'orderId', envelope->'data'->>'order_id')`;
  const perOrder = await sent.db.query<{ order_id: string; type: string; times: number }>(
    `select ${orderOf} as order_id, envelope->>'type' as type, count(*)::int as times
     from ${sent.table} where ${orderOf} = any ($1::text[])
     group by 1, 2, envelope->'data'->>'type', envelope->'data'->>'warehouse_id',
              envelope->'data'->>'adjustment_reason', envelope->'data'->>'amendedItems'`,
    [orderIds],
  );
  assert.ok(perOrder.length > 0, `${sent.table} holds no message about these orders`);
  assert.deepEqual(
    perOrder.filter((row) => row.times > 1).slice(0, 5),
    [],
    `messages ${sent.table} holds twice for one order`,
  );
}

function assertCountsPerOrder(
  what: string,
  rows: readonly { order_id: string; kind: string; calls: number }[],
  outcomes: Expected,
  expected: (outcome: Outcome | Effects) => Counts | undefined,
): void {
  const actual = new Map<string, Counts>();
  for (const { order_id, kind, calls } of rows) {
    actual.set(order_id, { ...actual.get(order_id), [kind]: calls });
  }
  const wrong: string[] = [];
  for (const [orderId, outcome] of outcomes) {
    const want = expected(outcome);
    if (want === undefined) continue;
    const got = actual.get(orderId) ?? {};
    const label = typeof outcome === 'string' ? outcome : 'the';
    if (!sameCounts(got, want))
      wrong.push(`${label} order ${orderId}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  assert.deepEqual(wrong.slice(0, 5), [], `${what} per order (${wrong.length} orders wrong)`);
}

function sameCounts(a: Counts, b: Counts): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a[key] ?? 0) === (b[key] ?? 0));
}
