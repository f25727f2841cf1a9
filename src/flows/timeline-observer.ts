import { contracts } from '../../contracts/index.js';
import type { MessageObserver } from '../platform/messaging/consumer.js';
import { requestFlowChecks } from './flow-check-repository.js';
import { recordInTimeline } from './timeline-repository.js';
import { checkDelayMs } from './order-flows.js';

/**
 * Builds each order's timeline from every message of the domain that shares its correlation id,
 * and asks for the grown timelines to be checked against the documented flows.
 */
export const timelineObserver = (flowChecks: { wake(): void }): MessageObserver => ({
  name: 'timeline',
  channels: contracts.map((contract) => contract.channel),
  record: async (envelopes, uow) => {
    await recordInTimeline(uow.sql, envelopes, uow.now);
    await requestFlowChecks(
      uow.sql,
      envelopes.map((envelope) => envelope.correlationid),
      new Date(uow.now.getTime() + checkDelayMs),
    );
    flowChecks.wake();
  },
});
