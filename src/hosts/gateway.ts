import { buildGateway } from './distributed/gateway-app.js';
import { announceReady } from './distributed/processes.js';
import { stopOnSignals } from './shutdown.js';
import { domainServices } from './domain-services.js';
import { gatewaySettings } from './settings.js';
import { startHostProcess } from './host-process.js';

/**
 * The HTTP API in front of the distributed runtime: routes `/<service>/...` to that service's
 * replicas, listed in GATEWAY_UPSTREAMS (`orders=http://host:4001,orders=http://host:4002,...`).
 */
const { settings, tracing, logger } = startHostProcess({ name: 'gateway', services: [] });
const gateway = gatewaySettings.read();
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
