import { parseArgs } from 'node:util';
import { EmbeddedIssuer } from '../src/platform/auth/embedded-issuer.js';
import { isRole, roles } from '../src/platform/auth/roles.js';
import { loadSettings } from '../src/platform/kernel/settings.js';

/**
 * Prints a bearer token of this instance's embedded issuer, and nothing else on stdout, so that
 * `TOKEN=$(npm run token -- --sub <id> --role staff)` works. Run it with the environment of
 * `npm start` (DATA_DIR decides which signing key).
 *
 *   npm run token -- --sub <id> --role <customer|staff|admin> [--ttl 15m]
 */
const usage = `usage: npm run token -- --sub <id> --role <${roles.join('|')}> [--ttl <duration, e.g. 15m, 1s>]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let values: { sub?: string | undefined; role?: string | undefined; ttl?: string | undefined };
try {
  ({ values } = parseArgs({
    options: { sub: { type: 'string' }, role: { type: 'string' }, ttl: { type: 'string', default: '1h' } },
  }));
} catch (error) {
  fail((error as Error).message);
}
const { sub, role, ttl = '1h' } = values;
if (!sub) fail('--sub is required');
if (!isRole(role)) fail(`--role must be one of ${roles.join(', ')}`);
if (!/^[1-9]\d*(s|m|h|d)$/.test(ttl)) fail(`--ttl must be a number and a unit (s, m, h or d), got "${ttl}"`);

const settings = loadSettings();
if (settings.auth.mode !== 'embedded')
  fail('AUTH_JWKS_URL is set: tokens come from that identity provider, not from this instance');
const issuer = await EmbeddedIssuer.open(settings.auth);
process.stdout.write(`${await issuer.issue({ subject: sub, role, ttl })}\n`);
