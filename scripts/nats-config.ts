import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeNatsCredentials } from '../src/hosts/distributed/nats-credentials.js';
import { loadSettings } from '../src/platform/kernel/settings.js';

/**
 * Writes the nats-server authorization block and one nkey seed per service (and for the stream
 * provisioner), with the permissions the contract registry allows each. Run it with the
 * environment of the cluster: NATS_NAMESPACE decides the names.
 *
 *   npm run nats-config [-- --out <dir>]      (default: $DATA_DIR/nats)
 */
const settings = loadSettings();
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const file = await writeNatsCredentials(values.out ?? join(settings.dataDir, 'nats'), settings);
process.stdout.write(`${file}\n`);
