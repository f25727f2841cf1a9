import { SettingsError } from '../kernel/settings-error.js';

type Env = Record<string, string | undefined>;

/**
 * How callers are authenticated. With `AUTH_JWKS_URL` the tokens of an external OpenID Connect
 * provider are verified against its key set; without it the instance is its own issuer, with a
 * signing key it keeps under DATA_DIR.
 */
export interface AuthSettings {
  readonly mode: 'embedded' | 'oidc';
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string | undefined;
  /** Where the roles are: a claim name (`roles`, `https://shop.example/roles`) or a dotted path (`realm_access.roles`). */
  readonly rolesClaim: string;
  /** The claim that identifies the caller: for a customer, their customer id. */
  readonly subjectClaim: string;
  /** Where the embedded issuer keeps its signing key. */
  readonly keyFile: string;
  /** Accepted clock difference when checking `exp` and `nbf`. */
  readonly clockToleranceSeconds: number;
}

export const EMBEDDED_ISSUER = 'urn:orders-domain:embedded-issuer';
export const DEFAULT_AUDIENCE = 'orders-domain';

export function authSettings(env: Env, dataDir: string): AuthSettings {
  const jwksUrl = env['AUTH_JWKS_URL'] || undefined;
  if (jwksUrl !== undefined && !URL.canParse(jwksUrl))
    throw new SettingsError(`AUTH_JWKS_URL must be a URL, got "${jwksUrl}"`);
  const issuer = env['AUTH_ISSUER'] || undefined;
  const audience = env['AUTH_AUDIENCE'] || undefined;
  if (jwksUrl !== undefined && (issuer === undefined || audience === undefined))
    throw new SettingsError('AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE: tokens are checked for both');
  const tolerance = Number(env['AUTH_CLOCK_TOLERANCE_S'] || '5');
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 300)
    throw new SettingsError(`AUTH_CLOCK_TOLERANCE_S must be an integer from 0 to 300`);
  return {
    mode: jwksUrl === undefined ? 'embedded' : 'oidc',
    issuer: issuer ?? EMBEDDED_ISSUER,
    audience: audience ?? DEFAULT_AUDIENCE,
    jwksUrl,
    rolesClaim: env['AUTH_ROLES_CLAIM'] || 'roles',
    subjectClaim: env['AUTH_SUBJECT_CLAIM'] || 'sub',
    keyFile: `${dataDir.replace(/\/+$/, '')}/auth/signing-key.json`,
    clockToleranceSeconds: tolerance,
  };
}
