import type { FlowDeclaration, FlowEdge, FlowStep, MessageStep } from '../../contracts/flows.js';

/** Messages of which at least one must follow a step; `silent` when a branch needs no message at all. */
export interface Expectation {
  /** Stable within the flow: the step it follows and the steps that satisfy it. */
  readonly key: string;
  readonly steps: readonly MessageStep[];
  readonly silent: boolean;
}

/** The steps a message jumped over to reach where it landed, and where it landed. */
export interface Detour {
  readonly target: MessageStep;
  readonly skipped: readonly MessageStep[];
}

const isMessage = (step: FlowStep): step is MessageStep => step.kind === 'message';
const edgesOf = (step: FlowStep): readonly FlowEdge[] => [...(step.then ?? []), ...(step.thenOneOf ?? [])];

/**
 * A flow declaration read as a graph. Only message steps can be observed; actors, services,
 * external systems and milestones are passed through as if they were not there.
 */
export class FlowGraph {
  readonly flow: FlowDeclaration;
  /** Every message id the flow names. */
  readonly vocabulary: ReadonlySet<string>;
  readonly #steps: ReadonlyMap<string, FlowStep>;

  constructor(flow: FlowDeclaration) {
    this.flow = flow;
    this.#steps = new Map(flow.steps.map((step) => [step.id, step]));
    this.vocabulary = new Set(flow.steps.filter(isMessage).map((step) => step.message.id));
    for (const step of flow.steps) {
      for (const edge of edgesOf(step)) {
        if (!this.#steps.has(edge.step))
          throw new Error(`Flow ${flow.id}: step ${step.id} leads to unknown step ${edge.step}`);
      }
    }
  }

  step(id: string): FlowStep {
    const step = this.#steps.get(id);
    if (!step) throw new Error(`Flow ${this.flow.id} has no step ${id}`);
    return step;
  }

  budgetOf(step: MessageStep): number {
    return step.withinMs ?? this.flow.budgetMs;
  }

  /** The message step a message of this type starts the flow at, if it can. */
  entryFor(messageId: string): MessageStep | undefined {
    const [first] = this.flow.steps;
    const entries = isMessage(first) ? [first] : this.#observableFrom(edgesOf(first));
    return entries.find((step) => step.message.id === messageId);
  }

  /** The step a message of this type stands for when it directly follows `stepId`. */
  nextMatching(stepId: string, messageId: string): MessageStep | undefined {
    return this.#observableFrom(edgesOf(this.step(stepId))).find((step) => step.message.id === messageId);
  }

  /** The shortest way from `stepId` to a step of this message type through other messages. */
  detourTo(stepId: string, messageId: string): Detour | undefined {
    const cameFrom = new Map<string, string>();
    const queue = [stepId];
    for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
      for (const edge of edgesOf(this.step(at))) {
        if (cameFrom.has(edge.step) || edge.step === stepId) continue;
        cameFrom.set(edge.step, at);
        const next = this.step(edge.step);
        if (isMessage(next) && next.message.id === messageId) {
          return { target: next, skipped: this.#messagesBetween(stepId, next.id, cameFrom) };
        }
        queue.push(edge.step);
      }
    }
    return undefined;
  }

  /** What must follow `stepId` once it has happened. */
  expectationsAfter(stepId: string): Expectation[] {
    return this.#expectations(this.step(stepId), new Set([stepId]));
  }

  /**
   * Steps on the other branches of every `thenOneOf` between `stepId` and `target`: if one of them
   * already happened, `target` contradicts the flow.
   */
  rivalsOf(stepId: string, target: MessageStep): MessageStep[] {
    const rivals: MessageStep[] = [];
    const visited = new Set<string>();
    const walk = (step: FlowStep) => {
      const branches = (step.thenOneOf ?? []).map((edge) => this.#observableFrom([edge]));
      const own = branches.find((branch) => branch.includes(target));
      if (own) rivals.push(...branches.filter((branch) => branch !== own).flat());
      for (const edge of edgesOf(step)) {
        const next = this.step(edge.step);
        if (isMessage(next) || visited.has(next.id)) continue;
        visited.add(next.id);
        walk(next);
      }
    };
    walk(this.step(stepId));
    return rivals.filter((rival) => rival !== target);
  }

  #expectations(step: FlowStep, visited: Set<string>): Expectation[] {
    const required = (step.then ?? []).filter((edge) => !edge.optional);
    const expectations = required.flatMap((edge) => {
      const next = this.step(edge.step);
      if (isMessage(next)) return [this.#expectation(step, [next], false)];
      if (visited.has(next.id)) return [];
      return this.#expectations(next, new Set([...visited, next.id]));
    });
    const branches = step.thenOneOf ?? [];
    if (branches.length > 0) {
      const silent = branches.some((edge) => {
        const next = this.step(edge.step);
        return edge.optional === true || (!isMessage(next) && this.#expectations(next, visited).length === 0);
      });
      expectations.push(this.#expectation(step, this.#observableFrom(branches), silent));
    }
    return expectations;
  }

  #expectation(after: FlowStep, steps: MessageStep[], silent: boolean): Expectation {
    return { key: `${after.id}->${steps.map((step) => step.id).join('|')}`, steps, silent };
  }

  /** Message steps reachable through `edges` without passing another message step. */
  #observableFrom(edges: readonly FlowEdge[]): MessageStep[] {
    const found: MessageStep[] = [];
    const visited = new Set<string>();
    const walk = (pending: readonly FlowEdge[]) => {
      for (const edge of pending) {
        if (visited.has(edge.step)) continue;
        visited.add(edge.step);
        const next = this.step(edge.step);
        if (isMessage(next)) found.push(next);
        else walk(edgesOf(next));
      }
    };
    walk(edges);
    return found;
  }

  #messagesBetween(from: string, to: string, cameFrom: ReadonlyMap<string, string>): MessageStep[] {
    const between: MessageStep[] = [];
    for (let at = cameFrom.get(to); at !== undefined && at !== from; at = cameFrom.get(at)) {
      const step = this.step(at);
      if (isMessage(step)) between.unshift(step);
    }
    return between;
  }
}
