import { Type } from 'typebox';
import type { Database } from '../../../platform/db/database.js';
import type { HttpApp } from '../../../platform/http/app.js';
import { problemResponse } from '../../../platform/http/problem.js';
import type { Outbox } from '../../../platform/messaging/outbox.js';
import { subscriptionRules } from '../domain/index.js';
import { WebhookRejected, type WebhookReader } from '../application/provider.js';
import { reconcileProviderNotice } from '../application/reconcile-provider-notice.js';

/**
 * Stripe's webhook endpoint for subscription events. It reads the body as bytes, since the
 * signature covers them exactly as sent; the route lives in its own plugin so that only it does.
 */
export const stripeWebhookRoute =
  (deps: { db: Database; outbox: Outbox; webhooks: WebhookReader }) =>
  async (app: HttpApp): Promise<void> => {
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });

    app.post(
      '/subscriptions/webhooks/stripe',
      {
        schema: {
          operationId: 'receiveSubscriptionWebhook',
          tags: ['subscriptions'],
          summary: 'Stripe webhook: cancellations and renewals made on Stripe’s side',
          description:
            'Verifies the `Stripe-Signature` header. `customer.subscription.deleted` and `customer.subscription.updated` end in the same events as a cancellation asked of this service; other events are acknowledged and ignored. A repeated delivery changes nothing.',
          headers: Type.Object({ 'stripe-signature': Type.Optional(Type.String()) }),
          response: {
            200: Type.Object(
              {
                received: Type.Literal(true),
                outcome: Type.Union([
                  Type.Literal('applied'),
                  Type.Literal('duplicate'),
                  Type.Literal('unknown_subscription'),
                  Type.Literal('ignored'),
                ]),
              },
              { additionalProperties: false },
            ),
            400: problemResponse('The signature is missing or does not match the body'),
            503: problemResponse(
              'The subscription is not recorded as started yet; Stripe delivers again later',
            ),
          },
        },
      },
      async (request) => {
        const body = request.body;
        if (!Buffer.isBuffer(body))
          throw subscriptionRules.validation('WEBHOOK_BODY', 'Send the event as JSON');
        let notice;
        try {
          notice = deps.webhooks.read(body, request.headers['stripe-signature']);
        } catch (error) {
          if (error instanceof WebhookRejected) {
            throw subscriptionRules.validation('WEBHOOK_SIGNATURE_INVALID', error.message);
          }
          throw error;
        }
        if (!notice) return { received: true as const, outcome: 'ignored' as const };
        const outcome = await reconcileProviderNotice(deps, notice);
        return { received: true as const, outcome };
      },
    );
  };
