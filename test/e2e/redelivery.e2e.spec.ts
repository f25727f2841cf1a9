import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import {
  AddInventory,
  CancelSubscription,
  PlaceOrder,
  SubscribeUser,
  UpdateInventory,
  type Envelope,
} from '../../contracts/index.js';
import { describeEachEngine } from '../support/databases.js';
import { assertEachEffectOnce, type Effects, type Expected, type Outcome } from '../support/effects.js';
import { envelopeFor } from '../support/envelopes.js';
import { domainPerSuite } from '../support/embedded-domain.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { subscribeUserBody } from '../support/subscriptions.js';

/**
 * Every handler, given the same message twice, applies it once: after a run that exercises every
 * handler, the whole history of the bus is delivered again and nothing may change.
 */
describeEachEngine('delivering every message a second time', (open) => {
  const { host, db } = domainPerSuite(open);

  const post = async (url: string, payload: object) => {
    const response = await host().inject({ method: 'POST', url, payload });
    assert.ok(response.statusCode < 300, `${url}: ${response.body}`);
  };

  /** Runs every handler; resolves with the effects each order must have left. */
  async function exerciseEveryHandler(): Promise<Expected> {
    const plenty = randomUUID();
    const scarce = randomUUID();
    await post('/inventory/add', stockBody(plenty, 20));
    await post('/inventory/add', stockBody(scarce, 1));
    const completed = placeOrderBody([{ productId: plenty, quantity: 2 }]);
    const rejected = placeOrderBody([{ productId: scarce, quantity: 5 }]);
    const cancelled = placeOrderBody([{ productId: plenty, quantity: 1 }]);
    for (const body of [completed, rejected, cancelled]) await post('/orders', body);
    await host().settled();
    await post(`/orders/${completed.orderId}/amendments`, { items: [{ itemId: plenty, quantity: 3 }] });
    await host().settled();
    await post(`/orders/${completed.orderId}/amendments`, { items: [{ itemId: plenty, quantity: 500 }] });
    await post(`/orders/${cancelled.orderId}/cancel`, { reason: 'changed my mind' });
    const warehouseId = randomUUID();
    const placedByMessage = placeOrderBody([{ productId: plenty, quantity: 1 }]);
    await host().bus.publish([
      {
        channel: AddInventory.channel,
        envelope: envelopeFor(AddInventory, { ...stockBody(scarce, 4, warehouseId) }),
      },
      {
        channel: PlaceOrder.channel,
        envelope: envelopeFor(PlaceOrder, placedByMessage),
      },
    ]);
    await host().settled();
    const update = {
      productId: scarce,
      quantityChange: -1,
      warehouseId,
      timestamp: new Date().toISOString(),
    };
    await host().bus.publish([
      { channel: UpdateInventory.channel, envelope: envelopeFor(UpdateInventory, update) },
    ]);
    await host().settled();
    const subscription = subscribeUserBody();
    await host().bus.publish([
      { channel: SubscribeUser.channel, envelope: envelopeFor(SubscribeUser, subscription) },
    ]);
    await host().settled();
    const cancellation = {
      subscriptionId: subscription.subscriptionId,
      userId: subscription.userId,
      timestamp: new Date().toISOString(),
    };
    await host().bus.publish([
      { channel: CancelSubscription.channel, envelope: envelopeFor(CancelSubscription, cancellation) },
    ]);
    await host().settled();
    const paid = { authorize: 1, capture: 1, 'provider authorization': 1, 'provider capture': 1 };
    return new Map<string, Outcome | Effects>([
      // Its rise charged at once (a second authorization, captured with it); its second amendment refused.
      [
        completed.orderId,
        {
          payments: { ...paid, authorize: 2, 'provider authorization': 2 },
          notifications: { order_confirmation: 1, payment_received: 1, amendment_rejected: 1 },
        },
      ],
      [rejected.orderId, 'rejected'],
      // Paid, then cancelled: refunded in full, once.
      [
        cancelled.orderId,
        {
          payments: { ...paid, refund: 1, 'provider refund': 1 },
          notifications: {
            order_confirmation: 1,
            payment_received: 1,
            order_cancelled: 1,
            payment_refunded: 1,
          },
        },
      ],
      [placedByMessage.orderId, 'completed'],
    ]);
  }

  /** Everything the handlers change, in a comparable form. */
  async function snapshot() {
    const rows = (sql: string) => db().query(sql);
    return {
      orders: await rows('select order_id, status, state from orders.orders order by order_id'),
      timeline: await rows(
        'select correlation_id, message_id from orders.timeline order by correlation_id, message_id',
      ),
      stock: await rows(
        'select product_id, warehouse_id, on_hand, reserved from inventory.stock order by 1, 2',
      ),
      allocations: await rows(
        'select order_id, state, allocations from inventory.order_allocations order by 1',
      ),
      movements: await rows('select count(*)::int as n from inventory.movements'),
      notifications: await rows(
        'select notification_id, type, status from notifications.notifications order by 1',
      ),
      payments: await rows('select payment_id, order_id, status, state from payments.payments order by 1'),
      operations: await rows(
        'select operation_id, kind, status, attempts, provider_reference from payments.operations order by 1',
      ),
      providerCharges: await rows(
        'select reference, amount, status, captured, capture_key, release_key from payments.sandbox_charges order by 1',
      ),
      providerCaptures: await rows(
        'select idempotency_key, reference, amount from payments.sandbox_captures order by 1',
      ),
      providerRefunds: await rows(
        'select idempotency_key, reference, amount from payments.sandbox_refunds order by 1',
      ),
      cancelledPayments: await rows('select order_id from payments.cancelled_orders order by 1'),
      subscriptions: await rows('select * from subscriptions.subscriptions order by 1'),
      subscriptionOperations: await rows('select * from subscriptions.provider_operations order by 1'),
      published: await rows('select count(*)::int as n from bus.messages'),
      deadLetters: await rows(
        `select (select count(*) from orders.dead_letters)::int as orders, (select count(*) from inventory.dead_letters)::int as inventory,
                (select count(*) from notifications.dead_letters)::int as notifications,
                (select count(*) from payments.dead_letters)::int as payments,
                (select count(*) from subscriptions.dead_letters)::int as subscriptions`,
      ),
    };
  }

  /**
   * Deliveries that changed nothing: those an inbox turned away, and those of the timeline's own
   * consumer, which keeps no inbox and finds each message on the timeline already.
   */
  async function idleDeliveries(): Promise<number> {
    const { values } = await host().host.metrics.messagesHandled.get();
    return values
      .filter(
        (value) =>
          value.labels.outcome === 'duplicate' ||
          (value.labels.consumer === 'OrdersService-timeline' && value.labels.outcome === 'handled'),
      )
      .reduce((sum, value) => sum + value.value, 0);
  }

  it('changes nothing when the whole history is delivered again', async () => {
    const expected = await exerciseEveryHandler();
    await assertEachEffectOnce(() => Promise.resolve(db()), expected, [{ db: db(), table: 'bus.messages' }]);
    const first = await snapshot();
    assert.equal(first.orders.length, 4);
    assert.ok(first.payments.length > 0 && first.providerCharges.length > 0, 'payments were taken');
    assert.ok(first.providerRefunds.length > 0, 'a payment was refunded');
    assert.equal(first.subscriptions.length, 1, 'a subscription was started');
    assert.ok(first.subscriptionOperations.length >= 2, 'the provider was asked to start and cancel it');
    assert.deepEqual(
      new Set(first.orders.map((order) => order['status'])),
      new Set(['completed', 'rejected', 'cancelled']),
    );

    const history = await db().query<{ channel: string; envelope: Envelope }>(
      'select channel, envelope from bus.messages order by seq',
    );
    const handled = await db().query<{ n: number }>(
      `select (select count(*) from orders.inbox) + (select count(*) from inventory.inbox) + (select count(*) from notifications.inbox) as n`,
    );
    assert.ok(history.length > 30, `only ${history.length} messages in the history`);
    await db().query('delete from bus.messages where seq not in (select seq from bus.pending)');
    const idleBefore = await idleDeliveries();
    await host().bus.publish(history);
    await host().settled();
    assert.ok((await idleDeliveries()) - idleBefore >= history.length, 'every message was delivered again');

    assert.deepEqual(await snapshot(), first);
    const handledAgain = await db().query<{ n: number }>(
      `select (select count(*) from orders.inbox) + (select count(*) from inventory.inbox) + (select count(*) from notifications.inbox) as n`,
    );
    assert.deepEqual(handledAgain, handled);
  });
});
