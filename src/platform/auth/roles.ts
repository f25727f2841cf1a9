/** Who a caller is, as the HTTP edge established it from a verified token. */
export const roles = ['customer', 'staff', 'admin'] as const;
export type Role = (typeof roles)[number];

export const isRole = (value: unknown): value is Role => roles.includes(value as Role);

export interface Principal {
  /** The token's subject: for a customer, their `customerId` / `userId`. */
  readonly subject: string;
  readonly role: Role;
}

/**
 * The role a token grants, from the values of its roles claim: the most privileged one this
 * domain knows (`admin` over `staff` over `customer`); none when it names none of them.
 */
export function roleOf(claimValue: unknown): Role | undefined {
  const values =
    typeof claimValue === 'string' ? claimValue.split(/[\s,]+/) : Array.isArray(claimValue) ? claimValue : [];
  return [...roles].reverse().find((role) => values.includes(role));
}
