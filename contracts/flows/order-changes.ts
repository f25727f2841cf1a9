import type { FlowDeclaration } from './declaration.js';
import {
  InventoryAdjusted,
  InventoryAmendmentApplied,
  InventoryAmendmentRejected,
  InventoryReleased,
  OutOfStock,
} from '../messages/inventory.js';
import { OrderAmended, OrderAmendmentRejected, OrderCancelled, OrderCompleted } from '../messages/orders.js';
import {
  AdjustPayment,
  CapturePayment,
  PaymentAdjusted,
  PaymentAdjustmentFailed,
  PaymentAttemptFailed,
  PaymentComplete,
  PaymentRefunded,
  RefundFailed,
} from '../messages/payments/index.js';
import { ref, seconds, notificationOutcome, notifiedBy, paymentBudget, paymentOutcome } from './steps.js';

/**
 * A customer cancels: what was held is released, what was taken is restocked, a payment taken is
 * refunded, and the customer is told.
 */
export const OrderCancellationFlow: FlowDeclaration = {
  id: 'OrderCancellation',
  name: 'Order cancellation',
  version: '1.0.0',
  summary: 'A cancelled order gives back what it held, took or charged, and the customer is told.',
  owners: ['dboyne', 'full-stack'],
  origin: 'project',
  budgetMs: seconds(30),
  exhaustive: true,
  steps: [
    {
      id: 'customer',
      kind: 'actor',
      title: 'Customer cancels an order',
      actor: 'Customer',
      then: [{ step: 'order_cancelled' }],
    },
    {
      id: 'order_cancelled',
      kind: 'message',
      title: 'Order cancelled',
      message: ref(OrderCancelled),
      then: [
        { step: 'inventory_released', label: 'Release what was held', optional: true },
        { step: 'inventory_restocked', label: 'Restock what was taken', optional: true },
        { step: 'payment_refunded', label: 'Refund what was charged', optional: true },
        { step: 'refund_refused', label: 'Refund refused', optional: true },
        { step: 'payment_attempt_failed', label: 'Provider busy, retried', optional: true },
      ],
      thenOneOf: notifiedBy('cancellation'),
    },
    {
      id: 'payment_attempt_failed',
      kind: 'message',
      title: 'Refund attempt failed',
      message: ref(PaymentAttemptFailed),
      repeats: true,
      withinMs: paymentBudget,
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
    {
      ...paymentOutcome('payment_refunded', 'Payment refunded', PaymentRefunded),
      thenOneOf: notifiedBy('refund'),
    },
    ...notificationOutcome('refund', 'Customer told of the refund'),
    paymentOutcome('refund_refused', 'Refund failed', RefundFailed),
    ...notificationOutcome('cancellation', 'Customer told of the cancellation'),
  ],
};

/**
 * A customer changes quantities or lines: inventory holds or takes the difference and the payment
 * follows it, or the amendment is refused and the order reverts.
 */
export const OrderAmendmentFlow: FlowDeclaration = {
  id: 'OrderAmendment',
  name: 'Order amendment',
  version: '1.0.0',
  summary:
    'Inventory and payment follow the difference an amendment makes, or it is refused and the order reverts.',
  owners: ['dboyne', 'full-stack'],
  origin: 'project',
  budgetMs: seconds(30),
  exhaustive: true,
  steps: [
    {
      id: 'customer',
      kind: 'actor',
      title: 'Customer amends an order',
      actor: 'Customer',
      then: [{ step: 'order_amended' }],
    },
    {
      id: 'order_amended',
      kind: 'message',
      title: 'Order amended',
      message: ref(OrderAmended),
      thenOneOf: [
        { step: 'amendment_applied', label: 'Stock covers it' },
        { step: 'amendment_refused', label: 'Not enough stock' },
      ],
      then: [
        { step: 'inventory_adjusted', label: 'Take or give back units', optional: true },
        { step: 'inventory_released', label: 'Release units held', optional: true },
        { step: 'out_of_stock', label: 'Stock ran out', optional: true },
      ],
    },
    {
      id: 'amendment_applied',
      kind: 'message',
      title: 'Inventory amendment applied',
      message: ref(InventoryAmendmentApplied),
      then: [{ step: 'adjust_payment', label: 'Charge or refund the difference', optional: true }],
    },
    {
      id: 'adjust_payment',
      kind: 'message',
      title: 'Adjust payment',
      message: ref(AdjustPayment),
      then: [
        { step: 'payment_refunded', label: 'Refund the difference', optional: true },
        { step: 'refund_refused', label: 'Refund refused', optional: true },
        { step: 'payment_attempt_failed', label: 'Provider busy, retried', optional: true },
      ],
      thenOneOf: [
        { step: 'payment_adjusted', label: 'Payment follows' },
        { step: 'payment_adjustment_failed', label: 'Payment refused' },
      ],
    },
    paymentOutcome('payment_adjusted', 'Payment adjusted', PaymentAdjusted),
    paymentOutcome('refund_refused', 'Refund failed', RefundFailed),
    {
      id: 'payment_attempt_failed',
      kind: 'message',
      title: 'Payment attempt failed',
      message: ref(PaymentAttemptFailed),
      repeats: true,
      withinMs: paymentBudget,
    },
    {
      ...paymentOutcome('payment_refunded', 'Payment refunded', PaymentRefunded),
      repeats: true,
      thenOneOf: notifiedBy('refund'),
    },
    ...notificationOutcome('refund', 'Customer told of the refund'),
    {
      ...paymentOutcome('payment_adjustment_failed', 'Payment adjustment failed', PaymentAdjustmentFailed),
      then: [
        { step: 'amendment_rejected', label: 'Tell the customer' },
        { step: 'order_amended', label: 'Undo the amendment' },
      ],
    },
    {
      id: 'inventory_adjusted',
      kind: 'message',
      title: 'Inventory adjusted',
      message: ref(InventoryAdjusted),
      repeats: true,
      then: [{ step: 'capture_payment', label: 'Every line left stock', optional: true }],
    },
    {
      id: 'capture_payment',
      kind: 'message',
      title: 'Capture payment',
      message: ref(CapturePayment),
      then: [{ step: 'payment_complete', label: 'Payment captured' }],
    },
    {
      ...paymentOutcome('payment_complete', 'Payment complete', PaymentComplete),
      then: [{ step: 'order_completed', label: 'Complete order' }],
    },
    { id: 'order_completed', kind: 'message', title: 'Order completed', message: ref(OrderCompleted) },
    {
      id: 'inventory_released',
      kind: 'message',
      title: 'Inventory released',
      message: ref(InventoryReleased),
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
      id: 'amendment_refused',
      kind: 'message',
      title: 'Inventory amendment rejected',
      message: ref(InventoryAmendmentRejected),
      then: [{ step: 'amendment_rejected', label: 'Revert the order' }],
    },
    {
      id: 'amendment_rejected',
      kind: 'message',
      title: 'Order amendment rejected',
      message: ref(OrderAmendmentRejected),
      thenOneOf: notifiedBy('rejection'),
    },
    ...notificationOutcome('rejection', 'Customer told the amendment was refused'),
  ],
};
