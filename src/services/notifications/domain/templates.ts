/**
 * The words of every notification. Pure: takes the facts of one message, returns its subject and
 * plain-text body. Amounts are in major units (12.5 means $12.50).
 */

export interface OrderConfirmationContent {
  type: 'order_confirmation';
  customerName: string;
  orderId: string;
  items: readonly OrderLine[];
  totalAmount: number;
  currency?: string;
}

export interface OrderLine {
  name: string;
  quantity: number;
  unitPrice: number;
  totalPrice: number;
}

export type OrderRejectionReason = 'insufficient_stock' | 'unknown_product' | 'order_cancelled';

export interface OrderRejectionContent {
  type: 'order_rejected';
  customerName: string;
  orderId: string;
  reason: OrderRejectionReason;
  shortages: readonly StockShortage[];
}

export interface StockShortage {
  productName?: string;
  productId: string;
  requested: number;
  available: number;
}

export interface OrderCancellationContent {
  type: 'order_cancelled';
  customerName: string;
  orderId: string;
  reason?: string;
  totalAmount: number;
  currency?: string;
}

export interface AmendmentRejectionContent {
  type: 'amendment_rejected';
  customerName: string;
  orderId: string;
  reason: string;
}

/** Addressed to the operations team rather than to a customer. */
export interface OutOfStockAlertContent {
  type: 'out_of_stock_alert';
  productId: string;
  warehouseId?: string;
  available: number;
  requested?: number;
  orderId?: string;
}

/** Addressed to the operations team: a product that had nothing available has units again. */
export interface BackInStockAlertContent {
  type: 'back_in_stock_alert';
  productId: string;
  warehouseId?: string;
  available: number;
  added: number;
  reason?: string;
}

/** Welcomes a new subscriber: what they pay, how often, and when the next payment is. */
export interface SubscriptionStartedContent {
  type: 'subscription_started';
  customerName: string;
  planName: string;
  amount: number;
  currency: string;
  interval: 'day' | 'week' | 'month' | 'year';
  renewsAt: string;
}

/** Confirms a cancellation, whoever made it, and says until when the subscriber keeps access. */
export interface SubscriptionCancelledContent {
  type: 'subscription_cancelled';
  customerName: string;
  planName: string;
  mode: 'immediately' | 'end_of_period';
  endsAt: string;
  initiatedBy: 'customer' | 'provider';
}

/** The payment for an order went through: the amount is held, and taken once the goods leave stock. */
export interface PaymentReceivedContent {
  type: 'payment_received';
  customerName: string;
  orderId: string;
  amount: number;
  paymentMethod: string;
  currency?: string;
}

/** The payment could not be taken, so the order will not go ahead. */
export interface PaymentFailedContent {
  type: 'payment_failed';
  customerName: string;
  orderId: string;
  amount: number;
  /** The provider's words, fit for a customer (e.g. "Your card was declined."). */
  message: string;
  currency?: string;
}

/** Money taken (or held) for an order was given back. */
export interface PaymentRefundedContent {
  type: 'payment_refunded';
  customerName: string;
  orderId: string;
  amount: number;
  method: 'refund' | 'authorization_release';
  reason: 'order_cancelled' | 'order_amended';
  currency?: string;
}

export type NotificationContent =
  | OrderConfirmationContent
  | OrderRejectionContent
  | OrderCancellationContent
  | AmendmentRejectionContent
  | OutOfStockAlertContent
  | BackInStockAlertContent
  | PaymentReceivedContent
  | PaymentFailedContent
  | PaymentRefundedContent
  | SubscriptionStartedContent
  | SubscriptionCancelledContent;

export type NotificationType = NotificationContent['type'];

export interface RenderedNotification {
  subject: string;
  text: string;
}

export function render(content: NotificationContent): RenderedNotification {
  switch (content.type) {
    case 'order_confirmation':
      return renderOrderConfirmation(content);
    case 'order_rejected':
      return renderOrderRejection(content);
    case 'order_cancelled':
      return renderOrderCancellation(content);
    case 'amendment_rejected':
      return renderAmendmentRejection(content);
    case 'out_of_stock_alert':
      return renderOutOfStockAlert(content);
    case 'back_in_stock_alert':
      return renderBackInStockAlert(content);
    case 'payment_received':
      return renderPaymentReceived(content);
    case 'payment_failed':
      return renderPaymentFailed(content);
    case 'payment_refunded':
      return renderPaymentRefunded(content);
    case 'subscription_started':
      return renderSubscriptionStarted(content);
    case 'subscription_cancelled':
      return renderSubscriptionCancelled(content);
  }
}

function renderOrderConfirmation(content: OrderConfirmationContent): RenderedNotification {
  const money = moneyFormatter(content.currency);
  const lines = content.items.map(
    (item) => `  ${item.quantity} x ${item.name} at ${money(item.unitPrice)} = ${money(item.totalPrice)}`,
  );
  return {
    subject: `Order ${content.orderId} confirmed`,
    text: letter(
      content.customerName,
      `Thank you for your order ${content.orderId}. We have confirmed it:`,
      lines.join('\n'),
      `Total: ${money(content.totalAmount)}`,
    ),
  };
}

function renderOrderRejection(content: OrderRejectionContent): RenderedNotification {
  const shortages = content.shortages.map(
    (shortage) =>
      `  ${productLabel(shortage)}: ${shortage.requested} requested, ${shortage.available} available`,
  );
  return {
    subject: `Order ${content.orderId} could not be accepted`,
    text: letter(
      content.customerName,
      `We are sorry, but we could not accept your order ${content.orderId} because ${rejectionCause(content.reason)}.`,
      ...(shortages.length > 0 ? [`The affected products:\n${shortages.join('\n')}`] : []),
      'You are welcome to place a new order at any time.',
    ),
  };
}

function rejectionCause(reason: OrderRejectionReason): string {
  switch (reason) {
    case 'insufficient_stock':
      return 'we do not have enough stock of some products';
    case 'unknown_product':
      return 'it includes products we could not find in our catalogue';
    case 'order_cancelled':
      return 'it was cancelled before we could reserve the stock';
  }
}

function productLabel(shortage: StockShortage): string {
  return shortage.productName === undefined
    ? shortage.productId
    : `${shortage.productName} (${shortage.productId})`;
}

function renderOrderCancellation(content: OrderCancellationContent): RenderedNotification {
  const money = moneyFormatter(content.currency);
  return {
    subject: `Order ${content.orderId} cancelled`,
    text: letter(
      content.customerName,
      `Your order ${content.orderId} (total ${money(content.totalAmount)}) has been cancelled.`,
      ...(content.reason === undefined ? [] : [`Reason: ${content.reason}`]),
      'If you did not expect this, please contact our support team.',
    ),
  };
}

function renderAmendmentRejection(content: AmendmentRejectionContent): RenderedNotification {
  return {
    subject: `Your change to order ${content.orderId} was not applied`,
    text: letter(
      content.customerName,
      `We are sorry, but we could not apply the change you requested to order ${content.orderId}.`,
      `Reason: ${content.reason}`,
      'Your order stays exactly as it was before the request.',
    ),
  };
}

function renderOutOfStockAlert(content: OutOfStockAlertContent): RenderedNotification {
  const location = content.warehouseId === undefined ? '' : ` in warehouse ${content.warehouseId}`;
  const facts = [
    `Available: ${content.available}`,
    ...(content.requested === undefined ? [] : [`Requested: ${content.requested}`]),
    ...(content.orderId === undefined ? [] : [`Order: ${content.orderId}`]),
  ];
  return {
    subject: `Out of stock: product ${content.productId}${location}`,
    text: [`Product ${content.productId} is out of stock${location}.`, facts.join('\n')].join('\n\n'),
  };
}

function renderBackInStockAlert(content: BackInStockAlertContent): RenderedNotification {
  const location = content.warehouseId === undefined ? '' : ` in warehouse ${content.warehouseId}`;
  const facts = [
    `Available: ${content.available}`,
    `Added: ${content.added}`,
    ...(content.reason === undefined ? [] : [`Reason: ${content.reason}`]),
  ];
  return {
    subject: `Back in stock: product ${content.productId}${location}`,
    text: [`Product ${content.productId} is back in stock${location}.`, facts.join('\n')].join('\n\n'),
  };
}

function renderSubscriptionStarted(content: SubscriptionStartedContent): RenderedNotification {
  const money = moneyFormatter(content.currency);
  return {
    subject: `Welcome to ${content.planName}`,
    text: letter(
      content.customerName,
      `Thank you for subscribing to ${content.planName}. Your subscription is active.`,
      `You pay ${money(content.amount)} every ${content.interval}; the next payment is on ${longDate(content.renewsAt)}.`,
      'You can cancel at any time.',
    ),
  };
}

function renderSubscriptionCancelled(content: SubscriptionCancelledContent): RenderedNotification {
  const what = `your ${content.planName} subscription`;
  const until =
    content.mode === 'immediately'
      ? `Your access ended on ${longDate(content.endsAt)}.`
      : `You keep access until ${longDate(content.endsAt)}, and you will not be charged again.`;
  return {
    subject: `Your ${content.planName} subscription is cancelled`,
    text: letter(
      content.customerName,
      content.initiatedBy === 'customer'
        ? `As you asked, we have cancelled ${what}.`
        : `We are writing to let you know that ${what} has been cancelled by our payment provider.`,
      until,
      'If you did not expect this, please contact our support team.',
    ),
  };
}

/** `2026-08-04T14:48:00Z` → `4 August 2026` (dates in UTC). */
function longDate(isoTimestamp: string): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(isoTimestamp),
  );
}

function renderPaymentReceived(content: PaymentReceivedContent): RenderedNotification {
  const money = moneyFormatter(content.currency);
  return {
    subject: `Payment received for order ${content.orderId}`,
    text: letter(
      content.customerName,
      `We have received your payment of ${money(content.amount)} (${content.paymentMethod}) for order ${content.orderId}.`,
      'The amount is reserved on your account now and taken when your goods leave our warehouse.',
    ),
  };
}

function renderPaymentFailed(content: PaymentFailedContent): RenderedNotification {
  const money = moneyFormatter(content.currency);
  return {
    subject: `Payment for order ${content.orderId} did not go through`,
    text: letter(
      content.customerName,
      `We could not take your payment of ${money(content.amount)} for order ${content.orderId}.`,
      `The payment provider said: ${content.message}`,
      'Nothing has been charged, and the order will not go ahead. You are welcome to order again with another payment method.',
    ),
  };
}

function renderPaymentRefunded(content: PaymentRefundedContent): RenderedNotification {
  const money = moneyFormatter(content.currency);
  const why = content.reason === 'order_cancelled' ? 'the order was cancelled' : 'the order was changed';
  const what =
    content.method === 'refund'
      ? `We have refunded ${money(content.amount)} for order ${content.orderId}, because ${why}.`
      : `We have released the ${money(content.amount)} reserved for order ${content.orderId}, because ${why}; nothing was taken.`;
  return {
    subject: `Refund of ${money(content.amount)} for order ${content.orderId}`,
    text: letter(
      content.customerName,
      what,
      'Depending on your bank, it may take a few days to show on your statement.',
    ),
  };
}

function letter(customerName: string, ...paragraphs: string[]): string {
  return [`Hello ${customerName},`, ...paragraphs, 'Kind regards,\nThe Orders team'].join('\n\n');
}

function moneyFormatter(currency = 'USD'): (amount: number) => string {
  const format = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return (amount) => format.format(amount);
}
