export interface TimelineEntry {
  readonly messageId: string;
  readonly type: string;
  readonly version: string;
  readonly source: string;
  readonly time: string;
  readonly causationId: string | null;
}

export interface OrderItem {
  readonly itemId: string;
  readonly name: string;
  readonly quantity: number;
  readonly price: number;
  readonly total: number;
}

export interface Departure {
  readonly kind: string;
  readonly flow: string | null;
  readonly messageId: string | null;
  readonly steps: string[];
  readonly detail: string;
}

export interface OrderView {
  readonly orderId: string;
  readonly status: string;
  readonly customer: { customerId: string; name: string; email: string };
  readonly items: OrderItem[];
  readonly totalAmount: number;
  readonly placedAt: string;
  readonly amendmentPending: boolean;
  readonly rejection?: { reason: string };
  readonly cancellation?: { reason?: string; at: string };
  readonly timeline: TimelineEntry[];
  readonly flowConformance?: {
    conforms: boolean | null;
    checkedAt: string | null;
    departures: Departure[];
    runs: { flow: string; status: string }[];
  };
}

export interface OrderDiagrams {
  readonly conforms: boolean | null;
  readonly observed: string;
  readonly documented: { flow: string; version: string; diagram: string }[];
}

export interface PaymentView {
  readonly paymentId: string;
  readonly status: string;
  readonly amount: number;
  readonly currency: string;
  readonly paymentMethod: string;
  readonly operations: {
    operationId: string;
    kind: string;
    status: string;
    attempts: number;
    lastError: string | null;
  }[];
  readonly attempts: {
    operationId: string;
    operation: string;
    number: number;
    action: string;
    outcome: string;
    detail: string | null;
    startedAt: string;
  }[];
}

export interface NotificationView {
  readonly notificationId: string;
  readonly type: string;
  readonly recipient: string;
  readonly content: { subject: string; text: string };
  readonly channel: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly orderId: string | null;
  readonly createdAt: string;
  readonly sentAt: string | null;
}

/** Orders in these states still move on their own; their page follows them. */
export const isSettled = (order: OrderView) =>
  !order.amendmentPending &&
  ['completed', 'rejected', 'cancelled'].includes(order.status) &&
  order.flowConformance?.runs.every((run) => run.status !== 'running') !== false;
