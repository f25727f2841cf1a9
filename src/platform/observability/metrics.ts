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

  readonly workerBacklog = new Gauge({
    name: 'worker_backlog',
    help: 'Work a background worker accepted and has not finished, per service and worker.',
    labelNames: ['service', 'worker'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
