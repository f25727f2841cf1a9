import type { ServiceId } from '../../../contracts/index.js';

/** A consumer as the bus sees it: a durable name and the channels it receives. */
export interface BusConsumerDeclaration {
  readonly name: string;
  readonly channels: readonly string[];
}

/** Bus consumer names are scoped to their service, so two services may name a handler alike. */
export const busConsumerName = (service: ServiceId, name: string): string => `${service}-${name}`;

/**
 * The channels an observer needs a bus consumer of its own for: those none of its service's
 * handlers takes. A message a handler takes is shown to the observer in the handler's transaction,
 * so the bus delivers it once, not once more for the observer.
 */
export function channelsLeftToObserve(
  observed: readonly string[],
  handlers: readonly { readonly contract: { readonly channel: string } }[],
): string[] {
  const handled = new Set(handlers.map((handler) => handler.contract.channel));
  return observed.filter((channel) => !handled.has(channel));
}

/**
 * The bus consumers a service subscribes: one per handler (its contract's channel) and one per
 * observer (the channels it watches that no handler takes, if any). What the consumer group runs
 * and what NATS permissions allow.
 */
export function busConsumersOf(
  service: ServiceId,
  handlers: readonly { readonly name: string; readonly contract: { readonly channel: string } }[],
  observers: readonly BusConsumerDeclaration[] = [],
): BusConsumerDeclaration[] {
  return [
    ...handlers.map((handler) => ({
      name: busConsumerName(service, handler.name),
      channels: [handler.contract.channel],
    })),
    ...observers.flatMap((observer) => {
      const channels = channelsLeftToObserve(observer.channels, handlers);
      return channels.length === 0 ? [] : [{ name: busConsumerName(service, observer.name), channels }];
    }),
  ];
}
