import { paymentRules } from './errors.js';

/** Amounts are integer cents inside the domain; the contracts carry decimal numbers in major units. */
export type Cents = number;

/** Undefined when the amount has fractions of a cent. */
export function toCents(amount: number): Cents | undefined {
  const cents = Math.round(amount * 100);
  return Math.abs(cents - amount * 100) < 1e-6 ? cents : undefined;
}

export const fromCents = (cents: Cents): number => cents / 100;

/** The amount in cents, refusing one with fractions of a cent. */
export function centsOf(amount: number): Cents {
  const cents = toCents(amount);
  if (cents === undefined) {
    throw paymentRules.validation('INVALID_AMOUNT', `${amount} has fractions of a cent`);
  }
  return cents;
}
