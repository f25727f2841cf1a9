import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedIssuer } from '../../src/platform/auth/embedded-issuer.js';
import type { Role } from '../../src/platform/auth/roles.js';
import { loadSettings } from '../../src/platform/kernel/settings.js';

/**
 * Where test hosts keep the embedded issuer's signing key (not the repository's `./data`).
 * Shared by every test process: the key is created once, whichever process gets there first.
 */
export const testKeysDir = join(tmpdir(), 'orders-domain-test-keys');

/** The caller tests act as unless they say otherwise: admin may use every route. */
export const defaultCaller = { sub: 'test-admin', role: 'admin' } as const satisfies Caller;

export interface Caller {
  readonly sub: string;
  readonly role: Role;
}

/**
 * A token for `caller`, signed by the embedded issuer of a host started with `env` (DATA_DIR
 * decides which key): what `npm run token` prints for that host.
 */
export async function tokenFor(
  caller: Caller,
  env: Record<string, string | undefined> = { DATA_DIR: testKeysDir },
  ttl = '1h',
): Promise<string> {
  const issuer = await EmbeddedIssuer.open(loadSettings(env).auth);
  return issuer.issue({ subject: caller.sub, role: caller.role, ttl });
}

/** Request headers with the caller's bearer token, unless they carry an authorization already. */
export function withAuthorization<T extends Record<string, unknown>>(headers: T | undefined, token: string) {
  return { authorization: `Bearer ${token}`, ...headers };
}
