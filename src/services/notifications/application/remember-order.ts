import { OrderPlaced } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { rememberOrder, upsertRecipient } from '../infrastructure/notification-store.js';
import { orderPlacedFact } from './notify.js';

/** Keeps the customer's contact and a summary of the order, for the messages that follow it. */
export const rememberOrderHandler = (): MessageHandler =>
  defineHandler({
    name: 'remember-order',
    contract: OrderPlaced,
    async handle({ payload }, uow) {
      const { customer } = payload;
      await upsertRecipient(
        uow.sql,
        {
          customerId: customer.customerId,
          name: customer.name,
          email: customer.email,
          phone: customer.phone ?? null,
        },
        payload.timestamp,
      );
      await rememberOrder(uow.sql, {
        orderId: payload.orderId,
        customerId: customer.customerId,
        items: payload.orderItems,
        totalAmount: payload.totalAmount,
      });
      uow.resume(orderPlacedFact(payload.orderId));
    },
  });
