import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, now, placeOrder, spec } from '../../../../test/support/order-decider.js';
import type { OrderCommand } from './commands.js';
import { decide } from './decide.js';
import type { OrderEvent } from './events.js';
import { evolve } from './evolve.js';
import type { Order } from './order.js';

const gear = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const cog = 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e';

const place = placeOrder([
  { productId: gear, name: 'Gear', quantity: 2, price: 29.99 },
  { productId: cog, name: 'Cog', quantity: 1, price: 0.1 },
]);

const placed: OrderEvent = {
  type: 'OrderPlaced',
  orderId: place.orderId,
  customer: place.customer,
  lines: [
    { productId: gear, name: 'Gear', quantity: 2, unitPrice: 2999 },
    { productId: cog, name: 'Cog', quantity: 1, unitPrice: 10 },
  ],
  shippingAddress: place.shippingAddress,
  payment: { ...place.payment, amount: 6008 },
  orderDate: at,
  at,
};
const reserved: OrderEvent = { type: 'StockReserved', reservationId: 'r-1', at };
const paymentId = '4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';
const confirmed: OrderEvent = { type: 'OrderConfirmed', paymentId, at };
const deductedAll: OrderEvent[] = [
  { type: 'StockDeducted', productId: gear, quantity: 2, at },
  { type: 'StockDeducted', productId: cog, quantity: 1, at },
];
const captureRequested: OrderEvent = { type: 'PaymentCaptureRequested', at };
const completed: OrderEvent = { type: 'OrderCompleted', at };
/** Reserved, paid, every line taken from stock and the payment captured. */
const completedOrder: OrderEvent[] = [
  placed,
  reserved,
  confirmed,
  ...deductedAll,
  captureRequested,
  completed,
];

describe('placing an order', () => {
  it('accepts an order whose payment equals the items total, in cents', () => {
    spec.given([]).when(place).then([placed]);
  });

  it('refuses a payment amount that differs from the items total', () => {
    spec
      .given([])
      .when({ ...place, payment: { ...place.payment, amount: 60.07 } })
      .thenThrows('ORDERS.AMOUNT_MISMATCH');
  });

  it('refuses prices with fractions of a cent', () => {
    const items = [{ productId: gear, name: 'Gear', quantity: 1, price: 1.005 }];
    spec
      .given([])
      .when({ ...place, items, payment: { ...place.payment, amount: 1.01 } })
      .thenThrows('ORDERS.INVALID_PRICE');
  });

  it('refuses a card number where the payment token belongs', () => {
    for (const transactionId of ['4242424242424242', '4242 4242 4242 4242', '5555-5555-5555-4444']) {
      spec
        .given([])
        .when({ ...place, payment: { ...place.payment, transactionId } })
        .thenThrows('ORDERS.CARD_DATA_REFUSED');
    }
    spec
      .given([])
      .when({ ...place, payment: { ...place.payment, transactionId: '4242424242424241' } })
      .thenState((order) => {
        assert.equal(order.payment.transactionId, '4242424242424241');
      });
  });

  it('refuses the same product on two lines', () => {
    const items = [place.items[0]!, place.items[0]!];
    spec
      .given([])
      .when({ ...place, items, payment: { ...place.payment, amount: 119.96 } })
      .thenThrows('ORDERS.DUPLICATE_ITEM');
  });

  it('refuses to place an order twice', () => {
    spec.given([placed]).when(place).thenThrows('ORDERS.ALREADY_PLACED');
  });
});

describe('reservation outcome', () => {
  it('requests the payment, without confirming, once the stock is reserved', () => {
    spec.given([placed]).when({ type: 'RecordReservation', reservationId: 'r-1' }).then([reserved]);
    spec
      .given([placed])
      .when({ type: 'RecordReservation', reservationId: 'r-1' })
      .thenState((order) => {
        assert.equal(order.status, 'pending');
        assert.equal(order.paymentState, 'requested');
      });
  });

  it('treats a repeated reservation as nothing new', () => {
    spec
      .given([placed, reserved])
      .when({ type: 'RecordReservation', reservationId: 'r-1' })
      .thenNothingHappened();
  });

  it('rejects a pending order when stock is short, keeping the shortages', () => {
    const shortages = [{ productId: gear, requested: 2, available: 1 }];
    spec
      .given([placed])
      .when({ type: 'RecordReservationFailure', reason: 'insufficient_stock', shortages })
      .then([{ type: 'OrderRejected', reason: 'insufficient_stock', shortages, at }]);
  });

  it('ignores a reservation refused because the order was cancelled first', () => {
    spec
      .given([placed, { type: 'OrderCancelled', at }])
      .when({ type: 'RecordReservationFailure', reason: 'order_cancelled', shortages: [] })
      .thenNothingHappened();
  });
});

describe('payment outcome', () => {
  it('confirms the order once its payment is authorized', () => {
    spec.given([placed, reserved]).when({ type: 'RecordPaymentAuthorized', paymentId }).then([confirmed]);
  });

  it('treats a repeated authorization as nothing new', () => {
    spec
      .given([placed, reserved, confirmed])
      .when({ type: 'RecordPaymentAuthorized', paymentId })
      .thenNothingHappened();
  });

  it('ignores an authorization for an order cancelled meanwhile', () => {
    spec
      .given([placed, reserved, { type: 'OrderCancelled', at }])
      .when({ type: 'RecordPaymentAuthorized', paymentId })
      .thenNothingHappened();
  });

  it('cancels the order when its payment fails, saying why', () => {
    spec
      .given([placed, reserved])
      .when({ type: 'RecordPaymentFailed', message: 'Your card was declined.' })
      .then([{ type: 'OrderCancelled', reason: 'Payment failed: Your card was declined.', at }]);
  });

  it('cancels a confirmed order whose payment cannot be captured', () => {
    spec
      .given([placed, reserved, confirmed, ...deductedAll, captureRequested])
      .when({ type: 'RecordPaymentFailed', message: 'Authorization expired' })
      .thenState((order) => {
        assert.equal(order.status, 'cancelled');
      });
  });

  it('ignores a payment failure of an order already cancelled', () => {
    spec
      .given([placed, reserved, { type: 'OrderCancelled', at }])
      .when({ type: 'RecordPaymentFailed', message: 'declined' })
      .thenNothingHappened();
  });
});

describe('fulfilment', () => {
  it('asks for the payment to be captured when the last line leaves stock', () => {
    spec
      .given([placed, reserved, confirmed, deductedAll[0]!])
      .when({ type: 'RecordStockMovement', productId: cog, quantity: 1 })
      .then([deductedAll[1]!, captureRequested]);
  });

  it('does not ask for the capture while a line is still partly in stock', () => {
    spec
      .given([placed, reserved, confirmed])
      .when({ type: 'RecordStockMovement', productId: gear, quantity: 1 })
      .then([{ type: 'StockDeducted', productId: gear, quantity: 1, at }]);
  });

  it('completes the order once the payment is captured, and only then', () => {
    spec
      .given([placed, reserved, confirmed, ...deductedAll, captureRequested])
      .when({ type: 'RecordPaymentCaptured' })
      .then([completed]);
    spec.given([placed, reserved, confirmed]).when({ type: 'RecordPaymentCaptured' }).thenNothingHappened();
  });
});

describe('cancellation', () => {
  it('cancels a pending, confirmed or completed order', () => {
    for (const history of [[placed], [placed, reserved, confirmed], completedOrder]) {
      spec
        .given(history)
        .when({ type: 'CancelOrder', reason: 'changed my mind' })
        .then([{ type: 'OrderCancelled', reason: 'changed my mind', at }]);
    }
  });

  it('treats cancelling a cancelled order as nothing new', () => {
    spec
      .given([placed, { type: 'OrderCancelled', at }])
      .when({ type: 'CancelOrder' })
      .thenNothingHappened();
  });

  it('refuses to cancel a rejected order', () => {
    spec
      .given([placed, { type: 'OrderRejected', reason: 'insufficient_stock', shortages: [], at }])
      .when({ type: 'CancelOrder' })
      .thenThrows('ORDERS.NOT_CANCELLABLE');
  });
});

describe('amendment', () => {
  const amendUp: OrderCommand = { type: 'AmendOrder', items: [{ productId: gear, quantity: 3 }] };
  /** The completed order with `amendUp` waiting for inventory's answer. */
  const amended = [
    ...completedOrder,
    ...decide(completedOrder.reduce<Order | undefined>(evolve, undefined), amendUp, now),
  ];
  /** What the order asks of the payment once inventory applied `amendUp`. */
  const adjusting: OrderEvent = {
    type: 'PaymentAdjustmentRequested',
    amendment: 1,
    previousTotal: 6008,
    total: 9007,
    at,
  };
  /** The order as it was before `amendUp`: its previous lines and amount, nothing pending. */
  const assertAmendmentUndone = (order: Order) => {
    assert.equal(order.lines.find((line) => line.productId === gear)?.quantity, 2);
    assert.equal(order.payment.amount, 6008);
    assert.equal(order.pendingAmendment, undefined);
  };

  it('changes a line and holds the previous lines until inventory answers', () => {
    spec
      .given(completedOrder)
      .when(amendUp)
      .thenState((order) => {
        assert.equal(order.lines.find((line) => line.productId === gear)?.quantity, 3);
        assert.equal(order.payment.amount, 3 * 2999 + 10);
        assert.equal(
          order.pendingAmendment?.previousLines.find((line) => line.productId === gear)?.quantity,
          2,
        );
      });
  });

  it('refuses a second amendment while one is pending', () => {
    spec.given(amended).when(amendUp).thenThrows('ORDERS.AMENDMENT_IN_PROGRESS');
  });

  it('refuses to amend an order that is not completed yet', () => {
    spec.given([placed, reserved, confirmed]).when(amendUp).thenThrows('ORDERS.NOT_AMENDABLE');
  });

  it('needs a name and price for a product new to the order', () => {
    const other = 'c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f';
    spec
      .given(completedOrder)
      .when({ type: 'AmendOrder', items: [{ productId: other, quantity: 1 }] })
      .thenThrows('ORDERS.INVALID_AMENDMENT');
  });

  it('refuses to remove every line', () => {
    spec
      .given(completedOrder)
      .when({
        type: 'AmendOrder',
        items: [
          { productId: gear, quantity: 0 },
          { productId: cog, quantity: 0 },
        ],
      })
      .thenThrows('ORDERS.INVALID_AMENDMENT');
  });

  it('treats an amendment to the same quantities as nothing new', () => {
    spec
      .given(completedOrder)
      .when({ type: 'AmendOrder', items: [{ productId: gear, quantity: 2 }] })
      .thenNothingHappened();
  });

  it('restores the previous lines when inventory refuses the amendment', () => {
    const shortages = [{ productId: gear, requested: 1, available: 0 }];
    spec.given(amended).when({ type: 'RecordAmendmentRejected', shortages }).thenState(assertAmendmentUndone);
  });

  it('asks the payment to settle the difference once inventory applied the amendment', () => {
    spec.given(amended).when({ type: 'RecordAmendmentApplied' }).then([adjusting]);
  });

  it('settles the amendment once the payment is adjusted', () => {
    spec
      .given([...amended, adjusting])
      .when({ type: 'RecordPaymentAdjusted', amendment: 1 })
      .thenState((order) => {
        assert.equal(order.pendingAmendment, undefined);
        assert.equal(order.payment.amount, 9007);
        assert.equal(order.status, 'completed');
      });
  });

  it('rejects and undoes the amendment when the payment cannot settle the difference', () => {
    spec
      .given([...amended, adjusting])
      .when({ type: 'RecordPaymentAdjustmentFailed', amendment: 1, message: 'Your card was declined.' })
      .thenState(assertAmendmentUndone);
  });

  it('ignores the answer to an earlier amendment', () => {
    spec.given(amended).when({ type: 'RecordPaymentAdjusted', amendment: 1 }).thenNothingHappened();
  });
});
