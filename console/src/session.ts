/** The operator's bearer token, kept for this tab only: closing it signs out. */
const TOKEN_KEY = 'orders-console.token';

export type Role = 'customer' | 'staff' | 'admin';

const rolesByPrivilege: readonly Role[] = ['admin', 'staff', 'customer'];

/** As the server reads its `roles` claim: the most privileged role it names, as a list or a string. */
function roleOf(claim: unknown): Role | undefined {
  const values = typeof claim === 'string' ? claim.split(/[\s,]+/) : Array.isArray(claim) ? claim : [];
  return rolesByPrivilege.find((role) => values.includes(role));
}

export interface Session {
  readonly token: string;
  readonly subject: string;
  readonly role: Role;
  /** Seconds since the epoch; undefined when the token does not say. */
  readonly expiresAt: number | undefined;
}

/**
 * Reads the claims the console needs to shape itself. The server verifies the token on every
 * call; this only decides what to show, never what is allowed.
 */
export function readToken(token: string): Session | string {
  const payload = token.trim().split('.')[1];
  if (!payload) return 'This is not a JSON Web Token (header.payload.signature).';
  let claims: { sub?: unknown; roles?: unknown; exp?: unknown };
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    claims = JSON.parse(json) as typeof claims;
  } catch {
    return 'The token payload is not readable JSON.';
  }
  const { sub, roles, exp } = claims;
  const role = roleOf(roles);
  if (!role) return 'The token names no role of this domain.';
  if (typeof exp === 'number' && exp * 1000 < Date.now()) return 'The token has expired.';
  return {
    token: token.trim(),
    subject: typeof sub === 'string' ? sub : 'unknown',
    role,
    expiresAt: typeof exp === 'number' ? exp : undefined,
  };
}

export function storedSession(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return undefined;
  const session = readToken(token);
  return typeof session === 'string' ? undefined : session;
}

export function keepSession(session: Session): void {
  sessionStorage.setItem(TOKEN_KEY, session.token);
}

export function forgetSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}
