import type { MessageContract, PayloadOf } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { BatchStockStore, type StockStore } from '../infrastructure/stock-store.js';

/**
 * A handler of an order step on stock that takes its messages a batch at a time: it locks the
 * orders' allocations and the stock they and the messages name in one statement each, runs the
 * step for each message in memory, then writes back one statement per table.
 */
export function stockBatchHandler<C extends MessageContract>(handler: {
  readonly name: string;
  readonly contract: C;
  orderIdOf(payload: PayloadOf<C>): string;
  /** Products the message names itself, besides those already allocated to its order. */
  productsOf?(payload: PayloadOf<C>): readonly string[];
  step(uow: UnitOfWork, store: StockStore, payload: PayloadOf<C>): Promise<void>;
}): MessageHandler {
  return defineHandler({
    name: handler.name,
    contract: handler.contract,
    handleBatch: async (items, sql) => {
      const payloads = items.map(({ message }) => message.payload);
      const store = await BatchStockStore.lock(
        sql,
        payloads.map((payload) => handler.orderIdOf(payload)),
        (allocations) => [
          ...payloads.flatMap((payload) => handler.productsOf?.(payload) ?? []),
          ...allocations.flatMap((allocation) => allocation.allocations.map((line) => line.productId)),
        ],
      );
      for (const { message, uow } of items) await handler.step(uow, store, message.payload);
      const [first] = items;
      if (first) await store.flush(sql, first.uow.now);
    },
  });
}
