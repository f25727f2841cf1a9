import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, now, placeOrder, spec } from '../../../../test/support/order-decider.js';
import type { OrderCommand } from './commands.js';
import { decide } from './decide.js';
import type { OrderEvent } from './events.js';
import { evolve } from './evolve.js';
import type { Order, OrderLine } from './order.js';

const bolt = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const nut = '1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e';
const washer = '2c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f';
const paymentId = '3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a';

const place = placeOrder([
  { productId: bolt, name: 'Bolt', quantity: 2, price: 1.5 },
  { productId: nut, name: 'Nut', quantity: 3, price: 1 },
]);
const bolts: OrderLine = { productId: bolt, name: 'Bolt', quantity: 2, unitPrice: 150 };
const nuts: OrderLine = { productId: nut, name: 'Nut', quantity: 3, unitPrice: 100 };

/** The events of a history of commands, each decided on the state the previous ones left. */
function history(...commands: OrderCommand[]): OrderEvent[] {
  const events: OrderEvent[] = [];
  let state: Order | undefined;
  for (const command of commands) {
    const decided = decide(state, command, now);
    events.push(...decided);
    state = decided.reduce<Order | undefined>(evolve, state);
  }
  return events;
}

const reserve: OrderCommand = { type: 'RecordReservation', reservationId: 'r-7' };
const authorize: OrderCommand = { type: 'RecordPaymentAuthorized', paymentId };
const deduct = (productId: string, quantity: number): OrderCommand => ({
  type: 'RecordStockMovement',
  productId,
  quantity,
});
const confirmedSteps = [place, reserve, authorize];
const completedSteps = [
  ...confirmedSteps,
  deduct(bolt, 2),
  deduct(nut, 3),
  { type: 'RecordPaymentCaptured' } as const,
];
const amend = (...items: { productId: string; quantity: number; name?: string; price?: number }[]) =>
  ({ type: 'AmendOrder', items }) as const;

describe('answers that come at the wrong time', () => {
  it('takes no reservation for an order cancelled while pending', () => {
    spec
      .given(history(place, { type: 'CancelOrder' }))
      .when(reserve)
      .thenNothingHappened();
  });

  it('does not reject an order that is already confirmed when a late shortage arrives', () => {
    spec
      .given(history(...confirmedSteps))
      .when({ type: 'RecordReservationFailure', reason: 'insufficient_stock', shortages: [] })
      .thenNothingHappened();
  });

  it('does not confirm an order whose payment was never requested', () => {
    spec.given(history(place)).when(authorize).thenNothingHappened();
  });

  it('keeps a completed order when a late payment failure arrives', () => {
    spec
      .given(history(...completedSteps))
      .when({ type: 'RecordPaymentFailed', message: 'expired' })
      .thenNothingHappened();
  });

  it('records no stock movement for an order that is not confirmed yet', () => {
    spec.given(history(place, reserve)).when(deduct(bolt, 2)).thenNothingHappened();
  });

  it('records stock taken for a completed order without asking for another capture', () => {
    spec
      .given(history(...completedSteps))
      .when(deduct(bolt, 1))
      .then([{ type: 'StockDeducted', productId: bolt, quantity: 1, at }]);
  });

  it('does not ask for the capture while a product taken from stock is no longer on the order', () => {
    spec
      .given(history(...confirmedSteps, deduct(bolt, 2), deduct(washer, 1)))
      .when(deduct(nut, 3))
      .then([{ type: 'StockDeducted', productId: nut, quantity: 3, at }]);
  });
});

describe('cancelling, exactly', () => {
  it('keeps the reason given, and adds none when there is none', () => {
    spec
      .given(history(place))
      .when({ type: 'CancelOrder', reason: 'changed my mind' })
      .then([{ type: 'OrderCancelled', reason: 'changed my mind', at }]);
    spec
      .given(history(place))
      .when({ type: 'CancelOrder' })
      .then([{ type: 'OrderCancelled', at }]);
  });
});

describe('amending, exactly', () => {
  it('adds a product new to the order and drops a line set to zero', () => {
    spec
      .given(history(...completedSteps))
      .when(
        amend(
          { productId: nut, quantity: 0 },
          { productId: washer, quantity: 4, name: 'Washer', price: 0.25 },
        ),
      )
      .then([
        {
          type: 'OrderAmended',
          previousLines: [bolts, nuts],
          lines: [bolts, { productId: washer, name: 'Washer', quantity: 4, unitPrice: 25 }],
          at,
        },
      ]);
  });

  it('refuses the price of a new product with fractions of a cent', () => {
    spec
      .given(history(...completedSteps))
      .when(amend({ productId: washer, quantity: 1, name: 'Washer', price: 0.255 }))
      .thenThrows('ORDERS.INVALID_PRICE');
  });

  it('asks the payment for the new total of the amendment, numbered', () => {
    spec
      .given(history(...completedSteps, amend({ productId: bolt, quantity: 4 })))
      .when({ type: 'RecordAmendmentApplied' })
      .then([{ type: 'PaymentAdjustmentRequested', amendment: 1, previousTotal: 600, total: 900, at }]);
  });

  it('settles at once an amendment that leaves the total as it was', () => {
    spec
      .given(
        history(...completedSteps, amend({ productId: bolt, quantity: 0 }, { productId: nut, quantity: 6 })),
      )
      .when({ type: 'RecordAmendmentApplied' })
      .then([{ type: 'AmendmentSettled', at }]);
  });

  it('ignores inventory answers when no amendment waits for them', () => {
    const completed = history(...completedSteps);
    spec.given(completed).when({ type: 'RecordAmendmentApplied' }).thenNothingHappened();
    spec.given(completed).when({ type: 'RecordAmendmentRejected', shortages: [] }).thenNothingHappened();
  });

  it('ignores a payment answer while the amendment still waits for inventory', () => {
    const waitingForInventory = history(...completedSteps, amend({ productId: bolt, quantity: 4 }));
    spec
      .given(waitingForInventory)
      .when({ type: 'RecordPaymentAdjusted', amendment: 1 })
      .thenNothingHappened();
    spec
      .given(waitingForInventory)
      .when({ type: 'RecordPaymentAdjustmentFailed', amendment: 1, message: 'declined' })
      .thenNothingHappened();
  });

  it('rejects a payment that failed with the lines the amendment had made', () => {
    spec
      .given(
        history(...completedSteps, amend({ productId: bolt, quantity: 4 }), {
          type: 'RecordAmendmentApplied',
        }),
      )
      .when({ type: 'RecordPaymentAdjustmentFailed', amendment: 1, message: 'declined' })
      .then([
        {
          type: 'AmendmentRejected',
          reason: 'payment_failed',
          message: 'declined',
          amendedLines: [{ ...bolts, quantity: 4 }, nuts],
          at,
        },
      ]);
  });

  it('numbers a second amendment and takes only the payment answer to that one', () => {
    const firstSettled = [
      ...completedSteps,
      amend({ productId: bolt, quantity: 4 }),
      { type: 'RecordAmendmentApplied' } as const,
      { type: 'RecordPaymentAdjusted', amendment: 1 } as const,
    ];
    spec
      .given(history(...firstSettled, amend({ productId: nut, quantity: 4 })))
      .when({ type: 'RecordAmendmentApplied' })
      .then([{ type: 'PaymentAdjustmentRequested', amendment: 2, previousTotal: 900, total: 1000, at }]);
    const secondAwaitingPayment = history(...firstSettled, amend({ productId: nut, quantity: 4 }), {
      type: 'RecordAmendmentApplied',
    });
    spec
      .given(secondAwaitingPayment)
      .when({ type: 'RecordPaymentAdjusted', amendment: 1 })
      .thenNothingHappened();
    spec
      .given(secondAwaitingPayment)
      .when({ type: 'RecordPaymentAdjusted', amendment: 2 })
      .then([{ type: 'AmendmentSettled', at }]);
  });

  it('points at the item a refusal is about', () => {
    assert.throws(
      () => decide(undefined, { ...place, items: [place.items[0]!, place.items[0]!] }, now),
      (error: { violations?: { field: string }[] }) => error.violations?.[0]?.field === '/items/1/itemId',
    );
    const completed = history(...completedSteps).reduce<Order | undefined>(evolve, undefined);
    assert.throws(
      () =>
        decide(completed, amend({ productId: bolt, quantity: 1 }, { productId: washer, quantity: 1 }), now),
      (error: { violations?: { field: string }[] }) => error.violations?.[0]?.field === '/items/1',
    );
  });
});
