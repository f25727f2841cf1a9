import type { ContractOrigin, MessageContract } from './define.js';
import {
  InventoryAdjusted,
  InventoryAmendmentApplied,
  InventoryAmendmentRejected,
  InventoryReleased,
  InventoryReservationFailed,
  InventoryReserved,
  OutOfStock,
  ReserveInventory,
} from './messages/inventory.js';
import { NotificationFailed, NotificationSent } from './messages/notifications.js';
import {
  AdjustPayment,
  CapturePayment,
  PaymentAdjusted,
  PaymentAdjustmentFailed,
  PaymentAttemptFailed,
  PaymentComplete,
  PaymentFailed,
  PaymentInitiated,
  PaymentProcessed,
  PaymentRefunded,
  RefundFailed,
  RequestPayment,
} from './messages/payments.js';
import {
  OrderAmended,
  OrderAmendmentRejected,
  OrderCancelled,
  OrderCompleted,
  OrderConfirmed,
  OrderPlaced,
  OrderRejected,
  PlaceOrder,
} from './messages/orders.js';

/** A message a step stands for: its registry id and the version the flow documents. */
export interface MessageRef {
  readonly id: string;
  readonly version: string;
}

/** Where a step leads. An `optional` next step may not come at all. */
export interface FlowEdge {
  readonly step: string;
  readonly label?: string;
  readonly optional?: boolean;
}

interface StepBase {
  readonly id: string;
  readonly title: string;
  readonly summary?: string;
  /** Steps that all follow this one, in any order. */
  readonly then?: readonly FlowEdge[];
  /** Steps of which exactly one follows this one. */
  readonly thenOneOf?: readonly FlowEdge[];
}

/** The only kind of step a running system can observe: a message on the bus. */
export interface MessageStep extends StepBase {
  readonly kind: 'message';
  readonly message: MessageRef;
  /** How long the message may take after the step it follows; the flow's `budgetMs` when absent. */
  readonly withinMs?: number;
  /** The message may come several times after the same step (once per line, per warehouse, ...). */
  readonly repeats?: boolean;
}

export interface ActorStep extends StepBase {
  readonly kind: 'actor';
  readonly actor: string;
}

export interface ServiceStep extends StepBase {
  readonly kind: 'service';
  readonly service: { readonly id: string; readonly version: string };
}

export interface ExternalSystemStep extends StepBase {
  readonly kind: 'external';
  readonly system: { readonly name: string; readonly summary?: string; readonly url?: string };
}

/** A point in the flow that no message marks, such as "payment failed" in the catalog's PaymentFlow. */
export interface MilestoneStep extends StepBase {
  readonly kind: 'milestone';
}

export type FlowStep = MessageStep | ActorStep | ServiceStep | ExternalSystemStep | MilestoneStep;

/**
 * A documented business flow as data. The catalog export draws it, and services check what really
 * happens against it: the messages one cause sets off (linked by their causation ids) must walk
 * the steps in order, each within its time budget.
 */
export interface FlowDeclaration {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly summary: string;
  readonly owners: readonly string[];
  readonly origin: ContractOrigin;
  /** How long each message step may take after the step it follows, unless the step says otherwise. */
  readonly budgetMs: number;
  /**
   * True when the steps name every message the flow sets off, so that any other is a departure;
   * false for a business view that leaves messages out (the catalog's flows are such views).
   */
  readonly exhaustive: boolean;
  /** Messages after which the steps still awaited are no longer expected (an order cancelled midway). */
  readonly interruptedBy?: readonly string[];
  /** The flow starts at the first step. */
  readonly steps: readonly [FlowStep, ...FlowStep[]];
}

/** The project's flows name messages through the registry, so a version bump reaches them too. */
const ref = (contract: MessageContract): MessageRef => ({ id: contract.id, version: contract.version });

const seconds = (count: number) => count * 1000;
const minutes = (count: number) => count * 60_000;

/** Notifications retry with back-off before they give up, so their outcome may take a while. */
const notificationBudget = minutes(10);

const notificationOutcome = (prefix: string, title: string): [MessageStep, MessageStep] => [
  {
    id: `${prefix}_sent`,
    kind: 'message',
    title,
    message: ref(NotificationSent),
    withinMs: notificationBudget,
  },
  {
    id: `${prefix}_failed`,
    kind: 'message',
    title: `${title} (failed)`,
    message: ref(NotificationFailed),
    withinMs: notificationBudget,
  },
];

const notifiedBy = (prefix: string): readonly FlowEdge[] => [
  { step: `${prefix}_sent`, label: 'Sent' },
  { step: `${prefix}_failed`, label: 'Gave up' },
];

/** Payment calls the provider with retries and back-off before an outcome is known. */
const paymentBudget = minutes(5);

const paymentOutcome = (id: string, title: string, contract: MessageContract): MessageStep => ({
  id,
  kind: 'message',
  title,
  message: ref(contract),
  withinMs: paymentBudget,
});

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

/**
 * The catalog's PaymentFlow (flows/Payment/PaymentProcessed), step for step. The only change is
 * PaymentProcessed at 1.0.0: the catalog's step pins 0.0.1, which decision 0001 calls stale.
 */
export const PaymentFlow: FlowDeclaration = {
  id: 'PaymentFlow',
  name: 'Payment Flow for customers',
  version: '1.0.0',
  summary: 'How a customer pays for an order, including a failed payment and its retry.',
  owners: ['dboyne'],
  origin: 'catalog',
  budgetMs: minutes(2),
  exhaustive: false,
  steps: [
    {
      id: 'customer_place_order',
      kind: 'milestone',
      title: 'Customer places order',
      then: [{ step: 'place_order_request' }],
    },
    {
      id: 'place_order_request',
      kind: 'message',
      title: 'Place order',
      message: { id: 'PlaceOrder', version: '0.0.1' },
      then: [{ step: 'payment_initiated', label: 'Initiate payment' }],
    },
    {
      id: 'payment_initiated',
      kind: 'message',
      title: 'Payment Initiated',
      message: { id: 'PaymentInitiated', version: '0.0.1' },
      thenOneOf: [{ step: 'payment_processed' }, { step: 'payment_failed' }],
    },
    {
      id: 'payment_processed',
      kind: 'message',
      title: 'Payment Processed',
      message: { id: 'PaymentProcessed', version: '1.0.0' },
      then: [
        { step: 'adjust_inventory', label: 'Adjust inventory' },
        { step: 'send_custom_notification', label: 'Notify customer' },
      ],
    },
    {
      id: 'payment_failed',
      kind: 'milestone',
      title: 'Payment Failed',
      then: [
        { step: 'failure_notification', label: 'Notify customer of failure' },
        { step: 'retry_payment', label: 'Retry payment', optional: true },
      ],
    },
    {
      id: 'adjust_inventory',
      kind: 'message',
      title: 'Inventory Adjusted',
      message: { id: 'InventoryAdjusted', version: '1.0.1' },
      repeats: true,
      then: [{ step: 'payment_complete', label: 'Complete order' }],
    },
    {
      id: 'send_custom_notification',
      kind: 'milestone',
      title: 'Customer Notified of Payment',
      then: [{ step: 'payment_complete', label: 'Complete order' }],
    },
    { id: 'failure_notification', kind: 'milestone', title: 'Customer Notified of Failure' },
    {
      id: 'retry_payment',
      kind: 'milestone',
      title: 'Retry Payment',
      then: [{ step: 'payment_initiated', label: 'Retry payment process' }],
    },
    {
      id: 'payment_complete',
      kind: 'message',
      title: 'Payment Complete',
      message: { id: 'PaymentComplete', version: '0.0.2' },
      then: [{ step: 'order-complete', label: 'Order completed' }],
    },
    { id: 'order-complete', kind: 'milestone', title: 'Order Completed' },
  ],
};

/** The catalog's CancelSubscription flow (flows/Subscriptions/CancelSubscription) at 1.0.0. */
export const CancelSubscriptionFlow: FlowDeclaration = {
  id: 'CancelSubscription',
  name: 'User Cancels Subscription',
  version: '1.0.0',
  summary: 'A user cancels a subscription; the provider confirms it and the customer is emailed.',
  owners: ['dboyne'],
  origin: 'catalog',
  budgetMs: minutes(2),
  exhaustive: false,
  steps: [
    {
      id: 'cancel_subscription_initiated',
      kind: 'actor',
      title: 'Cancels Subscription',
      summary: 'User cancels their subscription',
      actor: 'User',
      then: [{ step: 'cancel_subscription_request', label: 'Initiate subscription cancellation' }],
    },
    {
      id: 'cancel_subscription_request',
      kind: 'message',
      title: 'Cancel Subscription',
      message: { id: 'CancelSubscription', version: '0.0.1' },
      then: [{ step: 'subscription_service', label: 'Proceed to subscription service' }],
    },
    {
      id: 'stripe_integration',
      kind: 'external',
      title: 'Stripe',
      system: { name: 'Stripe', summary: '3rd party payment system', url: 'https://stripe.com/' },
      then: [{ step: 'subscription_service', label: 'Return to subscription service' }],
    },
    {
      id: 'subscription_service',
      kind: 'service',
      title: 'Subscription Service',
      service: { id: 'SubscriptionService', version: '0.0.1' },
      then: [{ step: 'stripe_integration', label: 'Cancel subscription via Stripe', optional: true }],
      thenOneOf: [
        { step: 'subscription_cancelled', label: 'Successful cancellation' },
        { step: 'subscription_rejected', label: 'Failed cancellation' },
      ],
    },
    {
      id: 'subscription_cancelled',
      kind: 'message',
      title: 'Subscription has been Cancelled',
      message: { id: 'UserSubscriptionCancelled', version: '0.0.1' },
      then: [{ step: 'notification_service', label: 'Email customer' }],
    },
    { id: 'subscription_rejected', kind: 'milestone', title: 'Subscription cancellation has been rejected' },
    {
      id: 'notification_service',
      kind: 'service',
      title: 'Notifications Service',
      service: { id: 'NotificationService', version: '0.0.2' },
    },
  ],
};

/** Every documented flow: the catalog's two and the project's own. */
export const flows: readonly FlowDeclaration[] = [
  OrderPlacementFlow,
  OrderCancellationFlow,
  OrderAmendmentFlow,
  PaymentFlow,
  CancelSubscriptionFlow,
];
