/** 13 to 19 digits (spaces and dashes aside) that pass the Luhn check: a payment card number. */
export function looksLikeCardNumber(text: string): boolean {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Every UUID in a text, for `replace`: a UUID's hex groups (8-4-4-4-12) can join into a Luhn-valid
 * run of digits, yet never are a card.
 */
export const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Any run of 13 to 19 digits (spaces and dashes between them) inside the text that passes the Luhn
 * check; UUIDs in the text are not read as such runs.
 */
export function containsCardNumber(text: string): boolean {
  return [...text.replace(UUIDS, ' ').matchAll(/\d(?:[\s-]?\d){12,18}/g)].some(([run]) =>
    looksLikeCardNumber(run),
  );
}
