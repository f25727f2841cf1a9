import { containsCardNumber } from '../kernel/card-number.js';
import type { HttpApp } from './http-app.js';
import { problem, sendProblem } from './problem.js';

/** The JSON pointer of the first string in `value` that holds a card number, if any. */
function cardNumberAt(value: unknown, pointer = ''): string | undefined {
  if (typeof value === 'string') return containsCardNumber(value) ? pointer || '/' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = cardNumberAt(child, `${pointer}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Card numbers never enter the system: a JSON body with one in any field — a name, a street, a
 * reason, a payment method — is refused before it is validated, stored or logged. Only tokens of
 * the payment provider travel. (Webhook bodies arrive as raw text and are not screened here.)
 */
export function screenCardNumbers(app: HttpApp): void {
  app.addHook('preValidation', async (request, reply) => {
    if (request.body === null || typeof request.body !== 'object') return undefined;
    const field = cardNumberAt(request.body);
    if (field === undefined) return undefined;
    return sendProblem(
      reply,
      request,
      problem(
        400,
        'REQUEST.CARD_DATA_REFUSED',
        `${field} holds a card number: send the payment provider's token instead`,
        [{ field, location: 'body', message: 'must not hold a card number' }],
      ),
    );
  });
}
