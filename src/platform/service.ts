import type { ServiceId } from '../../contracts/index.js';
import type { Database, Migration } from './db/database.js';
import type { HttpApp } from './http/app.js';
import type { Clock } from './kernel/clock.js';
import type { IdGenerator } from './kernel/ids.js';
import type { Logger } from './kernel/logger.js';
import type { Settings } from './kernel/settings.js';
import type { MessageHandler, MessageObserver } from './messaging/consumer.js';
import type { Outbox } from './messaging/outbox.js';
import type { Metrics } from './observability/metrics.js';

/** What a service gets from the host it runs in: it never learns which runtime that is. */
export interface ServiceContext {
  readonly service: ServiceId;
  readonly schema: string;
  readonly db: Database;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly settings: Settings;
}

/** A background loop owned by a service, such as a notification dispatcher. */
export interface Worker {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
  /** Work accepted and not finished yet: zero when the worker has nothing left to do. */
  backlog(): Promise<number>;
}

export interface ServiceParts {
  readonly migrations: readonly Migration[];
  readonly handlers: readonly MessageHandler[];
  readonly observers?: readonly MessageObserver[];
  readonly routes: (app: HttpApp) => Promise<void>;
  readonly workers?: readonly Worker[];
}

export interface ServiceModule {
  readonly id: ServiceId;
  /** The PostgreSQL schema holding every table the service owns. */
  readonly schema: string;
  create(context: ServiceContext): ServiceParts;
}

export const defineService = (module: ServiceModule): ServiceModule => module;
