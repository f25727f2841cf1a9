import { Type, type Static } from 'typebox';
import { exampleIds } from '../../../../contracts/examples.js';
import { PlaceOrder, sourceOf, violationsOf, type Envelope } from '../../../../contracts/index.js';
import {
  findFlowCheck,
  flowConformanceView,
  OrderDiagramView,
  orderDiagramView,
} from '../../../flows/index.js';
import { ensureActsForSelf, ownerScope } from '../../../platform/auth/http.js';
import type { HttpApp } from '../../../platform/http/app.js';
import { originOf } from '../../../platform/http/origin.js';
import { problem, problemResponse, sendRetryLater } from '../../../platform/http/problem.js';
import { AppError } from '../../../platform/kernel/errors.js';
import { CommitQueue, type Queued } from '../../../platform/messaging/group-commit.js';
import { traceparentOfIssued } from '../../../platform/observability/message-spans.js';
import type { ServiceContext } from '../../../platform/service.js';
import { changeOrder } from '../application/change-order.js';
import type { InProgressBound } from '../application/in-progress-bound.js';
import { placeOrders, type PlaceOrderCommand } from '../application/place-order.js';
import { findOrders, getOrder, orderStatistics } from '../application/queries.js';
import {
  OrderStatisticsView,
  OrderStatus,
  OrderSummaryView,
  OrderView,
  orderSummaryView,
  orderView,
} from './order-view.js';
import { orderSummaryExample, orderViewExample } from './view-examples.js';

const OrderIdParams = Type.Object({ orderId: Type.String({ format: 'uuid' }) });

const PlaceOrderBody = Type.With(PlaceOrder.schema, { examples: [PlaceOrder.example] });
const OrderResponse = Type.With(OrderView, { examples: [orderViewExample] });

const CancelRequest = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);

const AmendmentRequest = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          itemId: Type.String({ format: 'uuid' }),
          quantity: Type.Integer({
            minimum: 0,
            maximum: 100_000,
            description: 'The new quantity; 0 removes the line',
          }),
          name: Type.Optional(
            Type.String({ minLength: 1, maxLength: 200, description: 'Required for a new item' }),
          ),
          price: Type.Optional(
            Type.Number({ minimum: 0, maximum: 1e9, minorUnits: 2, description: 'Required for a new item' }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  {
    additionalProperties: false,
    examples: [{ items: [{ itemId: exampleIds.product, quantity: 3 }] }],
  },
);

const problems = {
  400: problemResponse('The request is invalid; `errors` names the fields'),
  404: problemResponse('No such order, or not yours'),
  409: problemResponse("The order's state does not allow it"),
};

export function orderRoutes(ctx: ServiceContext, bound: InProgressBound) {
  const { db, outbox, ids, clock } = ctx;

  return async (app: HttpApp): Promise<void> => {
    const placements = new CommitQueue(outbox, db, (queued: readonly Queued<Envelope<PlaceOrderCommand>>[]) =>
      placeOrders(
        queued.map(({ uow, input }) => ({ uow, command: input })),
        bound,
      ),
    );
    app.post(
      '/orders',
      {
        schema: {
          operationId: 'placeOrder',
          tags: ['orders'],
          summary: 'Place an order (PlaceOrder)',
          description:
            'Idempotent by orderId: the same body again returns the same order; another body under that id is a 409.',
          body: PlaceOrderBody,
          response: {
            202: OrderResponse,
            ...problems,
            403: problemResponse('A customer may place orders only for themselves'),
            413: problemResponse('The body is larger than the server accepts'),
            415: problemResponse('The body is not JSON'),
            503: problemResponse(
              'The most orders in progress are (ORDERS.TOO_MANY_IN_PROGRESS), or the server is shedding load (SERVER.OVERLOADED): retry after `Retry-After` seconds',
            ),
          },
        },
      },
      async (request, reply) => {
        ensureActsForSelf(request, request.body.customer.customerId, 'customer.customerId');
        const origin = originOf(request, request.body.orderId);
        const command: Envelope<PlaceOrderCommand> = {
          specversion: '1.0',
          id: ids.next(),
          source: sourceOf('http'),
          type: PlaceOrder.id,
          time: clock.now().toISOString(),
          subject: request.body.orderId,
          datacontenttype: 'application/json',
          dataversion: PlaceOrder.version,
          correlationid: origin.correlationId,
          ...(origin.actor ? { actorid: origin.actor.id, actorrole: origin.actor.role } : {}),
          idempotencykey: request.body.orderId,
          traceparent: traceparentOfIssued(origin.traceparent),
          data: request.body,
        };
        const placement = await placements.run(
          { ...origin, causationId: command.id, traceparent: command.traceparent },
          command,
        );
        if (placement.outcome === 'failed') throw placement.error;
        if (placement.outcome === 'refused') {
          return sendRetryLater(
            reply,
            request,
            problem(
              503,
              'ORDERS.TOO_MANY_IN_PROGRESS',
              'The most orders the system takes at once are in progress; retry after the delay given.',
            ),
          );
        }
        const { orderId } = request.body;
        // A retry answers with the order as it stands now; a new order is answered as placed.
        const view =
          placement.outcome === 'placed'
            ? orderView(placement.stored, placement.timeline)
            : await getOrder(db, orderId).then((stored) => orderView(stored, stored.timeline));
        return reply
          .status(202)
          .header('location', `/orders/${orderId}`)
          .header('idempotent-replayed', String(placement.outcome === 'replayed'))
          .send(view);
      },
    );

    app.get(
      '/orders/:orderId',
      {
        schema: {
          operationId: 'getOrder',
          tags: ['orders'],
          summary: 'An order with its status, items, totals and timeline of messages',
          description:
            '`flowConformance` shows the path the order took through its documented flows and whether it conforms.',
          params: OrderIdParams,
          response: { 200: OrderResponse, 400: problems[400], 404: problems[404] },
        },
      },
      async (request) => {
        const stored = await getOrder(db, request.params.orderId, ownerScope(request));
        const check = await findFlowCheck(db, stored.correlationId);
        return orderView(stored, stored.timeline, flowConformanceView(check));
      },
    );

    app.get(
      '/orders/:orderId/diagram',
      {
        schema: {
          operationId: 'getOrderDiagrams',
          tags: ['orders'],
          summary: 'Mermaid sequence diagrams: what happened to the order, and the flows it should follow',
          description:
            'JSON: `observed` is drawn from the order timeline, departures as notes; `documented` holds the diagram of each documented flow the order ran through.',
          params: OrderIdParams,
          response: { 200: OrderDiagramView, 400: problems[400], 404: problems[404] },
        },
      },
      async (request) => {
        const stored = await getOrder(db, request.params.orderId, ownerScope(request));
        const check = await findFlowCheck(db, stored.correlationId);
        return orderDiagramView(stored.order.orderId, stored.timeline, check);
      },
    );

    app.get(
      '/orders/statistics',
      {
        schema: {
          operationId: 'getOrderStatistics',
          tags: ['orders'],
          summary: 'Orders per status, in all, and how many depart from their documented flows',
          response: { 200: OrderStatisticsView },
        },
      },
      async () => {
        const statistics = await orderStatistics(db);
        const inStatus = (status: Static<typeof OrderStatus>) => statistics.byStatus.get(status) ?? 0;
        return {
          byStatus: {
            pending: inStatus('pending'),
            confirmed: inStatus('confirmed'),
            completed: inStatus('completed'),
            rejected: inStatus('rejected'),
            cancelled: inStatus('cancelled'),
          },
          total: statistics.total,
          departingFlows: statistics.departingFlows,
        };
      },
    );

    app.get(
      '/orders',
      {
        schema: {
          operationId: 'listOrders',
          tags: ['orders'],
          summary: 'Orders, newest first, filtered by status and customer, a page at a time',
          querystring: Type.Object({
            status: Type.Optional(OrderStatus),
            customerId: Type.Optional(Type.String({ format: 'uuid' })),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          }),
          response: {
            200: Type.Object(
              {
                orders: Type.Array(OrderSummaryView),
                nextCursor: Type.Union([Type.String(), Type.Null()]),
              },
              { examples: [{ orders: [orderSummaryExample], nextCursor: null }] },
            ),
            400: problems[400],
          },
        },
      },
      async (request) => {
        const owner = ownerScope(request);
        const page = await findOrders(
          db,
          owner === undefined ? request.query : { ...request.query, customerId: owner },
        );
        return { orders: page.orders.map(orderSummaryView), nextCursor: page.nextCursor };
      },
    );

    app.post(
      '/orders/:orderId/cancel',
      {
        schema: {
          operationId: 'cancelOrder',
          tags: ['orders'],
          summary: 'Cancel an order (OrderCancelled): its stock is released or restocked',
          description:
            'The body is optional: `{ "reason": "..." }`. Cancelling a cancelled order changes nothing.',
          params: OrderIdParams,
          response: { 202: OrderResponse, ...problems },
        },
      },
      async (request, reply) => {
        const { reason } = parseCancelRequest(request.body === undefined ? {} : request.body);
        const { orderId } = request.params;
        const current = await getOrder(db, orderId, ownerScope(request));
        await outbox.run(originOf(request, current.correlationId), (uow) =>
          changeOrder(uow, orderId, { type: 'CancelOrder', ...(reason ? { reason } : {}) }),
        );
        const stored = await getOrder(db, orderId);
        return reply.status(202).send(orderView(stored, stored.timeline));
      },
    );

    app.post(
      '/orders/:orderId/amendments',
      {
        schema: {
          operationId: 'amendOrder',
          tags: ['orders'],
          summary: 'Change quantities or add lines (OrderAmended); inventory confirms or the order reverts',
          params: OrderIdParams,
          body: AmendmentRequest,
          response: { 202: OrderResponse, ...problems },
        },
      },
      async (request, reply) => {
        const { orderId } = request.params;
        const current = await getOrder(db, orderId, ownerScope(request));
        await outbox.run(originOf(request, current.correlationId), (uow) =>
          changeOrder(uow, orderId, {
            type: 'AmendOrder',
            items: request.body.items.map(({ itemId, ...item }) => ({ productId: itemId, ...item })),
          }),
        );
        const stored = await getOrder(db, orderId);
        return reply.status(202).send(orderView(stored, stored.timeline));
      },
    );
  };
}

/** For bodies that may be absent altogether, which a route body schema cannot express. */
function parseCancelRequest(body: unknown): { reason?: string } {
  const violations = violationsOf(CancelRequest, body);
  if (violations.length > 0)
    throw new AppError('validation', 'REQUEST.INVALID', 'The body is invalid', violations);
  return body as { reason?: string };
}
