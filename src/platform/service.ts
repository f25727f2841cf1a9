import type { ServiceId } from '../../contracts/index.js';
import type { Database, Migration } from './db/database.js';
import type { HttpApp } from './http/app.js';
import type { Clock } from './kernel/clock.js';
import type { IdGenerator } from './kernel/ids.js';
import type { Logger } from './kernel/logger.js';
import type { DeclaredSettings } from './kernel/settings-schema.js';
import type { MessageHandler, MessageObserver } from './messaging/handler.js';
import type { Outbox } from './messaging/outbox.js';
import type { Metrics } from './observability/metrics.js';

/** What a service gets from the host it runs in: it never learns which runtime that is. */
export interface ServiceContext<Own = unknown> {
  readonly service: ServiceId;
  readonly schema: string;
  readonly db: Database;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The service's own settings, as it declares them. */
  readonly settings: Own;
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

export interface ServiceModule<Own = unknown> {
  readonly id: ServiceId;
  /** The PostgreSQL schema holding every table the service owns. */
  readonly schema: string;
  /** The settings the service reads from the environment; the host reads them before it starts anything. */
  readonly settings?: DeclaredSettings<Own>;
  create(context: ServiceContext<Own>): ServiceParts;
}

export const defineService = <Own = undefined>(module: ServiceModule<Own>): ServiceModule<Own> => module;
