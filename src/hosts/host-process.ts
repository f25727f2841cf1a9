import { createLogger, type Logger } from '../platform/kernel/logger.js';
import { loadSettings, type Settings } from '../platform/kernel/settings.js';
import { startTracing, type Tracing } from '../platform/observability/tracing.js';
import { boundHeapGrowth } from './heap-growth.js';

/** What a long-running host starts from. */
export interface HostProcess {
  readonly settings: Settings;
  readonly tracing: Tracing;
  readonly logger: Logger;
}

/**
 * The first steps of every long-running host: its settings read, its heap's growth bounded before
 * the load comes, tracing started for the services it runs, and its logger.
 */
export function startHostProcess(options: {
  /** Names the process in its logs, and its spans that belong to none of `services`. */
  readonly name: string;
  /** The services the process runs, each traced under a resource of its own. */
  readonly services: readonly string[];
  /** The process's own spans, when they are named otherwise than its logs. */
  readonly tracedAs?: string;
}): HostProcess {
  const settings = loadSettings();
  boundHeapGrowth(settings);
  const tracing = startTracing({ processName: options.tracedAs ?? options.name, services: options.services });
  const logger = createLogger({ level: settings.logLevel, name: options.name });
  return { settings, tracing, logger };
}
