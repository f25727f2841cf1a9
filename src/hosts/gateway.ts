import { createLogger } from '../platform/kernel/logger.js';
import { loadSettings } from '../platform/kernel/settings.js';
import { startTracing } from '../platform/observability/tracing.js';
import { buildGateway } from './distributed/gateway-app.js';
import { announceReady } from './distributed/processes.js';
import { stopOnSignals } from './shutdown.js';
import { domainServices } from './domain-services.js';
import { gatewaySettings } from './settings.js';
import { boundHeapGrowth } from './heap-growth.js';

/**
 * The HTTP API in front of the distributed runtime: routes `/<service>/...` to that service's
 * replicas, listed in GATEWAY_UPSTREAMS (`orders=http://host:4001,orders=http://host:4002,...`).
 */
const settings = loadSettings();
boundHeapGrowth(settings);
const gateway = gatewaySettings.read();
const tracing = startTracing({ processName: 'gateway', services: [] });
const logger = createLogger({ level: settings.logLevel, name: 'gateway' });
const missing = domainServices.filter((module) => !gateway.upstreams[module.schema]?.length);
if (missing.length > 0) {
  logger.fatal(
    { missing: missing.map((module) => module.schema) },
    'GATEWAY_UPSTREAMS must list at least one replica of every service',
  );
  process.exit(2);
}
const app = await buildGateway({
  routes: domainServices.map((module) => ({
    name: module.schema,
    serviceId: module.id,
    upstreams: gateway.upstreams[module.schema] ?? [],
  })),
  healthCheckMs: gateway.healthCheckMs,
  bodyLimitBytes: settings.bodyLimitBytes,
  logger,
});
const address = await app.listen({ port: settings.port, host: settings.host });
logger.info({ address, upstreams: gateway.upstreams }, 'gateway is running');
announceReady(address);

stopOnSignals(logger, settings.shutdownTimeoutMs, async () => {
  await app.close();
  await tracing.shutdown();
});
