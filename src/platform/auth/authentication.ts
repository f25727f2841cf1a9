import { EmbeddedIssuer } from './embedded-issuer.js';
import type { AuthSettings } from './settings.js';
import { tokenVerifier, type TokenVerifier } from './verifier.js';

/** How a host checks its callers, and — when it is its own issuer — the issuer. */
export interface Authentication {
  readonly verify: TokenVerifier;
  readonly issuer: EmbeddedIssuer | undefined;
}

export async function openAuthentication(settings: AuthSettings): Promise<Authentication> {
  const issuer = settings.mode === 'embedded' ? await EmbeddedIssuer.open(settings) : undefined;
  return { verify: tokenVerifier(settings, issuer), issuer };
}
