import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { decide, evolve, type Order, type OrderCommand } from '../domain/index.js';
import { lockOrder, saveOrder } from '../infrastructure/order-repository.js';
import { publish } from './publish.js';

/** Loads the order under a row lock, applies the command's events, stores and publishes them. */
export async function changeOrder(
  uow: UnitOfWork,
  orderId: string,
  command: Exclude<OrderCommand, { type: 'PlaceOrder' }>,
): Promise<Order | undefined> {
  const stored = await lockOrder(uow.sql, orderId);
  const events = decide(stored?.order, command, uow.now);
  if (!stored || events.length === 0) return stored?.order;
  let order = stored.order;
  for (const event of events) {
    order = evolve(order, event);
    publish(uow, order, event);
  }
  await saveOrder(uow.sql, order, uow.now);
  return order;
}
