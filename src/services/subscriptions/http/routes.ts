import { Type } from 'typebox';
import { exampleIds } from '../../../../contracts/examples.js';
import { CancellationMode, SubscribeUser } from '../../../../contracts/index.js';
import { ensureActsForSelf, ownerScope } from '../../../platform/auth/http.js';
import type { HttpApp } from '../../../platform/http/app.js';
import { originOf } from '../../../platform/http/origin.js';
import { problemResponse } from '../../../platform/http/problem.js';
import type { AppError } from '../../../platform/kernel/errors.js';
import type { ServiceContext } from '../../../platform/service.js';
import {
  cancelSubscription,
  cancellationFingerprint,
  MAX_REQUEST_ID_LENGTH,
  type CancelSubscriptionCommand,
} from '../application/cancel-subscription.js';
import { subscriptionRules } from '../domain/index.js';
import type { SubscriptionProvider } from '../application/provider.js';
import { getSubscription, subscriptionsOf } from '../application/queries.js';
import { subscribeUser, type CommandDependencies } from '../application/subscribe-user.js';
import type { CancellationRejectionReason } from '../domain/index.js';
import { findSubscription } from '../infrastructure/subscription-repository.js';
import { stripeWebhookRoute } from './stripe-webhook.js';
import { SubscriptionView, subscriptionView, subscriptionViewExample } from './subscription-view.js';

const SubscriptionIdParams = Type.Object({ subscriptionId: Type.String({ format: 'uuid' }) });

const CancelRequest = Type.Object(
  {
    userId: Type.String({ format: 'uuid', description: 'Who asks: only the subscriber may cancel.' }),
    mode: Type.Optional(CancellationMode),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  {
    additionalProperties: false,
    examples: [{ userId: exampleIds.customer, mode: 'end_of_period', reason: 'Too expensive' }],
  },
);

const CancelHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: MAX_REQUEST_ID_LENGTH,
      description:
        'Identifies the request: the same key again gets the first answer. Without one, the request is identified by what it asks (subscription, user, mode and reason).',
    }),
  ),
});

const problems = {
  400: problemResponse('The request is invalid; `errors` names the fields'),
  403: problemResponse('The subscription belongs to another user (rejected, with an event)'),
  404: problemResponse('No such subscription'),
  409: problemResponse('Already cancelled, not active, or the request id was used for another request'),
};

export interface RouteDependencies {
  readonly ctx: ServiceContext;
  readonly commands: CommandDependencies;
  readonly provider: SubscriptionProvider;
}

export function subscriptionRoutes({ ctx, commands, provider }: RouteDependencies) {
  const { db, outbox, ids, clock } = ctx;

  return async (app: HttpApp): Promise<void> => {
    app.post(
      '/subscriptions',
      {
        schema: {
          operationId: 'subscribeUser',
          tags: ['subscriptions'],
          summary: 'Subscribe a user to a plan (SubscribeUser)',
          description:
            'The provider starts it in the background: `pending`, then `active` (UserSubscriptionStarted) or `rejected`. Idempotent by subscriptionId: the same body again returns the same subscription; another body under that id is a 409.',
          body: Type.With(SubscribeUser.schema, { examples: [SubscribeUser.example] }),
          response: { 202: SubscriptionView, 400: problems[400], 409: problems[409] },
        },
      },
      async (request, reply) => {
        ensureActsForSelf(request, request.body.userId, 'userId');
        const { subscriptionId } = request.body;
        const placed = await outbox.run(originOf(request, subscriptionId), (uow) =>
          subscribeUser(uow, request.body, commands),
        );
        const stored = await getSubscription(db, subscriptionId);
        return reply
          .status(202)
          .header('location', `/subscriptions/${subscriptionId}`)
          .header('idempotent-replayed', String(!placed.created))
          .send(subscriptionView(stored));
      },
    );

    app.post(
      '/subscriptions/:subscriptionId/cancel',
      {
        schema: {
          operationId: 'cancelSubscription',
          tags: ['subscriptions'],
          summary: 'Cancel a subscription (CancelSubscription), now or at the end of the paid period',
          description:
            '`202` once accepted: the provider cancels it in the background (`cancelling`, then `cancelled` with UserSubscriptionCancelled). A refusal is answered with a problem and published as SubscriptionCancellationRejected. Asking again answers the same and changes nothing.',
          params: SubscriptionIdParams,
          headers: CancelHeaders,
          body: CancelRequest,
          response: { 202: SubscriptionView, ...problems },
        },
      },
      async (request, reply) => {
        const { subscriptionId } = request.params;
        const known = await findSubscription(db, subscriptionId);
        const owner = ownerScope(request);
        // Another's subscription is, to a customer, one that does not exist (and no event tells its owner).
        if (known && owner !== undefined && known.subscription.userId !== owner)
          throw rejectionError('not_found', subscriptionId);
        ensureActsForSelf(request, request.body.userId, 'userId');
        const command: CancelSubscriptionCommand = {
          subscriptionId,
          ...request.body,
          timestamp: clock.now().toISOString(),
        };
        const requestId = request.headers['idempotency-key'] ?? `cancel-${cancellationFingerprint(command)}`;
        const answer = await outbox.run(originOf(request, known?.correlationId ?? ids.next()), (uow) =>
          cancelSubscription(uow, command, requestId, commands),
        );
        if (answer.outcome === 'rejected') throw rejectionError(answer.reason, subscriptionId);
        const stored = await getSubscription(db, subscriptionId);
        return reply
          .status(202)
          .header('idempotent-replayed', String(answer.repeated))
          .send(subscriptionView(stored));
      },
    );

    app.get(
      '/subscriptions/:subscriptionId',
      {
        schema: {
          operationId: 'getSubscription',
          tags: ['subscriptions'],
          summary: 'A subscription: status, plan, paid period, renewal and cancellation',
          params: SubscriptionIdParams,
          response: { 200: SubscriptionView, 400: problems[400], 404: problems[404] },
        },
      },
      async (request) =>
        subscriptionView(await getSubscription(db, request.params.subscriptionId, ownerScope(request))),
    );

    app.get(
      '/subscriptions',
      {
        schema: {
          operationId: 'listSubscriptions',
          tags: ['subscriptions'],
          summary: "A user's subscriptions, newest first",
          querystring: Type.Object(
            {
              userId: Type.String({ format: 'uuid' }),
              limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object(
              { subscriptions: Type.Array(SubscriptionView) },
              { additionalProperties: false, examples: [{ subscriptions: [subscriptionViewExample] }] },
            ),
            400: problems[400],
          },
        },
      },
      async (request) => {
        const owner = ownerScope(request);
        if (owner !== undefined && owner !== request.query.userId) return { subscriptions: [] };
        const stored = await subscriptionsOf(db, request.query.userId, request.query.limit);
        return { subscriptions: stored.map(subscriptionView) };
      },
    );

    if (provider.webhooks)
      await app.register(stripeWebhookRoute({ db, outbox, webhooks: provider.webhooks }));
  };
}

/** The HTTP answer to a refused request (the refusal itself is already published). */
function rejectionError(reason: CancellationRejectionReason, subscriptionId: string): AppError {
  switch (reason) {
    case 'not_found':
      return subscriptionRules.notFound('NOT_FOUND', `No subscription ${subscriptionId}`);
    case 'not_owner':
      return subscriptionRules.forbidden(
        'NOT_OWNER',
        `Subscription ${subscriptionId} belongs to another user`,
      );
    case 'not_active':
      return subscriptionRules.conflict('NOT_ACTIVE', `Subscription ${subscriptionId} has not started`);
    case 'already_cancelled':
      return subscriptionRules.conflict(
        'ALREADY_CANCELLED',
        `Subscription ${subscriptionId} is already cancelled`,
      );
    case 'provider_refused':
    case 'provider_unavailable':
      return subscriptionRules.conflict(
        'CANCELLATION_REFUSED',
        `The provider did not cancel ${subscriptionId}`,
      );
  }
}
