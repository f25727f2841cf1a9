import {
  OrderAmendmentFlow,
  OrderCancellationFlow,
  OrderPlacementFlow,
  type FlowDeclaration,
} from '../../contracts/flows.js';
import { checkConformance, type ConformanceReport } from './conformance.js';
import type { TimelineEntry } from './timeline-repository.js';

/** Every message that carries an order's correlation id must belong to one of these flows. */
export const orderFlows: readonly FlowDeclaration[] = [
  OrderPlacementFlow,
  OrderCancellationFlow,
  OrderAmendmentFlow,
];

/**
 * How long a message whose cause is not on the timeline yet may wait for it: the observer records
 * concurrent deliveries in any order, so an effect is sometimes recorded just before its cause.
 */
export const causeGraceMs = 60_000;

/**
 * How long after a message the order is checked. Messages of one order come in bursts (an event and
 * what it causes): the messages of a burst share one check instead of one each.
 */
export const checkDelayMs = 200;

/**
 * The longest a check waits to gather more of an order's messages, under load: long enough for
 * several steps of an order, short against the steps' budgets (30 s).
 */
export const loadedCheckDelayMs = 5_000;

/** Where an order's observed path stands against the documented flows at `now`. */
export function conformanceOf(timeline: readonly TimelineEntry[], now: Date): ConformanceReport {
  return checkConformance({
    flows: orderFlows,
    observed: timeline.map((entry) => ({
      id: entry.messageId,
      type: entry.type,
      version: entry.version,
      time: entry.time,
      causationId: entry.causationId,
      firstHandledAt: entry.firstHandledAt ?? null,
    })),
    now,
    causeGraceMs,
  });
}
