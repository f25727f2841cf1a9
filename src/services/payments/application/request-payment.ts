import { RequestPayment } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { centsOf, decide, evolve, type Payment } from '../domain/index.js';
import { cancellationOf, lockPaymentOfOrder } from '../infrastructure/payment-repository.js';
import { commit } from './change-payment.js';
import type { Bell } from '../../../platform/kernel/bell.js';

/**
 * Starts the payment of an order: one per order, however often it is requested. An order that was
 * cancelled before its payment was requested still gets one, cancelled at once, so that no money is
 * ever taken for it and the record says why.
 */
export const requestPaymentHandler = (
  ids: IdGenerator,
  bell: Bell,
  defaultCurrency: string,
): MessageHandler =>
  defineHandler({
    name: 'request-payment',
    contract: RequestPayment,
    handle: async ({ payload }, uow) => {
      if (await lockPaymentOfOrder(uow.sql, payload.orderId)) return;
      const amount = centsOf(payload.amount);
      const initiated = decide(
        undefined,
        {
          type: 'InitiatePayment',
          paymentId: ids.next(),
          orderId: payload.orderId,
          userId: payload.userId,
          amount,
          method: payload.paymentMethod,
          token: payload.paymentToken,
          currency: payload.currency ?? defaultCurrency,
        },
        uow.now,
      );
      const cancellation = await cancellationOf(uow.sql, payload.orderId);
      const events = cancellation
        ? [
            ...initiated,
            ...decide(
              initiated.reduce<Payment | undefined>(evolve, undefined),
              cancel(cancellation.reason),
              uow.now,
            ),
          ]
        : initiated;
      await commit(uow, bell, undefined, events);
    },
  });

const cancel = (reason: string | null) =>
  ({ type: 'CancelPayment', ...(reason === null ? {} : { reason }) }) as const;
