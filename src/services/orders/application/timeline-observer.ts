import { contracts } from '../../../../contracts/index.js';
import type { MessageObserver } from '../../../platform/messaging/consumer.js';
import { recordInTimeline } from '../infrastructure/timeline-repository.js';

/** Builds each order's timeline from every message of the domain that shares its correlation id. */
export const timelineObserver: MessageObserver = {
  name: 'timeline',
  channels: contracts.map((contract) => contract.channel),
  record: (envelopes, uow) => recordInTimeline(uow.sql, envelopes),
};
