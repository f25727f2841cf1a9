import type { Envelope } from '../../../contracts/index.js';

/**
 * The envelope a message carries. A body that is not even an identified JSON object is handed on
 * as a stand-in the runner's envelope check rejects, so it ends as a dead letter with its reason
 * and the raw body rather than being redelivered forever.
 */
export function decodeEnvelope(body: string, fallbackId: string): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isIdentified(parsed)) return parsed as Envelope;
  return { id: fallbackId, type: 'undecodable', data: body } as unknown as Envelope;
}

function isIdentified(value: unknown): value is { id: string; type: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { id, type } = value as { id?: unknown; type?: unknown };
  return typeof id === 'string' && typeof type === 'string';
}
