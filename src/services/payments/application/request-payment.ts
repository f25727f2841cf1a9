import { RequestPayment } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import type { Bell } from '../../../platform/kernel/bell.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { centsOf, decide, evolve, type Payment, type PaymentEvent } from '../domain/index.js';
import {
  cancellationsOf,
  paymentIdsOfOrders,
  serializeOrders,
} from '../infrastructure/payment-repository.js';
import { commitDecisions, type PaymentDecision } from './change-payment.js';

/**
 * Starts the payment of an order: one per order, however often it is requested. An order that was
 * cancelled before its payment was requested still gets one, cancelled at once, so that no money is
 * ever taken for it and the record says why. Takes its deliveries a batch at a time.
 */
export const requestPaymentHandler = (
  ids: IdGenerator,
  bell: Bell,
  defaultCurrency: string,
): MessageHandler =>
  defineHandler({
    name: 'request-payment',
    contract: RequestPayment,
    handleBatch: async (items, sql) => {
      const orderIds = items.map(({ message }) => message.payload.orderId);
      await serializeOrders(sql, orderIds);
      // The order's lock keeps a second request and a cancellation out until this one commits.
      const existing = await paymentIdsOfOrders(sql, orderIds);
      const cancellations = await cancellationsOf(sql, orderIds);
      const started = new Set(existing.keys());
      const decisions: PaymentDecision[] = [];
      for (const { message, uow } of items) {
        const { payload } = message;
        if (started.has(payload.orderId)) continue;
        started.add(payload.orderId);
        const initiated = decide(
          undefined,
          {
            type: 'InitiatePayment',
            paymentId: ids.next(),
            orderId: payload.orderId,
            userId: payload.userId,
            amount: centsOf(payload.amount),
            method: payload.paymentMethod,
            token: payload.paymentToken,
            currency: payload.currency ?? defaultCurrency,
          },
          uow.now,
        );
        const cancellation = cancellations.get(payload.orderId);
        decisions.push({
          uow,
          before: undefined,
          events: cancellation
            ? [...initiated, ...cancelled(initiated, cancellation.reason, uow.now)]
            : initiated,
        });
      }
      await commitDecisions(sql, bell, decisions);
    },
  });

function cancelled(initiated: readonly PaymentEvent[], reason: string | null, now: Date): PaymentEvent[] {
  const payment = initiated.reduce<Payment | undefined>(evolve, undefined);
  return decide(payment, { type: 'CancelPayment', ...(reason === null ? {} : { reason }) }, now);
}
