import { findContract, type MessageContract } from '../../contracts/index.js';
import type { FlowDeclaration, FlowEdge, FlowStep } from '../../contracts/flows.js';

/** A message as it happened, for an observed sequence diagram. */
export interface ObservedMessageView {
  readonly type: string;
  readonly version: string;
  /** The envelope's `source`, e.g. `/orders-domain/OrdersService`. */
  readonly source: string;
  /** Why the message departs from its flow, when it does. */
  readonly departure?: string;
}

interface Participant {
  readonly id: string;
  readonly kind: 'actor' | 'participant';
}

/** Mermaid takes `;` and `#` as syntax in message text. */
const text = (value: string) => value.replace(/[;#\n\r]/g, ' ').trim();
const participantId = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');

/** Participants in order of appearance, then the lines that use them. */
class SequenceDiagram {
  readonly #participants = new Map<string, Participant>();
  readonly #lines: string[] = [];
  #depth = 1;

  participant(name: string, kind: Participant['kind'] = 'participant'): string {
    const id = participantId(name);
    if (!this.#participants.has(id)) this.#participants.set(id, { id, kind });
    return id;
  }

  line(value: string): void {
    this.#lines.push(`${'  '.repeat(this.#depth)}${value}`);
  }

  send(contract: MessageContract | undefined, from: string, to: readonly string[], label: string): void {
    const arrow = contract?.kind === 'command' ? '->>' : '-->>';
    if (to.length === 0) this.line(`Note over ${from}: ${text(label)}`);
    for (const target of to) this.line(`${from}${arrow}${target}: ${text(label)}`);
  }

  block(open: string, sections: readonly { label: string; render: () => void }[], joiner: string): void {
    sections.forEach((section, index) => {
      this.#depth -= index === 0 ? 0 : 1;
      this.line(`${index === 0 ? open : joiner} ${text(section.label)}`);
      this.#depth += 1;
      section.render();
    });
    this.#depth -= 1;
    this.line('end');
  }

  toString(): string {
    const declarations = [...this.#participants.values()].map(({ id, kind }) => `  ${kind} ${id}`);
    return ['sequenceDiagram', ...declarations, ...this.#lines].join('\n');
  }
}

const consumersOf = (contract: MessageContract | undefined) =>
  contract?.consumers.map((consumer) => consumer.service) ?? [];

/** The service a `/orders-domain/<service>` source names; requests over HTTP come from a client. */
function senderOf(source: string): { name: string; kind: Participant['kind'] } {
  const name = source.split('/').filter(Boolean).at(-1) ?? 'unknown';
  return name === 'http' ? { name: 'Client', kind: 'actor' } : { name, kind: 'participant' };
}

/**
 * A sequence diagram of what actually happened, one arrow per message and consumer; `missing`
 * describes steps that never came, noted at the end.
 */
export function observedSequenceDiagram(
  messages: readonly ObservedMessageView[],
  missing: readonly string[] = [],
): string {
  const diagram = new SequenceDiagram();
  for (const message of messages) {
    const contract = findContract(message.type);
    const sender = senderOf(message.source);
    const from = diagram.participant(sender.name, sender.kind);
    const to = consumersOf(contract).map((service) => diagram.participant(service));
    diagram.send(contract, from, to, `${message.type} ${message.version}`);
    if (message.departure !== undefined) {
      diagram.line(`Note over ${[from, ...to.slice(0, 1)].join(',')}: departs - ${text(message.departure)}`);
    }
  }
  const first = messages[0];
  const anchor = diagram.participant(first ? senderOf(first.source).name : 'Client');
  for (const step of missing) diagram.line(`Note over ${anchor}: missing - ${text(step)}`);
  return diagram.toString();
}

/**
 * A flow as a sequence diagram: producers and consumers come from the registry, choices become
 * `alt`, parallel steps `par`, optional ones `opt`. A step reached a second time (a loop, or two
 * branches meeting) is referred to by a note rather than drawn again. With `mainPathOnly`, only the
 * first choice and no optional step is drawn, one after the other: narrow enough for a page.
 */
export function flowSequenceDiagram(flow: FlowDeclaration, { mainPathOnly = false } = {}): string {
  const diagram = new SequenceDiagram();
  const steps = new Map(flow.steps.map((step) => [step.id, step]));
  const drawn = new Set<string>();

  const stepAt = (id: string): FlowStep => {
    const step = steps.get(id);
    if (!step) throw new Error(`Flow ${flow.id} has no step ${id}`);
    return step;
  };

  const nextParticipant = (step: FlowStep): string[] =>
    (step.then ?? []).flatMap((edge) => {
      const next = stepAt(edge.step);
      return next.kind === 'service' ? [diagram.participant(next.service.id)] : [];
    });

  const draw = (step: FlowStep, speaker: string): void => {
    if (drawn.has(step.id)) {
      diagram.line(`Note over ${speaker}: back to ${text(step.title)}`);
      return;
    }
    drawn.add(step.id);
    let next = speaker;
    switch (step.kind) {
      case 'message': {
        const contract = findContract(step.message.id);
        const producer = contract?.producers[0];
        const from = producer === undefined ? speaker : diagram.participant(producer);
        const consumers = consumersOf(contract).map((service) => diagram.participant(service));
        diagram.send(
          contract,
          from,
          consumers.length > 0 ? consumers : nextParticipant(step),
          `${step.message.id} ${step.message.version}`,
        );
        next = from;
        break;
      }
      case 'actor':
        next = diagram.participant(step.actor, 'actor');
        diagram.line(`Note over ${next}: ${text(step.title)}`);
        break;
      case 'service':
        next = diagram.participant(step.service.id);
        diagram.line(`Note over ${next}: ${text(step.title)}`);
        break;
      case 'external':
        next = diagram.participant(step.system.name);
        diagram.line(`Note over ${next}: ${text(step.title)}`);
        break;
      case 'milestone':
        diagram.line(`Note over ${speaker}: ${text(step.title)}`);
        break;
    }
    drawEdges(step, next);
  };

  const section = (edge: FlowEdge, speaker: string) => ({
    label: edge.label ?? stepAt(edge.step).title,
    render: () => {
      draw(stepAt(edge.step), speaker);
    },
  });

  const drawEdges = (step: FlowStep, speaker: string): void => {
    const required = (step.then ?? []).filter((edge) => !edge.optional);
    if (mainPathOnly) {
      for (const edge of [...required, ...(step.thenOneOf ?? []).slice(0, 1)])
        draw(stepAt(edge.step), speaker);
      return;
    }
    const optional = (step.then ?? []).filter((edge) => edge.optional);
    const first = required[0];
    if (required.length === 1 && first) draw(stepAt(first.step), speaker);
    if (required.length > 1)
      diagram.block(
        'par',
        required.map((edge) => section(edge, speaker)),
        'and',
      );
    for (const edge of optional) diagram.block('opt', [section(edge, speaker)], 'else');
    const choices = step.thenOneOf ?? [];
    if (choices.length > 0)
      diagram.block(
        'alt',
        choices.map((edge) => section(edge, speaker)),
        'else',
      );
  };

  const [first] = flow.steps;
  draw(first, diagram.participant(first.kind === 'actor' ? first.actor : 'Client', 'actor'));
  return diagram.toString();
}
