import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Role } from './roles.js';
import type { AuthSettings } from './settings.js';

const ALGORITHM = 'ES256';

interface StoredKey {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/**
 * The instance as its own token issuer: one ES256 key pair, created under DATA_DIR the first time
 * anything asks for it and kept for good, so tokens outlive restarts and every process that shares
 * the directory (the cluster's) trusts the same key.
 */
export class EmbeddedIssuer {
  readonly #settings: AuthSettings;
  readonly #key: StoredKey;

  private constructor(settings: AuthSettings, key: StoredKey) {
    this.#settings = settings;
    this.#key = key;
  }

  static async open(settings: AuthSettings): Promise<EmbeddedIssuer> {
    return new EmbeddedIssuer(settings, await loadOrCreateKey(settings.keyFile));
  }

  /** The public half, as a JSON Web Key Set: what any verifier needs, and nothing secret. */
  get jwks(): { keys: JWK[] } {
    return { keys: [this.#key.publicJwk] };
  }

  async issue(claims: { subject: string; role: Role; ttl: string }): Promise<string> {
    const key = await importJWK(this.#key.privateJwk, ALGORITHM);
    return new SignJWT({ [this.#settings.rolesClaim]: [claims.role] })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.#key.publicJwk.kid ?? '', typ: 'JWT' })
      .setSubject(claims.subject)
      .setIssuer(this.#settings.issuer)
      .setAudience(this.#settings.audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(claims.ttl)
      .sign(key);
  }
}

async function loadOrCreateKey(file: string): Promise<StoredKey> {
  const existing = await readKey(file);
  if (existing) return existing;
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const kid = randomUUID();
  const stored: StoredKey = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALGORITHM, use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' },
  };
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Written aside, then linked into place: link fails if another process got there first, and a
  // reader never sees half a file. Whoever loses the race uses the winner's key.
  const draft = `${file}.${process.pid}.${kid}`;
  await writeFile(draft, JSON.stringify(stored), { mode: 0o600 });
  try {
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(draft, { force: true });
  }
  const key = await readKey(file);
  if (!key) throw new Error(`the signing key at ${file} could not be read back`);
  return key;
}

async function readKey(file: string): Promise<StoredKey | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoredKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
