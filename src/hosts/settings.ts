import { Type } from 'typebox';
import {
  decodedSetting,
  declareSettings,
  optionalText,
  pairsOf,
  SettingProblem,
} from '../platform/kernel/settings-schema.js';

/** `npm run gateway`: where each service's replicas are. */
export const gatewaySettings = declareSettings(
  Type.Object({
    /** Base URLs of each service's replicas, by service name (`orders`, `inventory`, ...). */
    upstreams: decodedSetting(
      {
        env: 'GATEWAY_UPSTREAMS',
        default: '',
        description:
          "The gateway's replicas: `orders=http://host:4001,orders=http://host:4002,inventory=…`; every service",
      },
      (text) => {
        const byService: Record<string, string[]> = {};
        for (const [service, url] of pairsOf(text)) {
          if (!URL.canParse(url)) throw new SettingProblem(`holds "${url}", which is not a URL`);
          (byService[service] ??= []).push(url);
        }
        return byService;
      },
    ),
    healthCheckMs: Type.Integer({
      env: 'GATEWAY_HEALTH_CHECK_MS',
      default: 1_000,
      minimum: 50,
      maximum: 60_000,
      description: "How often the gateway checks each replica's `/health`",
    }),
  }),
);

const replicaCount = { minimum: 1, maximum: 32 };

/** `npm run cluster`: how many processes of each service, on which ports. */
export const clusterSettings = declareSettings(
  Type.Object({
    /** Replicas per service name; a service not listed runs once. */
    replicas: decodedSetting(
      {
        env: 'CLUSTER_REPLICAS',
        default: '',
        description:
          '`npm run cluster`: replicas per service, e.g. `inventory=3,orders=2`; every service once by default',
      },
      (text) => {
        const counts: Record<string, number> = {};
        for (const [service, count] of pairsOf(text)) {
          const value = Number(count);
          if (!Number.isInteger(value) || value < replicaCount.minimum || value > replicaCount.maximum)
            throw new SettingProblem(
              `must be an integer from ${replicaCount.minimum} to ${replicaCount.maximum}, got "${count}"`,
            );
          counts[service] = value;
        }
        return counts;
      },
    ),
    /** Service processes listen on consecutive ports from here. */
    basePort: Type.Integer({
      env: 'CLUSTER_BASE_PORT',
      default: 4_000,
      minimum: 1,
      maximum: 65_000,
      description: '`npm run cluster`: services listen from this port up (the gateway on `PORT`)',
    }),
    credentialsDir: optionalText({
      env: 'NATS_CREDENTIALS_DIR',
      description:
        '`npm run cluster`: the directory `npm run nats-config` wrote; each service connects with its own credential (unset: NATS is open)',
    }),
  }),
);

/** `npm run dead-letters`: which running domain to ask, and as whom. */
export const deadLetterToolSettings = declareSettings(
  Type.Object({
    apiUrl: Type.String({
      env: 'API_URL',
      default: 'http://127.0.0.1:3000',
      description: "`npm run dead-letters`: the domain's HTTP API (gateway or embedded host)",
    }),
    token: optionalText({
      env: 'API_TOKEN',
      description:
        "`npm run dead-letters`: an admin's bearer token (`npm run token -- --sub ops --role admin`)",
    }),
  }),
);
