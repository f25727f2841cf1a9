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

  readonly outboxBacklog = new Gauge({
    name: 'outbox_backlog',
    help: 'Outbox messages committed and not yet published, per service.',
    labelNames: ['service'] as const,
    registers: [this.registry],
  });

  readonly consumerWaiting = new Gauge({
    name: 'consumer_waiting_messages',
    help: 'Messages stored for a durable consumer and not delivered yet: its lag.',
    labelNames: ['consumer'] as const,
    registers: [this.registry],
  });

  readonly consumerInFlight = new Gauge({
    name: 'consumer_in_flight_messages',
    help: 'Messages delivered to a durable consumer (any replica) and not settled yet.',
    labelNames: ['consumer'] as const,
    registers: [this.registry],
  });

  readonly consumerRedelivered = new Gauge({
    name: 'consumer_redelivered_messages',
    help: 'Unsettled messages of a durable consumer that were delivered more than once.',
    labelNames: ['consumer'] as const,
    registers: [this.registry],
  });

  readonly deadLetters = new Gauge({
    name: 'dead_letters_open',
    help: 'Dead letters not replayed yet, per service and consumer.',
    labelNames: ['service', 'consumer'] as const,
    registers: [this.registry],
  });

  readonly workerBacklog = new Gauge({
    name: 'worker_backlog',
    help: 'Work a background worker accepted and has not finished, per service and worker.',
    labelNames: ['service', 'worker'] as const,
    registers: [this.registry],
  });

  constructor() {
    // Sampling the event loop every 10 ms (the default) wakes an idle process 100 times a second.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
  }
}
