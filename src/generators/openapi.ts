import { domainServices } from '../hosts/domain-services.js';
import { openPglite } from '../platform/db/pglite.js';
import { ServiceHost } from '../platform/host.js';
import { createLogger } from '../platform/kernel/logger.js';
import { loadSettings } from '../platform/kernel/settings.js';
import { LocalBus } from '../platform/messaging/local-bus.js';
import { jsonSchemaOf, type JsonObject } from '../catalog/asyncapi.js';

/**
 * The OpenAPI 3.1 document of the whole HTTP surface, exactly as `/openapi.json` serves it: the
 * routes are registered on a real host (in-memory storage, default settings), then described by
 * @fastify/swagger from their schemas.
 */
export async function openApiDocument(): Promise<JsonObject> {
  const db = await openPglite({});
  const bus = await LocalBus.open(db);
  try {
    const host = await ServiceHost.start({
      modules: domainServices,
      databaseFor: () => db,
      bus,
      settings: loadSettings({ LOG_LEVEL: 'silent' }),
      logger: createLogger({ level: 'silent' }),
    });
    try {
      return jsonSchemaOf(host.app.swagger());
    } finally {
      await host.stop();
    }
  } finally {
    await bus.close();
    await db.close();
  }
}
