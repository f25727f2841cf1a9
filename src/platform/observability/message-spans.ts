import { SpanKind, context as contextApi, trace, type Context } from '@opentelemetry/api';
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
} from '@opentelemetry/semantic-conventions/incubating';
import { findContract, type Envelope } from '../../../contracts/index.js';
import { childTraceparent, traceIdOf } from '../messaging/trace.js';
import { aggregateAttributes, contextOf, inSpan, startSpan, traceparentOf, tracingActive } from './spans.js';

/** A message as the messaging spans describe it (semantic conventions for messaging). */
export interface TracedMessage {
  /** The bus, e.g. `nats`; absent when the emitter does not know it. */
  readonly system: string | undefined;
  readonly channel: string;
  readonly id: string;
  readonly payload: unknown;
}

/**
 * The `traceparent` of a message emitted now: the context of a `send` span, child of the span at
 * work (a request, a handler run) or else of the trace the unit of work continues. With tracing
 * off, a new span id in the origin's trace, as before.
 */
export function traceparentOfEmitted(message: TracedMessage, originTraceparent?: string): string {
  if (!tracingActive()) return childTraceparent(originTraceparent);
  const aggregate = aggregateAttributes(message.payload);
  const parent = workingContext(originTraceparent);
  trace.getSpan(parent)?.setAttributes(aggregate);
  const { span, context } = startSpan(`send ${message.channel}`, {
    kind: SpanKind.PRODUCER,
    parent,
    attributes: { ...messagingAttributes(message, 'send'), ...aggregate },
  });
  span.end();
  return traceparentOf(context) ?? childTraceparent(originTraceparent);
}

/**
 * The `traceparent` of a message issued now for work that continues `originTraceparent` (a request
 * turned into a command): the span at work, or else a new span in the origin's trace.
 */
export function traceparentOfIssued(originTraceparent: string | undefined): string {
  return (
    (tracingActive() ? traceparentOf(workingContext(originTraceparent)) : undefined) ??
    childTraceparent(originTraceparent)
  );
}

/**
 * The context that work continuing `originTraceparent` happens in: the span at work, when it is in
 * that trace, else the origin. A batch handler runs in the span of its batch's first message; the
 * other messages' work stays in their own traces.
 */
function workingContext(originTraceparent: string | undefined): Context {
  const active = contextApi.active();
  if (originTraceparent === undefined) return active;
  const working = trace.getSpan(active)?.spanContext().traceId;
  return working === traceIdOf(originTraceparent) ? active : contextOf({ traceparent: originTraceparent });
}

/**
 * Runs one handler (or observer) run on a message in a `process` span of the consuming service,
 * continuing the trace of the envelope's `traceparent` (CloudEvents distributed tracing).
 */
export function inProcessSpan<T>(
  run: {
    readonly service: string;
    readonly consumer: string;
    readonly bus: { readonly system: string };
    readonly envelope: Envelope;
    readonly payload: unknown;
  },
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingActive()) return work();
  const { envelope, payload } = run;
  const channel = findContract(envelope.type)?.channel ?? envelope.type;
  return inSpan(
    `process ${channel}`,
    {
      kind: SpanKind.CONSUMER,
      service: run.service,
      parent: parentOf(envelope.traceparent),
      attributes: {
        ...messagingAttributes({ system: run.bus.system, channel, id: envelope.id, payload }, 'process'),
        [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: run.consumer,
        ...aggregateAttributes(payload),
      },
    },
    work,
  );
}

/**
 * Runs work that a message caused but that happens later, outside its handler (a payment
 * operation, a notification's delivery), in a span continuing the trace recorded with it.
 */
export function inDeferredSpan<T>(
  name: string,
  options: { service: string; traceparent: string | null | undefined; attributes: Record<string, string> },
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingActive()) return work();
  return inSpan(
    name,
    {
      kind: SpanKind.INTERNAL,
      service: options.service,
      parent: parentOf(options.traceparent ?? undefined),
      attributes: options.attributes,
    },
    work,
  );
}

/** The `traceparent` to record with work deferred from the span at work now. */
export function currentTraceparent(fallback: string | undefined): string | undefined {
  if (!tracingActive()) return fallback;
  return traceparentOf(workingContext(fallback)) ?? fallback;
}

const parentOf = (traceparent: string | undefined): Context =>
  traceparent ? contextOf({ traceparent }) : contextApi.active();

function messagingAttributes(message: TracedMessage, operation: 'send' | 'process') {
  return {
    ...(message.system ? { [ATTR_MESSAGING_SYSTEM]: message.system } : {}),
    [ATTR_MESSAGING_DESTINATION_NAME]: message.channel,
    [ATTR_MESSAGING_MESSAGE_ID]: message.id,
    [ATTR_MESSAGING_OPERATION_TYPE]: operation,
    [ATTR_MESSAGING_OPERATION_NAME]: operation,
  };
}
