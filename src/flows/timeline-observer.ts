import { contracts } from '../../contracts/index.js';
import type { MessageObserver } from '../platform/messaging/consumer.js';
import { recordForCheck } from './timeline-repository.js';

/**
 * Builds each order's timeline from every message of the domain that shares its correlation id,
 * and asks for the timelines that grew to be checked against the documented flows.
 */
export const timelineObserver = (flowChecks: {
  checkDueAt(now: Date): Date;
  wake(): void;
}): MessageObserver => ({
  name: 'timeline',
  channels: contracts.map((contract) => contract.channel),
  record: async (envelopes, uow) => {
    await recordForCheck(uow.sql, envelopes, uow.now, flowChecks.checkDueAt(uow.now));
    flowChecks.wake();
  },
});
