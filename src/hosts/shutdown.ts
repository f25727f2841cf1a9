import type { Logger } from '../platform/kernel/logger.js';

/**
 * Runs `stop` once on the first SIGINT or SIGTERM and exits 0 when it is done; exits 1 if it
 * takes longer than `timeoutMs` or fails. A process started with an IPC channel (by the cluster or
 * a test) also stops when that channel closes: its parent is gone, however it died.
 */
export function stopOnSignals(logger: Logger, timeoutMs: number, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'did not stop in time, exiting anyway');
      process.exit(1);
    }, timeoutMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'failed to stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (process.send)
    process.once('disconnect', () => {
      onSignal('SIGTERM');
    });
}
