import type { MessageContract, PayloadOf } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { decide, evolve, type Order, type OrderCommand } from '../domain/index.js';
import { lockOrders, saveOrders } from '../infrastructure/order-repository.js';
import { publish } from './publish.js';

export type OrderChangeCommand = Exclude<OrderCommand, { type: 'PlaceOrder' }>;

/** A command to an order, in the unit of work of the message or request that asks for it. */
export interface OrderChange {
  readonly uow: UnitOfWork;
  readonly orderId: string;
  readonly command: OrderChangeCommand;
}

/**
 * Applies commands to orders in the caller's transaction with one statement to lock the orders
 * (in key order, so concurrent batches cannot deadlock) and one to store those that changed. The
 * commands run in the order given, several to one order each seeing the state the one before left;
 * each publishes its events in its own unit of work. Returns the orders as they end up.
 */
export async function changeOrders(changes: readonly OrderChange[]): Promise<Map<string, Order>> {
  const [first] = changes;
  if (!first) return new Map();
  const locked = await lockOrders(
    first.uow.sql,
    changes.map((change) => change.orderId),
  );
  const orders = new Map([...locked].map(([orderId, stored]) => [orderId, stored.order]));
  const changed = new Set<string>();
  for (const { uow, orderId, command } of changes) {
    let order = orders.get(orderId);
    const events = decide(order, command, uow.now);
    if (!order || events.length === 0) continue;
    for (const event of events) {
      order = evolve(order, event);
      publish(uow, order, event);
    }
    orders.set(orderId, order);
    changed.add(orderId);
  }
  await saveOrders(
    first.uow.sql,
    [...changed].map((orderId) => orders.get(orderId) as Order),
    first.uow.now,
  );
  return orders;
}

/** Applies one command to one order: `changeOrders` for a batch of one. */
export async function changeOrder(
  uow: UnitOfWork,
  orderId: string,
  command: OrderChangeCommand,
): Promise<Order | undefined> {
  return (await changeOrders([{ uow, orderId, command }])).get(orderId);
}

/**
 * A handler through which a message changes an order: `commandOf` names the order and the command,
 * or nothing when the message does not concern an order's state. Takes its deliveries a batch at a time.
 */
export function orderReaction<C extends MessageContract>(
  name: string,
  contract: C,
  commandOf: (payload: PayloadOf<C>) => Omit<OrderChange, 'uow'> | undefined,
): MessageHandler {
  return defineHandler<C>({
    name,
    contract,
    handleBatch: async (items) => {
      await changeOrders(
        items.flatMap(({ message, uow }) => {
          const change = commandOf(message.payload);
          return change ? [{ uow, ...change }] : [];
        }),
      );
    },
  });
}
