import Stripe from 'stripe';
import type { ProviderNotice } from '../../application/receive-provider-notice.js';

/** The signature did not match the payload and the shared secret (or was missing, or too old). */
export class WebhookSignatureInvalid extends Error {
  override readonly name = 'WebhookSignatureInvalid';
}

/**
 * Verifies a Stripe webhook with the SDK (signature and timestamp tolerance) and reduces it to the
 * one fact the service uses: which PaymentIntent it is about.
 */
export function verifyStripeWebhook(
  payload: string,
  signature: string | undefined,
  secret: string,
): ProviderNotice {
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(payload, signature ?? '', secret);
  } catch (error) {
    throw new WebhookSignatureInvalid(error instanceof Error ? error.message : 'invalid signature');
  }
  return { id: event.id, type: event.type, reference: paymentIntentOf(event.data.object) };
}

function paymentIntentOf(object: unknown): string | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const fields = object as Record<string, unknown>;
  if (fields['object'] === 'payment_intent' && typeof fields['id'] === 'string') return fields['id'];
  const intent = fields['payment_intent'];
  return typeof intent === 'string' ? intent : undefined;
}
