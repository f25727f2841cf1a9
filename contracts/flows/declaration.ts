import type { ContractOrigin } from '../define.js';

/** A message a step stands for: its registry id and the version the flow documents. */
export interface MessageRef {
  readonly id: string;
  readonly version: string;
}

/** Where a step leads. An `optional` next step may not come at all. */
export interface FlowEdge {
  readonly step: string;
  readonly label?: string;
  readonly optional?: boolean;
}

interface StepBase {
  readonly id: string;
  readonly title: string;
  readonly summary?: string;
  /** Steps that all follow this one, in any order. */
  readonly then?: readonly FlowEdge[];
  /** Steps of which exactly one follows this one. */
  readonly thenOneOf?: readonly FlowEdge[];
}

/** The only kind of step a running system can observe: a message on the bus. */
export interface MessageStep extends StepBase {
  readonly kind: 'message';
  readonly message: MessageRef;
  /** How long the message may take after the step it follows; the flow's `budgetMs` when absent. */
  readonly withinMs?: number;
  /** The message may come several times after the same step (once per line, per warehouse, ...). */
  readonly repeats?: boolean;
}

export interface ActorStep extends StepBase {
  readonly kind: 'actor';
  readonly actor: string;
}

export interface ServiceStep extends StepBase {
  readonly kind: 'service';
  readonly service: { readonly id: string; readonly version: string };
}

export interface ExternalSystemStep extends StepBase {
  readonly kind: 'external';
  readonly system: { readonly name: string; readonly summary?: string; readonly url?: string };
}

/** A point in the flow that no message marks, such as "payment failed" in the catalog's PaymentFlow. */
export interface MilestoneStep extends StepBase {
  readonly kind: 'milestone';
}

export type FlowStep = MessageStep | ActorStep | ServiceStep | ExternalSystemStep | MilestoneStep;

/**
 * A documented business flow as data. The catalog export draws it, and services check what really
 * happens against it: the messages one cause sets off (linked by their causation ids) must walk
 * the steps in order, each within its time budget.
 */
export interface FlowDeclaration {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly summary: string;
  readonly owners: readonly string[];
  readonly origin: ContractOrigin;
  /** How long each message step may take after the step it follows, unless the step says otherwise. */
  readonly budgetMs: number;
  /**
   * True when the steps name every message the flow sets off, so that any other is a departure;
   * false for a business view that leaves messages out (the catalog's flows are such views).
   */
  readonly exhaustive: boolean;
  /** Messages after which the steps still awaited are no longer expected (an order cancelled midway). */
  readonly interruptedBy?: readonly string[];
  /** The flow starts at the first step. */
  readonly steps: readonly [FlowStep, ...FlowStep[]];
}

/** What the flows of one source declare alike: who owns them, where they come from, how they are checked. */
export type FlowSource = Pick<FlowDeclaration, 'owners' | 'origin' | 'budgetMs' | 'exhaustive'>;

/** What a flow declares of its own. */
export type OwnFlowDeclaration = Omit<FlowDeclaration, keyof FlowSource>;

/** Declares the flows of one source: `const catalogFlow = flowsOf({ ... })`. */
export const flowsOf =
  ({ owners, origin, budgetMs, exhaustive }: FlowSource) =>
  ({ interruptedBy, steps, ...identity }: OwnFlowDeclaration): FlowDeclaration => ({
    ...identity,
    owners,
    origin,
    budgetMs,
    exhaustive,
    ...(interruptedBy === undefined ? {} : { interruptedBy }),
    steps,
  });
