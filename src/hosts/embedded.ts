import { asyncApiDocument } from '../catalog/asyncapi.js';
import { openPglite } from '../platform/db/pglite.js';
import { openPostgres } from '../platform/db/postgres.js';
import { ServiceHost } from '../platform/host.js';
import { LocalBus } from '../platform/messaging/local-bus.js';
import { consoleRoutes } from './console/plugin.js';
import { domainServices } from './domain-services.js';
import { stopOnSignals } from './shutdown.js';
import { startHostProcess } from './host-process.js';

/**
 * The default runtime: every service in this one process, sharing one database (PGlite under
 * DATA_DIR, or PostgreSQL when DATABASE_URL is set) and the durable in-process bus.
 */
const { settings, tracing, logger } = startHostProcess({
  name: 'orders-domain',
  services: domainServices.map((module) => module.id),
});
const db = settings.databaseUrl
  ? await openPostgres({
      url: settings.databaseUrl,
      poolSize: settings.databasePoolSize,
      applicationName: 'orders-domain',
    })
  : await openPglite({ dataDir: settings.dataDir });
const bus = await LocalBus.open(db);
const host = await ServiceHost.start({
  modules: domainServices,
  databaseFor: () => db,
  bus,
  settings,
  logger,
  documents: { '/asyncapi.json': asyncApiDocument() },
  plugins: [consoleRoutes],
});
const address = await host.app.listen({ port: settings.port, host: settings.host });
logger.info(
  {
    address,
    storage: settings.databaseUrl ? 'postgres' : `pglite:${settings.dataDir}`,
    docs: `${address}/docs`,
    console: `${address}/console/`,
  },
  'Orders domain is running',
);

stopOnSignals(logger, settings.shutdownTimeoutMs, async () => {
  await host.stop();
  await bus.close();
  await db.close();
  await tracing.shutdown();
});
