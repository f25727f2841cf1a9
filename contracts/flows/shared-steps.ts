// The steps the project's order flows have in common.
import type { ActorStep, MessageStep } from './declaration.js';
import { InventoryAdjusted, InventoryReleased, OutOfStock } from '../messages/inventory.js';
import { OrderCompleted } from '../messages/orders.js';
import { PaymentAttemptFailed, PaymentComplete, PaymentRefunded } from '../messages/payments/index.js';
import { messageStep, notificationOutcome, notifiedBy, paymentBudget, paymentOutcome } from './steps.js';

/** The customer starting a flow; `next` is the step their request is. */
export const customer = (title: string, next: string): ActorStep => ({
  id: 'customer',
  kind: 'actor',
  title,
  actor: 'Customer',
  then: [{ step: next }],
});

/** A call to the provider that failed and is tried again, as often as it takes. */
export const paymentAttemptFailed = (title: string): MessageStep =>
  messageStep('payment_attempt_failed', title, PaymentAttemptFailed, {
    repeats: true,
    withinMs: paymentBudget,
  });

/** Money given back to the customer (several times over when `repeats`), and the customer told. */
export const refunded = (details: Pick<MessageStep, 'repeats'> = {}): MessageStep[] => [
  {
    ...paymentOutcome('payment_refunded', 'Payment refunded', PaymentRefunded),
    ...details,
    thenOneOf: notifiedBy('refund'),
  },
  ...notificationOutcome('refund', 'Customer told of the refund'),
];

/** The payment captured, after which the order completes. */
export const completion: readonly MessageStep[] = [
  {
    ...paymentOutcome('payment_complete', 'Payment complete', PaymentComplete),
    then: [{ step: 'order_completed', label: 'Complete order' }],
  },
  messageStep('order_completed', 'Order completed', OrderCompleted),
];

/** Units held for the order given back to available stock. */
export const inventoryReleased = messageStep('inventory_released', 'Inventory released', InventoryReleased);

/** Units taken for the order put back on the shelf, one adjustment per line and warehouse. */
export const inventoryRestocked = messageStep(
  'inventory_restocked',
  'Inventory adjusted (restocked)',
  InventoryAdjusted,
  { repeats: true },
);

/** A product running out, and the inventory team told. */
export const stockAlert: readonly MessageStep[] = [
  messageStep('out_of_stock', 'Out of stock', OutOfStock, {
    repeats: true,
    thenOneOf: notifiedBy('stock_alert'),
  }),
  ...notificationOutcome('stock_alert', 'Inventory team alerted'),
];
