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

export type NotificationContent =
  | OrderConfirmationContent
  | OrderRejectionContent
  | OrderCancellationContent
  | AmendmentRejectionContent
  | OutOfStockAlertContent
  | BackInStockAlertContent;

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
