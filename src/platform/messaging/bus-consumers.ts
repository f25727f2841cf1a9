import type { ServiceId } from '../../../contracts/index.js';

/** A consumer as the bus sees it: a durable name and the channels it receives. */
export interface BusConsumerDeclaration {
  readonly name: string;
  readonly channels: readonly string[];
}

/** Bus consumer names are scoped to their service, so two services may name a handler alike. */
export const busConsumerName = (service: ServiceId, name: string): string => `${service}-${name}`;

/**
 * The bus consumers a service subscribes: one per handler (its contract's channel) and one per
 * observer (the channels it watches). What the consumer group runs and what NATS permissions allow.
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
    ...observers.map((observer) => ({
      name: busConsumerName(service, observer.name),
      channels: observer.channels,
    })),
  ];
}
