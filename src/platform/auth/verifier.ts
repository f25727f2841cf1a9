import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { EmbeddedIssuer } from './embedded-issuer.js';
import { roleOf, type Principal } from './roles.js';
import type { AuthSettings } from './settings.js';

/** Asymmetric algorithms only: `none` and shared-secret HMAC tokens are never accepted. */
const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class AuthenticationFailed extends Error {
  override name = 'AuthenticationFailed';
}

export type TokenVerifier = (token: string) => Promise<Principal>;

/** Verifies bearer tokens: signature against the key set, issuer, audience, expiry, then subject and role. */
export function tokenVerifier(settings: AuthSettings, issuer: EmbeddedIssuer | undefined): TokenVerifier {
  const keys =
    settings.mode === 'oidc' && settings.jwksUrl
      ? createRemoteJWKSet(new URL(settings.jwksUrl))
      : createLocalJWKSet(requireIssuer(issuer).jwks);
  const algorithms = settings.mode === 'oidc' ? OIDC_ALGORITHMS : ['ES256'];
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms,
        clockTolerance: settings.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw new AuthenticationFailed(describe(error));
    }
    const subject = claimAt(payload, settings.subjectClaim);
    if (typeof subject !== 'string' || subject === '')
      throw new AuthenticationFailed(`the token has no ${settings.subjectClaim} claim`);
    const role = roleOf(claimAt(payload, settings.rolesClaim));
    if (!role)
      throw new AuthenticationFailed(`the token's ${settings.rolesClaim} claim names no role of this domain`);
    if (role !== 'customer') return { subject, role };
    // A customer's subject is their customer id: what their orders and subscriptions are filed under.
    if (!UUID.test(subject))
      throw new AuthenticationFailed(
        `a customer's ${settings.subjectClaim} must be their customer id, a UUID`,
      );
    return { subject: subject.toLowerCase(), role };
  };
}

function requireIssuer(issuer: EmbeddedIssuer | undefined): EmbeddedIssuer {
  if (!issuer) throw new Error('the embedded issuer is needed without AUTH_JWKS_URL');
  return issuer;
}

/** A claim by its exact name, or else by a dotted path into nested claims (Keycloak's `realm_access.roles`). */
function claimAt(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  return name
    .split('.')
    .reduce<unknown>(
      (value, part) =>
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined,
      payload,
    );
}

/** What the caller may be told: which check failed, never key material or the token itself. */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token algorithm is not accepted';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the issuer matches the token';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return 'the token is malformed';
  return 'the token could not be verified';
}
