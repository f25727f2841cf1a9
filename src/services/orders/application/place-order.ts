import { createHash } from 'node:crypto';
import type { PlaceOrder } from '../../../../contracts/index.js';
import { type Envelope, type PayloadOf } from '../../../../contracts/index.js';
import { recordInTimeline, timelineEntryOf, type TimelineEntry } from '../../../flows/index.js';
import { AppError } from '../../../platform/kernel/errors.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import type { Sql } from '../../../platform/db/database.js';
import { decide, evolve, type Order, type OrderCommand, type OrderEvent } from '../domain/index.js';
import { insertOrders, lockOrders, type StoredOrder } from '../infrastructure/order-repository.js';
import type { InProgressBound } from './in-progress-bound.js';
import { publish } from './publish.js';

export type PlaceOrderCommand = PayloadOf<typeof PlaceOrder>;

/** A `PlaceOrder` with the unit of work its placement belongs to. */
export interface PlacementRequest {
  readonly uow: UnitOfWork;
  readonly command: Envelope<PlaceOrderCommand>;
}

export type Placement =
  /** Placed now: the order as stored, and its timeline, which holds the command alone. */
  | { readonly outcome: 'placed'; readonly stored: StoredOrder; readonly timeline: readonly TimelineEntry[] }
  /** The same request was placed before: the call was a retry. */
  | { readonly outcome: 'replayed' }
  /** As many orders were in progress as the bound allows: nothing was stored. */
  | { readonly outcome: 'refused' }
  /** The order's rules refuse the request, or another body was placed under its id: nothing was stored. */
  | { readonly outcome: 'failed'; readonly error: AppError };

/**
 * What a request comes to before anything is written: answered at once, a new order to insert, or
 * a repeat of an id that an earlier request of the batch may place.
 */
type Plan =
  | { readonly kind: 'answered'; readonly placement: Placement }
  | { readonly kind: 'new'; readonly stored: StoredOrder; readonly events: readonly OrderEvent[] }
  | { readonly kind: 'repeat'; readonly of: number };

const answered = (placement: Placement): Plan => ({ kind: 'answered', placement });

/**
 * Accepts orders, or recognises retries of them, in the caller's transaction: one statement locks the
 * orders stored under the ids asked for (in key order), one inserts the new ones, one records their
 * commands on their timelines (and, given a bound that counts, one counts the orders in progress).
 * Order ids are canonical UUIDs, as the contracts' validation has them. The client's `orderId` makes
 * placement idempotent: the same body again is a replay, a different body under the same id a
 * conflict, within a batch too. Given a bound, new orders are refused while as many orders are in
 * progress as it allows; a retry is answered whatever the count. Answers each request's placement, in
 * order.
 */
export async function placeOrders(
  requests: readonly PlacementRequest[],
  bound?: InProgressBound,
): Promise<Placement[]> {
  const [first] = requests;
  if (!first) return [];
  const { sql } = first.uow;
  const stored = await lockOrders(
    sql,
    requests.map(({ command }) => command.data.orderId),
  );
  const firstUnder = new Map<string, number>();
  const plans = requests.map(({ uow, command }, index): Plan => {
    const { orderId } = command.data;
    const before = stored.get(orderId);
    if (before) return answered(sameRequest(orderId, before.requestFingerprint, command.data));
    const earlier = firstUnder.get(orderId);
    if (earlier !== undefined) return { kind: 'repeat', of: earlier };
    const plan = newOrderPlan(uow, command.data);
    // A request the order's rules refuse leaves its id to the next request under it.
    if (plan.kind === 'new') firstUnder.set(orderId, index);
    return plan;
  });

  const fresh = plans.flatMap((plan, index) => (plan.kind === 'new' ? [index] : []));
  const admitted = bound ? await bound.admits(sql, fresh.length) : fresh.length;
  for (const index of fresh.slice(admitted)) plans[index] = answered({ outcome: 'refused' });
  const inserted = await insertOrders(
    sql,
    plans.flatMap((plan) => (plan.kind === 'new' ? [plan.stored] : [])),
  );
  const placedBy = (plan: Plan | undefined) =>
    plan?.kind === 'new' && inserted.has(plan.stored.order.orderId) ? plan.stored : undefined;
  const placedCommands = requests.filter((_, index) => placedBy(plans[index])).map(({ command }) => command);
  if (placedCommands.length > 0) await recordInTimeline(sql, placedCommands, first.uow.now);

  const placements: Placement[] = [];
  const unplacedRepeats: number[] = [];
  for (const [index, { uow, command }] of requests.entries()) {
    const plan = plans[index] as Plan;
    if (plan.kind === 'answered') placements[index] = plan.placement;
    else if (plan.kind === 'new') {
      if (placedBy(plan)) {
        for (const event of plan.events) publish(uow, plan.stored.order, event);
        placements[index] = { outcome: 'placed', stored: plan.stored, timeline: [timelineEntryOf(command)] };
      } else placements[index] = await placedMeanwhile(sql, plan.stored);
    } else {
      const placedEarlier = placedBy(plans[plan.of]);
      if (placedEarlier)
        placements[index] = sameRequest(command.data.orderId, placedEarlier.requestFingerprint, command.data);
      else unplacedRepeats.push(index);
    }
  }
  // A repeat of an id whose first request placed nothing (refused by the bound, or inserted meanwhile
  // by another request) is a request of its own.
  const repeatsPlaced = await placeOrders(
    unplacedRepeats.map((index) => requests[index] as PlacementRequest),
    bound,
  );
  unplacedRepeats.forEach((index, nth) => {
    placements[index] = repeatsPlaced[nth] as Placement;
  });
  return placements;
}

/** A new order, or the rule it breaks. */
function newOrderPlan(uow: UnitOfWork, request: PlaceOrderCommand): Plan {
  let events: OrderEvent[];
  try {
    events = decide(undefined, placeCommandOf(request), uow.now);
  } catch (error) {
    if (error instanceof AppError) return answered({ outcome: 'failed', error });
    throw error;
  }
  const order = events.reduce<Order | undefined>(evolve, undefined) as Order;
  return {
    kind: 'new',
    stored: {
      order,
      correlationId: uow.origin.correlationId,
      requestFingerprint: fingerprintOf(request),
      createdAt: uow.now,
    },
    events,
  };
}

/** Another request with this id committed between the lock and the insert: a replay or a conflict. */
async function placedMeanwhile(sql: Sql, ours: StoredOrder): Promise<Placement> {
  const { orderId } = ours.order;
  const winner = (await lockOrders(sql, [orderId])).get(orderId);
  if (!winner) throw new Error(`order ${orderId} vanished during placement`);
  return sameFingerprint(orderId, winner.requestFingerprint, ours.requestFingerprint);
}

function placeCommandOf(request: PlaceOrderCommand): OrderCommand {
  return {
    type: 'PlaceOrder',
    orderId: request.orderId,
    customer: request.customer,
    items: request.items.map((item) => ({
      productId: item.itemId,
      name: item.name,
      quantity: item.quantity,
      price: item.price,
    })),
    shippingAddress: request.shippingAddress,
    payment: {
      method: request.payment.paymentMethod,
      transactionId: request.payment.transactionId,
      amount: request.payment.amount,
    },
    orderDate: request.orderDate,
  };
}

/** A replay when `request` is the request placed under its id, a conflict otherwise. */
function sameRequest(orderId: string, placedFingerprint: string, request: PlaceOrderCommand): Placement {
  return sameFingerprint(orderId, placedFingerprint, fingerprintOf(request));
}

function sameFingerprint(orderId: string, placedFingerprint: string, fingerprint: string): Placement {
  if (placedFingerprint === fingerprint) return { outcome: 'replayed' };
  return {
    outcome: 'failed',
    error: new AppError(
      'conflict',
      'ORDERS.ID_REUSED',
      `Order ${orderId} was placed before with a different body`,
    ),
  };
}

/** A digest of the request that ignores the order of object keys. */
function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
