import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus registry of one host process and the instruments the platform records. */
export class Metrics {
  readonly registry = new Registry();
  readonly messagesHandled = new Counter({
    name: 'messages_handled_total',
    help: 'Deliveries settled by a consumer, by outcome (handled, duplicate, retried, dead_lettered).',
    labelNames: ['consumer', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly handlerSeconds = new Histogram({
    name: 'message_handler_seconds',
    help: 'Time from delivery to commit of a message handler.',
    labelNames: ['consumer'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly outboxBacklog = this.#gauge(
    'outbox_backlog',
    'Outbox messages committed and not yet published, per service.',
    ['service'],
  );
  readonly consumerWaiting = this.#gauge(
    'consumer_waiting_messages',
    'Messages stored for a durable consumer and not delivered yet: its lag.',
    ['consumer'],
  );
  readonly consumerInFlight = this.#gauge(
    'consumer_in_flight_messages',
    'Messages delivered to a durable consumer (any replica) and not settled yet.',
    ['consumer'],
  );
  readonly consumerRedelivered = this.#gauge(
    'consumer_redelivered_messages',
    'Unsettled messages of a durable consumer that were delivered more than once.',
    ['consumer'],
  );
  readonly deadLetters = this.#gauge(
    'dead_letters_open',
    'Dead letters not replayed yet, per service and consumer.',
    ['service', 'consumer'],
  );
  readonly workerBacklog = this.#gauge(
    'worker_backlog',
    'Work a background worker accepted and has not finished, per service and worker.',
    ['service', 'worker'],
  );

  constructor() {
    // Sampling the event loop every 10 ms (the default) wakes an idle process 100 times a second.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
  }

  #gauge<Label extends string>(name: string, help: string, labelNames: readonly Label[]): Gauge<Label> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}
