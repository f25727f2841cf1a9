import type { MessageContract } from '../define.js';
import type { MessageRef, FlowEdge, MessageStep } from './declaration.js';
import { NotificationFailed, NotificationSent } from '../messages/notifications.js';

/** The project's flows name messages through the registry, so a version bump reaches them too. */
export const ref = (contract: MessageContract): MessageRef => ({
  id: contract.id,
  version: contract.version,
});

export const seconds = (count: number) => count * 1000;
export const minutes = (count: number) => count * 60_000;

/** Notifications retry with back-off before they give up, so their outcome may take a while. */
export const notificationBudget = minutes(10);

export const notificationOutcome = (prefix: string, title: string): [MessageStep, MessageStep] => [
  {
    id: `${prefix}_sent`,
    kind: 'message',
    title,
    message: ref(NotificationSent),
    withinMs: notificationBudget,
  },
  {
    id: `${prefix}_failed`,
    kind: 'message',
    title: `${title} (failed)`,
    message: ref(NotificationFailed),
    withinMs: notificationBudget,
  },
];

export const notifiedBy = (prefix: string): readonly FlowEdge[] => [
  { step: `${prefix}_sent`, label: 'Sent' },
  { step: `${prefix}_failed`, label: 'Gave up' },
];

/** Payment calls the provider with retries and back-off before an outcome is known. */
export const paymentBudget = minutes(5);

export const paymentOutcome = (id: string, title: string, contract: MessageContract): MessageStep => ({
  id,
  kind: 'message',
  title,
  message: ref(contract),
  withinMs: paymentBudget,
});
