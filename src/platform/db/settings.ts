import { Type } from 'typebox';
import { optionalText } from '../kernel/settings-schema.js';

/** Where the data is: PGlite under DATA_DIR, or the PostgreSQL of DATABASE_URL. */
export const databaseSettings = Type.Object({
  dataDir: Type.String({ env: 'DATA_DIR', default: './data', description: 'Where PGlite keeps the data' }),
  /** When set, PostgreSQL holds the data instead of PGlite. */
  databaseUrl: optionalText({
    env: 'DATABASE_URL',
    description: 'Use this PostgreSQL instead of PGlite, e.g. `postgres://user@host:5432/db`',
  }),
  databasePoolSize: Type.Integer({
    env: 'DATABASE_POOL_SIZE',
    default: 10,
    minimum: 1,
    maximum: 200,
    description: 'Connections per PostgreSQL pool',
  }),
});
