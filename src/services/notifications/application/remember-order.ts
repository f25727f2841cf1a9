import { OrderPlaced } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { rememberOrders, upsertRecipients } from '../infrastructure/notification-store.js';
import { orderPlacedFact } from './notify.js';

/** Keeps the customer's contact and a summary of the order, for the messages that follow it. */
export const rememberOrderHandler = (): MessageHandler =>
  defineHandler({
    name: 'remember-order',
    contract: OrderPlaced,
    async handleBatch(items, sql) {
      const payloads = items.map(({ message }) => message.payload);
      await upsertRecipients(
        sql,
        payloads.map(({ customer, timestamp }) => ({
          customerId: customer.customerId,
          name: customer.name,
          email: customer.email,
          phone: customer.phone ?? null,
          asOf: timestamp,
        })),
      );
      await rememberOrders(
        sql,
        payloads.map((payload) => ({
          orderId: payload.orderId,
          customerId: payload.customer.customerId,
          items: payload.orderItems,
          totalAmount: payload.totalAmount,
        })),
      );
      for (const { message, uow } of items) uow.resume(orderPlacedFact(message.payload.orderId));
    },
  });
