import { Type } from 'typebox';
import { SettingsError } from '../kernel/settings-error.js';
import { optionalText, readSettings, urlSetting, type Env } from '../kernel/settings-schema.js';

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

export const authSettingsSchema = Type.Object({
  jwksUrl: urlSetting({
    env: 'AUTH_JWKS_URL',
    description: "The OpenID Connect provider's key set; setting it turns the embedded issuer off",
  }),
  issuer: optionalText({ env: 'AUTH_ISSUER', description: 'Required `iss` (needed with `AUTH_JWKS_URL`)' }),
  audience: optionalText({
    env: 'AUTH_AUDIENCE',
    description: 'Required `aud` (needed with `AUTH_JWKS_URL`)',
  }),
  rolesClaim: Type.String({
    env: 'AUTH_ROLES_CLAIM',
    default: 'roles',
    description: 'Claim name or dotted path holding the roles',
  }),
  subjectClaim: Type.String({
    env: 'AUTH_SUBJECT_CLAIM',
    default: 'sub',
    description: "Claim holding the caller's id",
  }),
  clockToleranceSeconds: Type.Integer({
    env: 'AUTH_CLOCK_TOLERANCE_S',
    default: 5,
    minimum: 0,
    maximum: 300,
    description: 'Accepted clock difference when checking `exp` and `nbf`',
  }),
});

export function authSettings(env: Env, dataDir: string): AuthSettings {
  const { jwksUrl, issuer, audience, ...claims } = readSettings(authSettingsSchema, env);
  if (jwksUrl !== undefined && (issuer === undefined || audience === undefined))
    throw new SettingsError('AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE: tokens are checked for both');
  return {
    mode: jwksUrl === undefined ? 'embedded' : 'oidc',
    issuer: issuer ?? EMBEDDED_ISSUER,
    audience: audience ?? DEFAULT_AUDIENCE,
    jwksUrl,
    ...claims,
    keyFile: `${dataDir.replace(/\/+$/, '')}/auth/signing-key.json`,
  };
}
