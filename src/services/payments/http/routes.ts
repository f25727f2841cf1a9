import { Type } from 'typebox';
import { ownerScope } from '../../../platform/auth/http.js';
import type { HttpApp } from '../../../platform/http/app.js';
import { problemResponse } from '../../../platform/http/problem.js';
import type { ServiceContext } from '../../../platform/service.js';
import type { Bell } from '../../../platform/kernel/bell.js';
import { paymentRules } from '../domain/index.js';
import { getPayment, paymentsOfOrder } from '../application/queries.js';
import { receiveProviderNotice } from '../application/receive-provider-notice.js';
import { verifyStripeWebhook, WebhookSignatureInvalid } from '../infrastructure/providers/stripe-webhooks.js';
import type { PaymentSettings } from '../settings.js';
import { paymentExample, PaymentView, paymentView } from './payment-view.js';

/** Reads of payments, and the endpoint Stripe posts its webhook events to. */
export function paymentRoutes(ctx: ServiceContext<PaymentSettings>, bell: Bell) {
  const { db, clock } = ctx;
  const webhookSecret = ctx.settings.stripe.webhookSecret;

  return async (app: HttpApp): Promise<void> => {
    app.get(
      '/payments',
      {
        schema: {
          operationId: 'getOrderPayment',
          tags: ['payments'],
          summary: 'The payment of an order, with its charges, refunds and every attempt',
          querystring: Type.Object({ orderId: Type.String({ format: 'uuid' }) }),
          response: {
            200: Type.Object(
              { payments: Type.Array(PaymentView) },
              { examples: [{ payments: [paymentExample] }] },
            ),
            400: problemResponse('The query is invalid'),
          },
        },
      },
      async (request) => ({
        payments: (await paymentsOfOrder(db, request.query.orderId, ownerScope(request))).map(paymentView),
      }),
    );

    app.get(
      '/payments/:paymentId',
      {
        schema: {
          operationId: 'getPayment',
          tags: ['payments'],
          summary: 'One payment, with its charges, refunds, operations and every attempt',
          params: Type.Object({ paymentId: Type.String({ format: 'uuid' }) }),
          response: { 200: PaymentView, 404: problemResponse('No such payment') },
        },
      },
      async (request) => paymentView(await getPayment(db, request.params.paymentId, ownerScope(request))),
    );

    // Its own scope: the signature covers the exact bytes, so this route reads the body unparsed.
    await app.register(async (webhooks: HttpApp) => {
      webhooks.removeContentTypeParser('application/json');
      webhooks.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
        done(null, body);
      });
      webhooks.post(
        '/payments/webhooks/stripe',
        {
          schema: {
            operationId: 'receivePaymentWebhook',
            tags: ['payments'],
            summary: "Stripe's webhook events, verified by signature; they trigger reconciliation",
            headers: Type.Object({ 'stripe-signature': Type.Optional(Type.String()) }),
            response: {
              200: Type.Object(
                {
                  received: Type.Boolean(),
                  duplicate: Type.Boolean({
                    description: 'The event was received before: nothing more was done.',
                  }),
                },
                { examples: [{ received: true, duplicate: false }] },
              ),
              400: problemResponse('The signature does not match the payload'),
              503: problemResponse('No webhook secret is configured'),
            },
          },
        },
        async (request) => {
          if (webhookSecret === undefined) {
            throw paymentRules.unavailable(
              'WEBHOOKS_NOT_CONFIGURED',
              'Set STRIPE_WEBHOOK_SECRET to receive webhooks',
            );
          }
          const payload = typeof request.body === 'string' ? request.body : '';
          let notice;
          try {
            notice = verifyStripeWebhook(payload, request.headers['stripe-signature'], webhookSecret);
          } catch (error) {
            if (error instanceof WebhookSignatureInvalid) {
              throw paymentRules.validation(
                'WEBHOOK_SIGNATURE_INVALID',
                'The Stripe-Signature header does not match',
              );
            }
            throw error;
          }
          const { duplicate } = await receiveProviderNotice(db, bell, notice, clock.now());
          return { received: true, duplicate };
        },
      );
    });
  };
}
