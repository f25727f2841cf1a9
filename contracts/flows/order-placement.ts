import {
  InventoryAdjusted,
  InventoryReservationFailed,
  InventoryReserved,
  ReserveInventory,
} from '../messages/inventory.js';
import {
  OrderCancelled,
  OrderConfirmed,
  OrderPlaced,
  OrderRejected,
  PlaceOrder,
} from '../messages/orders.js';
import {
  CapturePayment,
  PaymentFailed,
  PaymentInitiated,
  PaymentProcessed,
  RequestPayment,
} from '../messages/payments/index.js';
import * as shared from './shared-steps.js';
import { messageStep, notificationOutcome, notifiedBy, paymentOutcome, projectFlow, ref } from './steps.js';

/**
 * The domain page's order sequence as the system runs it today. Checking and reserving stock are
 * one atomic step; payment sits between the reservation and the confirmation; the payment is
 * captured once inventory has taken every line off the shelf, and the order then completes.
 * Edit the steps here when the saga changes: the run-time checks and the catalog follow.
 */
export const OrderPlacementFlow = projectFlow({
  id: 'OrderPlacement',
  name: 'Order placement',
  version: '1.0.0',
  summary: 'From the customer placing an order to its stock leaving the shelf and its payment captured.',
  interruptedBy: ['OrderCancelled'],
  steps: [
    shared.customer('Customer places an order', 'place_order'),
    messageStep('place_order', 'Place order', PlaceOrder, {
      then: [
        { step: 'order_placed', label: 'Order accepted' },
        { step: 'reserve_inventory', label: 'Check and reserve inventory' },
      ],
    }),
    messageStep('order_placed', 'Order placed', OrderPlaced),
    messageStep('reserve_inventory', 'Reserve inventory, every line or none', ReserveInventory, {
      thenOneOf: [
        { step: 'inventory_reserved', label: 'Inventory available' },
        { step: 'reservation_failed', label: 'Not enough stock' },
      ],
      then: [{ step: 'out_of_stock', label: 'Stock ran out', optional: true }],
    }),
    ...shared.stockAlert,
    messageStep('inventory_reserved', 'Inventory reserved', InventoryReserved, {
      then: [{ step: 'request_payment', label: 'Take payment' }],
    }),
    messageStep('request_payment', 'Request payment', RequestPayment, {
      then: [
        { step: 'payment_initiated', label: 'Payment started' },
        { step: 'payment_attempt_failed', label: 'Provider busy, retried', optional: true },
        {
          step: 'payment_refunded',
          label: 'Hold released: the order was cancelled meanwhile',
          optional: true,
        },
      ],
      thenOneOf: [
        { step: 'payment_processed', label: 'Payment taken' },
        { step: 'payment_failed', label: 'Payment failed' },
      ],
    }),
    messageStep('payment_initiated', 'Payment initiated', PaymentInitiated),
    shared.paymentAttemptFailed('Payment attempt failed'),
    {
      ...paymentOutcome('payment_processed', 'Payment processed', PaymentProcessed),
      then: [{ step: 'order_confirmed', label: 'Confirm order' }],
      thenOneOf: notifiedBy('receipt'),
    },
    ...notificationOutcome('receipt', 'Customer told the payment was received'),
    messageStep('order_confirmed', 'Order confirmed', OrderConfirmed, {
      then: [{ step: 'inventory_adjusted', label: 'Update inventory' }],
      thenOneOf: notifiedBy('confirmation'),
    }),
    ...notificationOutcome('confirmation', 'Order confirmation sent to the customer'),
    {
      id: 'inventory_adjusted',
      kind: 'message',
      title: 'Inventory adjusted',
      summary: 'One adjustment per line and warehouse: the reserved units leave the shelf.',
      message: ref(InventoryAdjusted),
      repeats: true,
      then: [{ step: 'capture_payment', label: 'Every line left stock' }],
    },
    messageStep('capture_payment', 'Capture payment', CapturePayment, {
      thenOneOf: [
        { step: 'payment_complete', label: 'Payment captured' },
        { step: 'payment_failed', label: 'Capture refused' },
      ],
      then: [
        { step: 'payment_attempt_failed', label: 'Provider busy, retried', optional: true },
        { step: 'payment_refunded', label: 'Refunded: the order was cancelled meanwhile', optional: true },
      ],
    }),
    ...shared.completion,
    ...shared.refunded(),
    {
      ...paymentOutcome('payment_failed', 'Payment failed', PaymentFailed),
      then: [{ step: 'order_cancelled', label: 'Cancel the order' }],
      thenOneOf: notifiedBy('payment_failure'),
    },
    ...notificationOutcome('payment_failure', 'Customer told the payment failed'),
    messageStep('order_cancelled', 'Order cancelled', OrderCancelled, {
      then: [
        { step: 'inventory_released', label: 'Release what was held (authorization failed)', optional: true },
        { step: 'inventory_restocked', label: 'Restock what was taken (capture failed)', optional: true },
        { step: 'payment_refunded', label: 'Release the authorization (capture failed)', optional: true },
      ],
      thenOneOf: notifiedBy('cancellation'),
    }),
    shared.inventoryReleased,
    shared.inventoryRestocked,
    ...notificationOutcome('cancellation', 'Customer told of the cancellation'),
    messageStep('reservation_failed', 'Inventory reservation failed', InventoryReservationFailed, {
      then: [{ step: 'order_rejected', label: 'Reject order' }],
    }),
    messageStep('order_rejected', 'Order rejected', OrderRejected, {
      thenOneOf: notifiedBy('rejection'),
    }),
    ...notificationOutcome('rejection', 'Customer told why'),
  ],
});
