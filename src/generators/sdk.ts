import eventCatalog from '@eventcatalog/sdk';

/**
 * The EventCatalog SDK bound to a catalog directory. Its types describe the CommonJS build, where the
 * factory sits under `default`; Node loads the ESM build, whose default export is the factory itself.
 */
export const openCatalog = eventCatalog as unknown as typeof eventCatalog.default;

export type Catalog = ReturnType<typeof openCatalog>;
