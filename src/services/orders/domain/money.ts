/** Amounts are integer cents inside the domain; the contracts carry decimal numbers. */
export type Cents = number;

export function toCents(amount: number): Cents | undefined {
  const cents = Math.round(amount * 100);
  return Math.abs(cents - amount * 100) < 1e-6 ? cents : undefined;
}

export const fromCents = (cents: Cents): number => cents / 100;
