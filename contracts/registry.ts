import type { MessageContract } from './define.js';
import * as inventory from './messages/inventory.js';
import * as notifications from './messages/notifications.js';
import * as orders from './messages/orders.js';
import * as payments from './messages/payments/index.js';
import * as subscriptions from './messages/subscriptions.js';
import type { ServiceId } from './services.js';

function contractsIn(module: Record<string, unknown>): MessageContract[] {
  return Object.values(module).filter(
    (value): value is MessageContract =>
      typeof value === 'object' && value !== null && 'channel' in value && 'schema' in value,
  );
}

/** Every message of the domain, declared once. */
export const contracts: readonly MessageContract[] = [
  ...contractsIn(orders),
  ...contractsIn(inventory),
  ...contractsIn(notifications),
  ...contractsIn(payments),
  ...contractsIn(subscriptions),
];

const byId = new Map(contracts.map((contract) => [contract.id, contract]));

export function findContract(id: string): MessageContract | undefined {
  return byId.get(id);
}

export function producedBy(service: ServiceId): MessageContract[] {
  return contracts.filter((contract) => contract.producers.includes(service));
}

export function consumedBy(service: ServiceId): MessageContract[] {
  return contracts.filter((contract) => contract.consumers.some((consumer) => consumer.service === service));
}

export function acceptedRange(contract: MessageContract, service: ServiceId): string | undefined {
  return contract.consumers.find((consumer) => consumer.service === service)?.accepts;
}
