import {
  InventoryAdjusted,
  InventoryAmendmentApplied,
  InventoryAmendmentRejected,
  InventoryReservationFailed,
  InventoryReserved,
  PlaceOrder,
} from '../../../../contracts/index.js';
import { defineHandler } from '../../../platform/messaging/handler.js';
import { orderReaction } from './change-order.js';
import type { InProgressBound } from './in-progress-bound.js';
import { paymentOutcomeHandlers } from './payment-outcomes.js';
import { placeOrders } from './place-order.js';

/** A `PlaceOrder` from the bus is never refused: its consumer takes orders only as fast as it handles them. */
const placeOrderFromBus = (bound: InProgressBound) =>
  defineHandler({
    name: 'place-order',
    contract: PlaceOrder,
    handleBatch: async (items) => {
      const placements = await placeOrders(
        items.map(({ message, uow }) => ({ uow, command: message.envelope })),
      );
      // The batch fails, and each of its messages is tried again alone: the one that failed fails alone.
      const failed = placements.find((placement) => placement.outcome === 'failed');
      if (failed) throw failed.error;
      bound.taken(placements.filter((placement) => placement.outcome === 'placed').length);
    },
  });

/** Stock is held: the payment is requested next (the order is confirmed once it is authorized). */
export const confirmWhenReserved = orderReaction('confirm-when-reserved', InventoryReserved, (payload) => ({
  orderId: payload.orderId,
  command: { type: 'RecordReservation', reservationId: payload.reservationId },
}));

export const rejectWhenReservationFails = orderReaction(
  'reject-when-reservation-fails',
  InventoryReservationFailed,
  (payload) => ({
    orderId: payload.orderId,
    command: { type: 'RecordReservationFailure', reason: payload.reason, shortages: payload.shortages },
  }),
);

/** Stock leaving for the order (fulfilment, or an amendment after it); the last line triggers the capture. */
export const trackStockDeductions = orderReaction('track-stock-deductions', InventoryAdjusted, (payload) => {
  const movedForOrder =
    payload.adjustment_reason === 'order_fulfilled' || payload.adjustment_reason === 'order_amended';
  if (!payload.order_id || !movedForOrder) return undefined;
  return {
    orderId: payload.order_id,
    command: {
      type: 'RecordStockMovement',
      productId: payload.product_id,
      quantity: -payload.adjusted_quantity,
    },
  };
});

export const settleAppliedAmendment = orderReaction(
  'settle-applied-amendment',
  InventoryAmendmentApplied,
  (payload) => ({ orderId: payload.orderId, command: { type: 'RecordAmendmentApplied' } }),
);

export const revertRejectedAmendment = orderReaction(
  'revert-rejected-amendment',
  InventoryAmendmentRejected,
  (payload) => ({
    orderId: payload.orderId,
    command: { type: 'RecordAmendmentRejected', shortages: payload.shortages },
  }),
);

export const orderHandlers = (bound: InProgressBound) => [
  placeOrderFromBus(bound),
  confirmWhenReserved,
  rejectWhenReservationFails,
  trackStockDeductions,
  settleAppliedAmendment,
  revertRejectedAmendment,
  ...paymentOutcomeHandlers,
];
