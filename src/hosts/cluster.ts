import { createLogger } from '../platform/kernel/logger.js';
import { loadSettings } from '../platform/kernel/settings.js';
import { announceReady } from './distributed/processes.js';
import { stopOnSignals } from './shutdown.js';
import { DomainTopology } from './distributed/topology.js';
import { domainServices } from './domain-services.js';
import { clusterSettings } from './settings.js';

/**
 * The whole domain as separate processes on this machine, for trying the distributed runtime: each
 * service on its own database of the local PostgreSQL, all on the local NATS, replicas as
 * CLUSTER_REPLICAS says, and the gateway on PORT. Ctrl-C stops them all cleanly.
 *
 *   npm run cluster
 *   CLUSTER_REPLICAS=inventory=3,orders=2 npm run cluster
 *   NATS_CREDENTIALS_DIR=data/nats NATS_URL=nats://127.0.0.1:4223 npm run cluster   (see docs/security.md)
 */
const settings = loadSettings();
const cluster = clusterSettings.read();
const logger = createLogger({ level: settings.logLevel, name: 'cluster' });
const topology = await DomainTopology.start({
  services: domainServices,
  databaseUrl: settings.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/orders_domain',
  natsUrl: settings.nats.url ?? 'nats://127.0.0.1:4222',
  natsCredentialsDir: cluster.credentialsDir,
  replicas: cluster.replicas,
  basePort: cluster.basePort,
  gatewayPort: settings.port,
  output: (line) => process.stdout.write(`${line}\n`),
});
let stopping = false;
for (const child of topology.processes) {
  void child.exited.then(() => {
    if (!stopping) logger.error({ process: child.name, pid: child.pid }, 'a process of the cluster exited');
  });
}
logger.info(
  {
    address: topology.gateway.address,
    processes: topology.processes.map((child) => ({
      name: child.name,
      pid: child.pid,
      address: child.address,
    })),
  },
  'cluster is running',
);
announceReady(topology.gateway.address);

stopOnSignals(logger, settings.shutdownTimeoutMs, async () => {
  stopping = true;
  await topology.stop();
});
