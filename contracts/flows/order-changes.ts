import {
  InventoryAdjusted,
  InventoryAmendmentApplied,
  InventoryAmendmentRejected,
} from '../messages/inventory.js';
import { OrderAmended, OrderAmendmentRejected, OrderCancelled } from '../messages/orders.js';
import {
  AdjustPayment,
  CapturePayment,
  PaymentAdjusted,
  PaymentAdjustmentFailed,
  RefundFailed,
} from '../messages/payments/index.js';
import * as shared from './shared-steps.js';
import { messageStep, notificationOutcome, notifiedBy, paymentOutcome, projectFlow } from './steps.js';

/**
 * A customer cancels: what was held is released, what was taken is restocked, a payment taken is
 * refunded, and the customer is told.
 */
export const OrderCancellationFlow = projectFlow({
  id: 'OrderCancellation',
  name: 'Order cancellation',
  version: '1.0.0',
  summary: 'A cancelled order gives back what it held, took or charged, and the customer is told.',
  steps: [
    shared.customer('Customer cancels an order', 'order_cancelled'),
    messageStep('order_cancelled', 'Order cancelled', OrderCancelled, {
      then: [
        { step: 'inventory_released', label: 'Release what was held', optional: true },
        { step: 'inventory_restocked', label: 'Restock what was taken', optional: true },
        { step: 'payment_refunded', label: 'Refund what was charged', optional: true },
        { step: 'refund_refused', label: 'Refund refused', optional: true },
        { step: 'payment_attempt_failed', label: 'Provider busy, retried', optional: true },
      ],
      thenOneOf: notifiedBy('cancellation'),
    }),
    shared.paymentAttemptFailed('Refund attempt failed'),
    shared.inventoryReleased,
    shared.inventoryRestocked,
    ...shared.refunded(),
    paymentOutcome('refund_refused', 'Refund failed', RefundFailed),
    ...notificationOutcome('cancellation', 'Customer told of the cancellation'),
  ],
});

/**
 * A customer changes quantities or lines: inventory holds or takes the difference and the payment
 * follows it, or the amendment is refused and the order reverts.
 */
export const OrderAmendmentFlow = projectFlow({
  id: 'OrderAmendment',
  name: 'Order amendment',
  version: '1.0.0',
  summary:
    'Inventory and payment follow the difference an amendment makes, or it is refused and the order reverts.',
  steps: [
    shared.customer('Customer amends an order', 'order_amended'),
    messageStep('order_amended', 'Order amended', OrderAmended, {
      thenOneOf: [
        { step: 'amendment_applied', label: 'Stock covers it' },
        { step: 'amendment_refused', label: 'Not enough stock' },
      ],
      then: [
        { step: 'inventory_adjusted', label: 'Take or give back units', optional: true },
        { step: 'inventory_released', label: 'Release units held', optional: true },
        { step: 'out_of_stock', label: 'Stock ran out', optional: true },
      ],
    }),
    messageStep('amendment_applied', 'Inventory amendment applied', InventoryAmendmentApplied, {
      then: [{ step: 'adjust_payment', label: 'Charge or refund the difference', optional: true }],
    }),
    messageStep('adjust_payment', 'Adjust payment', AdjustPayment, {
      then: [
        { step: 'payment_refunded', label: 'Refund the difference', optional: true },
        { step: 'refund_refused', label: 'Refund refused', optional: true },
        { step: 'payment_attempt_failed', label: 'Provider busy, retried', optional: true },
      ],
      thenOneOf: [
        { step: 'payment_adjusted', label: 'Payment follows' },
        { step: 'payment_adjustment_failed', label: 'Payment refused' },
      ],
    }),
    paymentOutcome('payment_adjusted', 'Payment adjusted', PaymentAdjusted),
    paymentOutcome('refund_refused', 'Refund failed', RefundFailed),
    shared.paymentAttemptFailed('Payment attempt failed'),
    ...shared.refunded({ repeats: true }),
    {
      ...paymentOutcome('payment_adjustment_failed', 'Payment adjustment failed', PaymentAdjustmentFailed),
      then: [
        { step: 'amendment_rejected', label: 'Tell the customer' },
        { step: 'order_amended', label: 'Undo the amendment' },
      ],
    },
    messageStep('inventory_adjusted', 'Inventory adjusted', InventoryAdjusted, {
      repeats: true,
      then: [{ step: 'capture_payment', label: 'Every line left stock', optional: true }],
    }),
    messageStep('capture_payment', 'Capture payment', CapturePayment, {
      then: [{ step: 'payment_complete', label: 'Payment captured' }],
    }),
    ...shared.completion,
    shared.inventoryReleased,
    ...shared.stockAlert,
    messageStep('amendment_refused', 'Inventory amendment rejected', InventoryAmendmentRejected, {
      then: [{ step: 'amendment_rejected', label: 'Revert the order' }],
    }),
    messageStep('amendment_rejected', 'Order amendment rejected', OrderAmendmentRejected, {
      thenOneOf: notifiedBy('rejection'),
    }),
    ...notificationOutcome('rejection', 'Customer told the amendment was refused'),
  ],
});
