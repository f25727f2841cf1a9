import { createHash } from 'node:crypto';

/** A digest of what a request asked for, given as an ordered list of its fields. */
export const fingerprintOf = (fields: readonly unknown[]): string =>
  createHash('sha256').update(JSON.stringify(fields)).digest('hex');
