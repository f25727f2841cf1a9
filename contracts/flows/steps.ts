import type { MessageContract } from '../define.js';
import type { MessageRef, FlowEdge, MessageStep } from './declaration.js';
import { flowsOf } from './declaration.js';
import { NotificationFailed, NotificationSent } from '../messages/notifications.js';

/** The project's flows name messages through the registry, so a version bump reaches them too. */
export const ref = (contract: MessageContract): MessageRef => ({
  id: contract.id,
  version: contract.version,
});

export const seconds = (count: number) => count * 1000;
export const minutes = (count: number) => count * 60_000;

/** The project's own flows name every message they set off, each due within 30 s unless a step says otherwise. */
export const projectFlow = flowsOf({
  owners: ['dboyne', 'full-stack'],
  origin: 'project',
  budgetMs: seconds(30),
  exhaustive: true,
});

/** What a message step says beyond the message it stands for. */
type MessageStepDetails = Omit<MessageStep, 'id' | 'kind' | 'title' | 'message'>;

/**
 * A step standing for a message: a contract of the registry, or, in the catalog's flows, the
 * message and version the catalog pins.
 */
export const messageStep = (
  id: string,
  title: string,
  message: MessageContract | MessageRef,
  details: MessageStepDetails = {},
): MessageStep => ({
  id,
  kind: 'message',
  title,
  message: { id: message.id, version: message.version },
  ...details,
});

/** Notifications retry with back-off before they give up, so their outcome may take a while. */
export const notificationBudget = minutes(10);

export const notificationOutcome = (prefix: string, title: string): [MessageStep, MessageStep] => [
  messageStep(`${prefix}_sent`, title, NotificationSent, { withinMs: notificationBudget }),
  messageStep(`${prefix}_failed`, `${title} (failed)`, NotificationFailed, { withinMs: notificationBudget }),
];

export const notifiedBy = (prefix: string): readonly FlowEdge[] => [
  { step: `${prefix}_sent`, label: 'Sent' },
  { step: `${prefix}_failed`, label: 'Gave up' },
];

/** Payment calls the provider with retries and back-off before an outcome is known. */
export const paymentBudget = minutes(5);

export const paymentOutcome = (id: string, title: string, contract: MessageContract): MessageStep =>
  messageStep(id, title, contract, { withinMs: paymentBudget });
