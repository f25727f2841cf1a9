import type { FlowDeclaration } from '../../contracts/flows.js';

/** A message as a timeline recorded it. */
export interface ObservedMessage {
  readonly id: string;
  readonly type: string;
  readonly version: string;
  /** ISO 8601. */
  readonly time: string;
  readonly causationId: string | null;
  /**
   * ISO 8601: when the message could first be handled (the domain first took it from the bus), if
   * known. The budgets of the steps it causes run from here rather than from its publication.
   */
  readonly firstHandledAt?: string | null;
}

export type DepartureKind = 'unexpected' | 'skipped' | 'overdue' | 'version_mismatch';

export interface Departure {
  /** The same for the same departure at every check of a growing history: what counts it once. */
  readonly key: string;
  readonly kind: DepartureKind;
  /** The flow departed from; null for a message no flow accounts for. */
  readonly flow: string | null;
  /** The message that departed; null for steps that never came. */
  readonly messageId: string | null;
  /** The steps concerned: those skipped, those that never came, or the one a message stood for. */
  readonly steps: readonly string[];
  readonly detail: string;
}

/** How one observed message fits: `tolerated` by a flow that leaves it out, or waiting for its cause. */
export type Verdict = 'conforms' | 'departs' | 'tolerated' | 'awaiting_cause';

export interface PathEntry {
  readonly messageId: string;
  readonly type: string;
  readonly version: string;
  readonly time: string;
  readonly flow: string | null;
  readonly step: string | null;
  readonly verdict: Verdict;
}

export interface Awaited {
  readonly after: string;
  /** One of these steps is due. */
  readonly steps: readonly string[];
  readonly due: string;
}

export interface FlowRun {
  readonly flow: string;
  readonly version: string;
  /** The message that started this run of the flow. */
  readonly startedBy: string;
  readonly status: 'running' | 'finished' | 'interrupted';
  readonly awaiting: readonly Awaited[];
}

export interface ConformanceReport {
  readonly conforms: boolean;
  readonly runs: readonly FlowRun[];
  /** Every observed message in time order, with the flow step it stood for. */
  readonly path: readonly PathEntry[];
  readonly departures: readonly Departure[];
  /** When the verdict may change without a new message (a budget or a grace period runs out). */
  readonly nextCheckAt: string | null;
}

export interface ConformanceInput {
  /** The flows the messages should follow; a message that starts none of them is unexpected. */
  readonly flows: readonly FlowDeclaration[];
  readonly observed: readonly ObservedMessage[];
  readonly now: Date;
  /** How long a message whose cause has not been observed waits for it before it is judged. */
  readonly causeGraceMs: number;
}
