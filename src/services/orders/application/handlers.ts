import {
  InventoryAdjusted,
  InventoryAmendmentApplied,
  InventoryAmendmentRejected,
  InventoryReservationFailed,
  InventoryReserved,
  PlaceOrder,
} from '../../../../contracts/index.js';
import { defineHandler } from '../../../platform/messaging/handler.js';
import { changeOrder } from './change-order.js';
import { paymentOutcomeHandlers } from './payment-outcomes.js';
import { placeOrder } from './place-order.js';

export const placeOrderFromBus = defineHandler({
  name: 'place-order',
  contract: PlaceOrder,
  handle: async ({ envelope }, uow) => {
    await placeOrder(uow, envelope);
  },
});

/** Stock is held: the payment is requested next (the order is confirmed once it is authorized). */
export const confirmWhenReserved = defineHandler({
  name: 'confirm-when-reserved',
  contract: InventoryReserved,
  handle: async ({ payload }, uow) => {
    await changeOrder(uow, payload.orderId, {
      type: 'RecordReservation',
      reservationId: payload.reservationId,
    });
  },
});

export const rejectWhenReservationFails = defineHandler({
  name: 'reject-when-reservation-fails',
  contract: InventoryReservationFailed,
  handle: async ({ payload }, uow) => {
    await changeOrder(uow, payload.orderId, {
      type: 'RecordReservationFailure',
      reason: payload.reason,
      shortages: payload.shortages,
    });
  },
});

/** Stock leaving for the order (fulfilment, or an amendment after it); the last line triggers the capture. */
export const trackStockDeductions = defineHandler({
  name: 'track-stock-deductions',
  contract: InventoryAdjusted,
  handle: async ({ payload }, uow) => {
    const movedForOrder =
      payload.adjustment_reason === 'order_fulfilled' || payload.adjustment_reason === 'order_amended';
    if (!payload.order_id || !movedForOrder) return;
    await changeOrder(uow, payload.order_id, {
      type: 'RecordStockMovement',
      productId: payload.product_id,
      quantity: -payload.adjusted_quantity,
    });
  },
});

export const settleAppliedAmendment = defineHandler({
  name: 'settle-applied-amendment',
  contract: InventoryAmendmentApplied,
  handle: async ({ payload }, uow) => {
    await changeOrder(uow, payload.orderId, { type: 'RecordAmendmentApplied' });
  },
});

export const revertRejectedAmendment = defineHandler({
  name: 'revert-rejected-amendment',
  contract: InventoryAmendmentRejected,
  handle: async ({ payload }, uow) => {
    await changeOrder(uow, payload.orderId, {
      type: 'RecordAmendmentRejected',
      shortages: payload.shortages,
    });
  },
});

export const orderHandlers = [
  placeOrderFromBus,
  confirmWhenReserved,
  rejectWhenReservationFails,
  trackStockDeductions,
  settleAppliedAmendment,
  revertRejectedAmendment,
  ...paymentOutcomeHandlers,
];
