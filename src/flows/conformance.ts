import type { FlowDeclaration, MessageStep } from '../../contracts/flows.js';
import type {
  ObservedMessage,
  Departure,
  Verdict,
  PathEntry,
  Awaited,
  FlowRun,
  ConformanceReport,
  ConformanceInput,
} from './conformance-report.js';
import { FlowGraph } from './flow-graph.js';

export type {
  ObservedMessage,
  Departure,
  ConformanceReport,
  ConformanceInput,
} from './conformance-report.js';

const graphs = new WeakMap<FlowDeclaration, FlowGraph>();

function graphOf(flow: FlowDeclaration): FlowGraph {
  let graph = graphs.get(flow);
  if (!graph) {
    graph = new FlowGraph(flow);
    graphs.set(flow, graph);
  }
  return graph;
}

const timeOf = (message: ObservedMessage) => Date.parse(message.time);
/** When a message could first be handled: queueing under load is not the fault of what it causes. */
const readyOf = (message: ObservedMessage) =>
  message.firstHandledAt ? Math.max(timeOf(message), Date.parse(message.firstHandledAt)) : timeOf(message);
const iso = (ms: number) => new Date(ms).toISOString();

/** Causes before their effects: the order a timeline reads in. */
class CausalHistory {
  readonly ordered: readonly ObservedMessage[];
  readonly roots: readonly ObservedMessage[];
  readonly #children = new Map<string, ObservedMessage[]>();
  readonly #byId: ReadonlyMap<string, ObservedMessage>;

  constructor(observed: readonly ObservedMessage[]) {
    this.ordered = observed
      .map((message, index) => ({ message, index }))
      .sort((a, b) => timeOf(a.message) - timeOf(b.message) || a.index - b.index)
      .map(({ message }) => message);
    this.#byId = new Map(this.ordered.map((message) => [message.id, message]));
    const roots: ObservedMessage[] = [];
    for (const message of this.ordered) {
      const cause = this.causeOf(message);
      if (cause) this.#children.set(cause.id, [...(this.#children.get(cause.id) ?? []), message]);
      else roots.push(message);
    }
    this.roots = roots;
  }

  causeOf(message: ObservedMessage): ObservedMessage | undefined {
    if (message.causationId === null || message.causationId === message.id) return undefined;
    return this.#byId.get(message.causationId);
  }

  /** `root` and everything it caused, causes first. */
  treeOf(root: ObservedMessage): ObservedMessage[] {
    const tree = [root];
    for (let index = 0; index < tree.length; index += 1) {
      tree.push(...(this.#children.get((tree[index] as ObservedMessage).id) ?? []));
    }
    return tree;
  }
}

interface Occurrence {
  readonly message: ObservedMessage;
  /** The message of the step this one followed. */
  readonly anchor: ObservedMessage | undefined;
}

/** Walks the messages one root set off through one flow. */
class FlowWalk {
  readonly departures: Departure[] = [];
  readonly path = new Map<string, PathEntry>();
  readonly #graph: FlowGraph;
  readonly #history: CausalHistory;
  readonly #root: ObservedMessage;
  readonly #occurrences = new Map<string, Occurrence[]>();
  readonly #stepOf = new Map<string, MessageStep>();

  constructor(graph: FlowGraph, history: CausalHistory, root: ObservedMessage, entry: MessageStep) {
    this.#graph = graph;
    this.#history = history;
    this.#root = root;
    this.#land(root, entry, undefined);
  }

  get #flowId(): string {
    return this.#graph.flow.id;
  }

  walk(): void {
    for (const message of this.#history.treeOf(this.#root).slice(1)) this.#place(message);
  }

  /** What is still awaited, what is overdue, and whether a cancellation made the rest moot. */
  conclude(now: Date): FlowRun {
    const interruption = this.#interruption();
    const awaiting: Awaited[] = [];
    let interrupted = false;
    for (const [stepId, occurrences] of this.#occurrences) {
      const last = Math.max(...occurrences.map(({ message }) => readyOf(message)));
      for (const expectation of this.#graph.expectationsAfter(stepId)) {
        if (expectation.silent || expectation.steps.some((step) => this.#occurrences.has(step.id))) continue;
        const due = last + Math.max(...expectation.steps.map((step) => this.#graph.budgetOf(step)));
        if (interruption !== undefined && interruption <= due) {
          interrupted = true;
        } else if (now.getTime() > due) {
          this.#depart({
            key: `overdue:${this.#root.id}:${expectation.key}`,
            kind: 'overdue',
            messageId: null,
            steps: expectation.steps.map((step) => step.id),
            detail: `${this.#names(expectation.steps)} did not come within its budget after ${this.#names([this.#graph.step(stepId) as MessageStep])} (due ${iso(due)})`,
          });
        } else {
          awaiting.push({ after: stepId, steps: expectation.steps.map((step) => step.id), due: iso(due) });
        }
      }
    }
    return {
      flow: this.#flowId,
      version: this.#graph.flow.version,
      startedBy: this.#root.id,
      status: awaiting.length > 0 ? 'running' : interrupted ? 'interrupted' : 'finished',
      awaiting,
    };
  }

  #place(message: ObservedMessage): void {
    const anchor = this.#anchorOf(message);
    const anchorStep = this.#stepOf.get(anchor.id) as MessageStep;
    if (!this.#graph.vocabulary.has(message.type)) {
      if (!this.#graph.flow.exhaustive) {
        this.#record(message, null, 'tolerated');
        return;
      }
      this.#unexpected(message, [], `${message.type} is not a step of ${this.#flowId}`);
      this.#record(message, null, 'departs');
      return;
    }
    const next = this.#graph.nextMatching(anchorStep.id, message.type);
    if (next) {
      const rival = this.#graph
        .rivalsOf(anchorStep.id, next)
        .find((step) => this.#occurrencesOf(step).some((occurrence) => occurrence.anchor === anchor));
      if (rival) {
        this.#unexpected(
          message,
          [next.id],
          `${message.type} came after ${anchorStep.message.id}, where ${rival.message.id} had already taken the other branch`,
        );
      } else if (
        !next.repeats &&
        this.#occurrencesOf(next).some((occurrence) => occurrence.anchor === anchor)
      ) {
        this.#unexpected(
          message,
          [next.id],
          `${message.type} came more than once after ${anchorStep.message.id}`,
        );
      }
      this.#land(message, next, anchor);
      return;
    }
    const detour = this.#graph.detourTo(anchorStep.id, message.type);
    if (detour) {
      this.#depart({
        key: `skipped:${message.id}`,
        kind: 'skipped',
        messageId: message.id,
        steps: detour.skipped.map((step) => step.id),
        detail: `${message.type} came after ${anchorStep.message.id} without ${this.#names(detour.skipped, ', ')} before it`,
      });
      this.#land(message, detour.target, anchor);
      return;
    }
    this.#unexpected(
      message,
      [],
      `${message.type} does not follow ${anchorStep.message.id} in ${this.#flowId}`,
    );
    this.#record(message, null, 'departs');
  }

  /** Records that `message` stood for `step`, and whether it came in time and at its version. */
  #land(message: ObservedMessage, step: MessageStep, anchor: ObservedMessage | undefined): void {
    this.#stepOf.set(message.id, step);
    this.#occurrences.set(step.id, [...this.#occurrencesOf(step), { message, anchor }]);
    if (message.version !== step.message.version) {
      this.#depart({
        key: `version:${message.id}`,
        kind: 'version_mismatch',
        messageId: message.id,
        steps: [step.id],
        detail: `${message.type} came at version ${message.version}; ${this.#flowId} documents ${step.message.version}`,
      });
    }
    if (anchor) {
      const anchorStep = this.#stepOf.get(anchor.id) as MessageStep;
      const due = readyOf(anchor) + this.#graph.budgetOf(step);
      if (timeOf(message) > due) {
        const expectation = this.#graph
          .expectationsAfter(anchorStep.id)
          .find((candidate) => candidate.steps.includes(step));
        this.#depart({
          key: `overdue:${this.#root.id}:${expectation?.key ?? `${anchorStep.id}->${step.id}`}`,
          kind: 'overdue',
          messageId: message.id,
          steps: [step.id],
          detail: `${message.type} came ${timeOf(message) - due} ms after its budget following ${anchorStep.message.id}`,
        });
      }
    }
    const departed = this.departures.some((departure) => departure.messageId === message.id);
    this.#record(message, step.id, departed ? 'departs' : 'conforms');
  }

  /** The nearest cause that stood for a step of this flow; the root at the latest. */
  #anchorOf(message: ObservedMessage): ObservedMessage {
    for (let cause = this.#history.causeOf(message); cause; cause = this.#history.causeOf(cause)) {
      if (this.#stepOf.has(cause.id)) return cause;
    }
    return this.#root;
  }

  /** The first interrupting message from outside this run; one the run itself caused is one of its steps. */
  #interruption(): number | undefined {
    const interruptedBy = new Set(this.#graph.flow.interruptedBy ?? []);
    const times = this.#history.ordered
      .filter(
        (message) =>
          interruptedBy.has(message.type) &&
          !this.path.has(message.id) &&
          timeOf(message) >= timeOf(this.#root),
      )
      .map(timeOf);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  #occurrencesOf(step: MessageStep): readonly Occurrence[] {
    return this.#occurrences.get(step.id) ?? [];
  }

  /** The message is not where the flow allows it; `steps` are those it would have taken. */
  #unexpected(message: ObservedMessage, steps: readonly string[], detail: string): void {
    this.#depart({
      key: `unexpected:${message.id}`,
      kind: 'unexpected',
      messageId: message.id,
      steps,
      detail,
    });
  }

  #depart(departure: Omit<Departure, 'flow'>): void {
    if (this.departures.some((known) => known.key === departure.key)) return;
    this.departures.push({ ...departure, flow: this.#flowId });
  }

  #record(message: ObservedMessage, step: string | null, verdict: Verdict): void {
    this.path.set(message.id, { ...entryOf(message), flow: this.#flowId, step, verdict });
  }

  #names(steps: readonly MessageStep[], separator = ' or '): string {
    return steps.map((step) => step.message.id).join(separator);
  }
}

const entryOf = (message: ObservedMessage) => ({
  messageId: message.id,
  type: message.type,
  version: message.version,
  time: message.time,
});

/**
 * Matches what happened against the documented flows. The messages one cause sets off, linked by
 * their causation ids, are one run of the flow their first message starts; inside a run each
 * message must stand for a step that follows the step its nearest cause stood for, within that
 * step's time budget. Pure: the same history, flows and `now` always give the same report.
 */
export function checkConformance(input: ConformanceInput): ConformanceReport {
  const history = new CausalHistory(input.observed);
  const runs: FlowRun[] = [];
  const departures: Departure[] = [];
  const path = new Map<string, PathEntry>();
  const deadlines: number[] = [];

  for (const root of history.roots) {
    const started = input.flows
      .map((flow) => ({ graph: graphOf(flow), entry: graphOf(flow).entryFor(root.type) }))
      .find((candidate) => candidate.entry !== undefined);
    if (started?.entry) {
      const walk = new FlowWalk(started.graph, history, root, started.entry);
      walk.walk();
      const run = walk.conclude(input.now);
      runs.push(run);
      departures.push(...walk.departures);
      for (const [id, entry] of walk.path) path.set(id, entry);
      deadlines.push(...run.awaiting.map((awaited) => Date.parse(awaited.due)));
      continue;
    }
    const graceEnds = timeOf(root) + input.causeGraceMs;
    const tree = history.treeOf(root);
    if (root.causationId !== null && input.now.getTime() <= graceEnds) {
      deadlines.push(graceEnds);
      for (const message of tree)
        path.set(message.id, { ...entryOf(message), flow: null, step: null, verdict: 'awaiting_cause' });
      continue;
    }
    for (const message of tree) {
      departures.push({
        key: `unexpected:${message.id}`,
        kind: 'unexpected',
        flow: null,
        messageId: message.id,
        steps: [],
        detail:
          message !== root
            ? `${message.type} was caused by ${root.type}, which no documented flow accounts for`
            : root.causationId === null
              ? `No documented flow starts with ${root.type}`
              : `${root.type} names a cause that was never observed, and no documented flow starts with it`,
      });
      path.set(message.id, { ...entryOf(message), flow: null, step: null, verdict: 'departs' });
    }
  }

  const nextCheckAt = deadlines.length > 0 ? iso(Math.min(...deadlines)) : null;
  return {
    conforms: departures.length === 0,
    runs,
    path: history.ordered.flatMap((message) => {
      const entry = path.get(message.id);
      return entry ? [entry] : [];
    }),
    departures,
    nextCheckAt,
  };
}
