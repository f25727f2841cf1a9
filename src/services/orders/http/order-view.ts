import { Type, type Static } from 'typebox';
import { PaymentMethod } from '../../../../contracts/index.js';
import { FlowConformanceView, type TimelineEntry } from '../../../flows/index.js';
import { fromCents, lineTotal, orderTotal } from '../domain/index.js';
import type { StoredOrder } from '../infrastructure/order-repository.js';

export const OrderStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('confirmed'),
  Type.Literal('completed'),
  Type.Literal('rejected'),
  Type.Literal('cancelled'),
]);

const Shortage = Type.Object({
  productId: Type.String(),
  requested: Type.Integer(),
  available: Type.Integer(),
});

const Count = Type.Integer({ minimum: 0 });

export const OrderStatisticsView = Type.Object(
  {
    byStatus: Type.Object({
      pending: Count,
      confirmed: Count,
      completed: Count,
      rejected: Count,
      cancelled: Count,
    }),
    total: Count,
    departingFlows: Type.Integer({
      minimum: 0,
      description: 'Orders whose last flow check found their path departing from the documented flows.',
    }),
  },
  {
    examples: [
      {
        byStatus: { pending: 2, confirmed: 1, completed: 40, rejected: 3, cancelled: 4 },
        total: 50,
        departingFlows: 0,
      },
    ],
  },
);

export const OrderSummaryView = Type.Object({
  orderId: Type.String({ format: 'uuid' }),
  status: OrderStatus,
  customerId: Type.String({ format: 'uuid' }),
  totalAmount: Type.Number(),
  placedAt: Type.String({ format: 'date-time' }),
});

export const TimelineEntryView = Type.Object({
  messageId: Type.String(),
  type: Type.String(),
  version: Type.String(),
  source: Type.String(),
  subject: Type.String(),
  time: Type.String({ format: 'date-time' }),
  causationId: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Type.Object({ id: Type.String(), role: Type.String() }), Type.Null()], {
    description: 'Who caused the message (the authenticated caller the flow started from), if anyone did.',
  }),
});

export const OrderView = Type.Object(
  {
    orderId: Type.String({ format: 'uuid' }),
    status: OrderStatus,
    customer: Type.Object({
      customerId: Type.String(),
      name: Type.String(),
      email: Type.String(),
      phone: Type.Optional(Type.String()),
    }),
    items: Type.Array(
      Type.Object({
        itemId: Type.String(),
        name: Type.String(),
        quantity: Type.Integer(),
        price: Type.Number(),
        total: Type.Number(),
      }),
    ),
    shippingAddress: Type.Object({
      street: Type.String(),
      city: Type.String(),
      state: Type.String(),
      zip: Type.String(),
      country: Type.String(),
    }),
    payment: Type.Object({
      paymentMethod: PaymentMethod,
      transactionId: Type.String(),
      amount: Type.Number(),
    }),
    totalAmount: Type.Number(),
    orderDate: Type.String({ format: 'date-time' }),
    placedAt: Type.String({ format: 'date-time' }),
    completedAt: Type.Optional(Type.String({ format: 'date-time' })),
    reservationId: Type.Optional(Type.String()),
    amendmentPending: Type.Boolean(),
    rejection: Type.Optional(Type.Object({ reason: Type.String(), shortages: Type.Array(Shortage) })),
    cancellation: Type.Optional(Type.Object({ reason: Type.Optional(Type.String()), at: Type.String() })),
    correlationId: Type.String(),
    timeline: Type.Array(TimelineEntryView),
    flowConformance: Type.Optional(FlowConformanceView),
  },
  { title: 'Order' },
);

export function orderView(
  { order, correlationId }: StoredOrder,
  timeline: readonly TimelineEntry[],
  flowConformance?: Static<typeof FlowConformanceView>,
): Static<typeof OrderView> {
  return {
    orderId: order.orderId,
    status: order.status,
    customer: order.customer,
    items: order.lines.map((line) => ({
      itemId: line.productId,
      name: line.name,
      quantity: line.quantity,
      price: fromCents(line.unitPrice),
      total: fromCents(lineTotal(line)),
    })),
    shippingAddress: order.shippingAddress,
    payment: {
      paymentMethod: order.payment.method,
      transactionId: order.payment.transactionId,
      amount: fromCents(order.payment.amount),
    },
    totalAmount: fromCents(orderTotal(order.lines)),
    orderDate: order.orderDate,
    placedAt: order.placedAt,
    ...('completedAt' in order && order.completedAt ? { completedAt: order.completedAt } : {}),
    ...(order.reservationId ? { reservationId: order.reservationId } : {}),
    amendmentPending: order.pendingAmendment !== undefined,
    ...(order.status === 'rejected'
      ? { rejection: { reason: order.rejection.reason, shortages: [...order.rejection.shortages] } }
      : {}),
    ...(order.status === 'cancelled' ? { cancellation: order.cancellation } : {}),
    correlationId,
    timeline: [...timeline],
    ...(flowConformance ? { flowConformance } : {}),
  };
}

export const orderSummaryView = ({ order }: StoredOrder): Static<typeof OrderSummaryView> => ({
  orderId: order.orderId,
  status: order.status,
  customerId: order.customer.customerId,
  totalAmount: fromCents(orderTotal(order.lines)),
  placedAt: order.placedAt,
});
