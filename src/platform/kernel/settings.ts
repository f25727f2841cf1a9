import { Type, type StaticDecode } from 'typebox';
import { authSettings, type AuthSettings } from '../auth/settings.js';
import { databaseSettings } from '../db/settings.js';
import { edgeSettings, serverSettings, sheddingSettings } from '../http/settings.js';
import { messagingSettings, natsSettings } from '../messaging/settings.js';
import { loggingSettings } from '../observability/settings.js';
import { readSettings, type Env } from './settings-schema.js';

/** The settings of the process itself. */
export const processSettings = Type.Object({
  /** A stopping process gives in-flight work this long, then exits anyway. */
  shutdownTimeoutMs: Type.Integer({
    env: 'SHUTDOWN_TIMEOUT_MS',
    default: 30_000,
    minimum: 100,
    maximum: 3_600_000,
    description: 'A stopping process exits anyway after this long',
  }),
  /** How far the JavaScript heap may grow past what its last full collection kept (src/hosts/heap-growth.ts). */
  heapGrowthPercent: Type.Integer({
    env: 'HEAP_GROWTH_PERCENT',
    default: 50,
    minimum: 0,
    maximum: 300,
    description:
      'How far the JavaScript heap grows past what its last full collection kept, in percent: lower saves memory, higher saves CPU; 0 leaves it to V8 (up to 300)',
  }),
});

/** The platform's settings, each declared beside the part that reads it. */
export const platformSettings = Type.Object({
  ...serverSettings.properties,
  ...databaseSettings.properties,
  ...loggingSettings.properties,
  ...processSettings.properties,
  http: sheddingSettings,
  edge: edgeSettings,
  messaging: messagingSettings,
  nats: natsSettings,
});

/** The platform's settings, read from the environment once at start (docs/operations.md lists them). */
export type Settings = StaticDecode<typeof platformSettings> & {
  readonly auth: AuthSettings;
  /** What the settings were read from: each service reads its own declared settings from it. */
  readonly environment: Env;
};

export function loadSettings(env: Env = process.env): Settings {
  const settings = readSettings(platformSettings, env);
  return { ...settings, auth: authSettings(env, settings.dataDir), environment: env };
}
