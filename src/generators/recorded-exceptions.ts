import { contracts, findContract } from '../../contracts/index.js';
import { flows } from '../../contracts/flows.js';
import type { Difference } from './reference.js';

/**
 * A deliberate difference between the reference catalog and what the project exports, as
 * docs/decisions/0001-catalog-defects.md records it. `null` stands for "not there".
 */
export interface RecordedException {
  readonly subject: string;
  readonly reference: string | null;
  readonly exported: string | null;
  /** The decision, in the words of 0001 (section in brackets). */
  readonly reason: string;
}

export const recordedExceptions: readonly RecordedException[] = [
  {
    subject: 'domain Orders service OrdersService',
    reference: '0.0.2',
    exported: '0.0.3',
    reason: 'The service page is the newer statement [Versions]',
  },
  {
    subject: 'service InventoryService sends InventoryAdjusted',
    reference: '0.0.4',
    exported: '1.0.1',
    reason: "The event's own page owns its version [Versions]",
  },
  {
    subject: 'service OrdersService receives InventoryAdjusted',
    reference: '0.0.3',
    exported: '^1.0.0',
    reason: 'A pin to a version that no longer exists would reject every message [Versions]',
  },
  {
    subject: 'service InventoryService sends OutOfStock',
    reference: '0.0.3',
    exported: '0.0.4',
    reason: "The event's page owns its version [Versions]",
  },
  {
    subject: 'flow PaymentFlow step payment_processed',
    reference: 'message PaymentProcessed 0.0.1',
    exported: 'message PaymentProcessed 1.0.0',
    reason: 'PaymentProcessed is 1.0.0; the flow step is stale [Versions]',
  },
  {
    subject: 'service InventoryService receives AddInventory',
    reference: 'x',
    exported: '0.0.x',
    reason: 'A consumer accepts the versions it was written for, never any version at all [Versions]',
  },
  {
    subject: 'service NotificationService receives InventoryAdjusted',
    reference: '>1.0.0',
    exported: '^1.0.0',
    reason: 'A range open above would accept a next major the consumer cannot read [Versions]',
  },
  {
    subject: 'service OrdersService sends AddInventory',
    reference: '0.0.3',
    exported: null,
    reason:
      "Restocking after a cancellation is InventoryService's own reaction to OrderCancelled [Who sends what]",
  },
  {
    subject: 'service NotificationService sends OutOfStock',
    reference: '0.0.x',
    exported: null,
    reason: 'A notification service does not decide stock: it receives OutOfStock [Who sends what]',
  },
  {
    subject: 'service PaymentService',
    reference: null,
    exported: '0.0.1',
    reason: 'PaymentFlow needs a service that takes payments and the catalog names none [Services]',
  },
  {
    subject: 'domain Orders service PaymentService',
    reference: null,
    exported: '0.0.1',
    reason: 'PaymentService runs in the Orders domain [Services]',
  },
  {
    subject: 'domain Orders service SubscriptionService',
    reference: null,
    exported: '0.0.1',
    reason: 'The catalog documents SubscriptionService but leaves it out of the domain page [Services]',
  },
];

const projectFlows = new Set(flows.filter((flow) => flow.origin === 'project').map((flow) => flow.id));
const projectMessages = new Set(
  contracts.filter((contract) => contract.origin === 'project').map((contract) => contract.id),
);

/**
 * Additions the registry itself records: messages and flows marked `origin: 'project'` [Messages
 * the catalog needs but does not define], and producers and consumers the registry declares where
 * the catalog's service pages are silent [Who sends what].
 */
function recordedAddition({ subject, reference }: Difference): string | undefined {
  if (reference !== null) return undefined;
  const [kind, id, relation, message] = subject.split(' ');
  if (kind === 'message' && id !== undefined && projectMessages.has(id))
    return 'Added by the project [Messages the catalog needs but does not define]';
  if (kind === 'flow' && id !== undefined && relation === undefined && projectFlows.has(id))
    return 'A flow the project runs and checks [Messages the catalog needs but does not define]';
  if (kind !== 'service' || message === undefined) return undefined;
  const contract = findContract(message);
  const declared =
    relation === 'sends'
      ? contract?.producers.some((producer) => producer === id)
      : relation === 'receives' && contract?.consumers.some((consumer) => consumer.service === id);
  return declared ? 'Declared by the registry, not listed by the catalog page [Who sends what]' : undefined;
}

const matches = (exception: RecordedException, difference: Difference) =>
  exception.subject === difference.subject &&
  exception.reference === difference.reference &&
  exception.exported === difference.exported;

export interface Reckoning {
  /** Differences with the decision that explains each. */
  readonly explained: readonly (Difference & { reason: string })[];
  /** Differences no decision explains: the export has drifted from the reference. */
  readonly unexplained: readonly Difference[];
  /** Recorded exceptions that no longer describe a difference: the record has drifted. */
  readonly stale: readonly RecordedException[];
}

export function reckon(differences: readonly Difference[]): Reckoning {
  const explained: (Difference & { reason: string })[] = [];
  const unexplained: Difference[] = [];
  for (const difference of differences) {
    const reason =
      recordedExceptions.find((exception) => matches(exception, difference))?.reason ??
      recordedAddition(difference);
    if (reason === undefined) unexplained.push(difference);
    else explained.push({ ...difference, reason });
  }
  const stale = recordedExceptions.filter(
    (exception) => !differences.some((difference) => matches(exception, difference)),
  );
  return { explained, unexplained, stale };
}
