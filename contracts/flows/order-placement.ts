import type { FlowDeclaration } from './declaration.js';
import {
  InventoryAdjusted,
  InventoryReleased,
  InventoryReservationFailed,
  InventoryReserved,
  OutOfStock,
  ReserveInventory,
} from '../messages/inventory.js';
import {
  OrderCancelled,
  OrderCompleted,
  OrderConfirmed,
  OrderPlaced,
  OrderRejected,
  PlaceOrder,
} from '../messages/orders.js';
import {
  CapturePayment,
  PaymentAttemptFailed,
  PaymentComplete,
  PaymentFailed,
  PaymentInitiated,
  PaymentProcessed,
  PaymentRefunded,
  RequestPayment,
} from '../messages/payments/index.js';
import { ref, seconds, notificationOutcome, notifiedBy, paymentBudget, paymentOutcome } from './steps.js';

/**
 * The domain page's order sequence as the system runs it today. Checking and reserving stock are
 * one atomic step; payment sits between the reservation and the confirmation; the payment is
 * captured once inventory has taken every line off the shelf, and the order then completes.
 * Edit the steps here when the saga changes: the run-time checks and the catalog follow.
 */
export const OrderPlacementFlow: FlowDeclaration = {
  id: 'OrderPlacement',
  name: 'Order placement',
  version: '1.0.0',
  summary: 'From the customer placing an order to its stock leaving the shelf and its payment captured.',
  owners: ['dboyne', 'full-stack'],
  origin: 'project',
  budgetMs: seconds(30),
  exhaustive: true,
  interruptedBy: ['OrderCancelled'],
  steps: [
    {
      id: 'customer',
      kind: 'actor',
      title: 'Customer places an order',
      actor: 'Customer',
      then: [{ step: 'place_order' }],
    },
    {
      id: 'place_order',
      kind: 'message',
      title: 'Place order',
      message: ref(PlaceOrder),
      then: [
        { step: 'order_placed', label: 'Order accepted' },
        { step: 'reserve_inventory', label: 'Check and reserve inventory' },
      ],
    },
    { id: 'order_placed', kind: 'message', title: 'Order placed', message: ref(OrderPlaced) },
    {
      id: 'reserve_inventory',
      kind: 'message',
      title: 'Reserve inventory, every line or none',
      message: ref(ReserveInventory),
      thenOneOf: [
        { step: 'inventory_reserved', label: 'Inventory available' },
        { step: 'reservation_failed', label: 'Not enough stock' },
      ],
      then: [{ step: 'out_of_stock', label: 'Stock ran out', optional: true }],
    },
    {
      id: 'out_of_stock',
      kind: 'message',
      title: 'Out of stock',
      message: ref(OutOfStock),
      repeats: true,
      thenOneOf: notifiedBy('stock_alert'),
    },
    ...notificationOutcome('stock_alert', 'Inventory team alerted'),
    {
      id: 'inventory_reserved',
      kind: 'message',
      title: 'Inventory reserved',
      message: ref(InventoryReserved),
      then: [{ step: 'request_payment', label: 'Take payment' }],
    },
    {
      id: 'request_payment',
      kind: 'message',
      title: 'Request payment',
      message: ref(RequestPayment),
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
    },
    { id: 'payment_initiated', kind: 'message', title: 'Payment initiated', message: ref(PaymentInitiated) },
    {
      id: 'payment_attempt_failed',
      kind: 'message',
      title: 'Payment attempt failed',
      message: ref(PaymentAttemptFailed),
      repeats: true,
      withinMs: paymentBudget,
    },
    {
      ...paymentOutcome('payment_processed', 'Payment processed', PaymentProcessed),
      then: [{ step: 'order_confirmed', label: 'Confirm order' }],
      thenOneOf: notifiedBy('receipt'),
    },
    ...notificationOutcome('receipt', 'Customer told the payment was received'),
    {
      id: 'order_confirmed',
      kind: 'message',
      title: 'Order confirmed',
      message: ref(OrderConfirmed),
      then: [{ step: 'inventory_adjusted', label: 'Update inventory' }],
      thenOneOf: notifiedBy('confirmation'),
    },
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
    {
      id: 'capture_payment',
      kind: 'message',
      title: 'Capture payment',
      message: ref(CapturePayment),
      thenOneOf: [
        { step: 'payment_complete', label: 'Payment captured' },
        { step: 'payment_failed', label: 'Capture refused' },
      ],
      then: [
        { step: 'payment_attempt_failed', label: 'Provider busy, retried', optional: true },
        { step: 'payment_refunded', label: 'Refunded: the order was cancelled meanwhile', optional: true },
      ],
    },
    {
      ...paymentOutcome('payment_complete', 'Payment complete', PaymentComplete),
      then: [{ step: 'order_completed', label: 'Complete order' }],
    },
    { id: 'order_completed', kind: 'message', title: 'Order completed', message: ref(OrderCompleted) },
    {
      ...paymentOutcome('payment_refunded', 'Payment refunded', PaymentRefunded),
      thenOneOf: notifiedBy('refund'),
    },
    ...notificationOutcome('refund', 'Customer told of the refund'),
    {
      ...paymentOutcome('payment_failed', 'Payment failed', PaymentFailed),
      then: [{ step: 'order_cancelled', label: 'Cancel the order' }],
      thenOneOf: notifiedBy('payment_failure'),
    },
    ...notificationOutcome('payment_failure', 'Customer told the payment failed'),
    {
      id: 'order_cancelled',
      kind: 'message',
      title: 'Order cancelled',
      message: ref(OrderCancelled),
      then: [
        { step: 'inventory_released', label: 'Release what was held (authorization failed)', optional: true },
        { step: 'inventory_restocked', label: 'Restock what was taken (capture failed)', optional: true },
        { step: 'payment_refunded', label: 'Release the authorization (capture failed)', optional: true },
      ],
      thenOneOf: notifiedBy('cancellation'),
    },
    {
      id: 'inventory_released',
      kind: 'message',
      title: 'Inventory released',
      message: ref(InventoryReleased),
    },
    {
      id: 'inventory_restocked',
      kind: 'message',
      title: 'Inventory adjusted (restocked)',
      message: ref(InventoryAdjusted),
      repeats: true,
    },
    ...notificationOutcome('cancellation', 'Customer told of the cancellation'),
    {
      id: 'reservation_failed',
      kind: 'message',
      title: 'Inventory reservation failed',
      message: ref(InventoryReservationFailed),
      then: [{ step: 'order_rejected', label: 'Reject order' }],
    },
    {
      id: 'order_rejected',
      kind: 'message',
      title: 'Order rejected',
      message: ref(OrderRejected),
      thenOneOf: notifiedBy('rejection'),
    },
    ...notificationOutcome('rejection', 'Customer told why'),
  ],
};
