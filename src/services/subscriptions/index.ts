import type { Clock } from '../../platform/kernel/clock.js';
import { defineService, type ServiceModule } from '../../platform/service.js';
import { cancelSubscriptionHandler } from './application/cancel-subscription.js';
import type { SubscriptionProvider } from './application/provider.js';
import { ProviderWorker } from './application/provider-worker.js';
import { subscribeUserHandler, type CommandDependencies } from './application/subscribe-user.js';
import { Bell } from '../../platform/kernel/bell.js';
import { subscriptionRoutes } from './http/routes.js';
import { subscriptionMigrations } from './infrastructure/migrations.js';
import { SandboxProvider } from './infrastructure/sandbox-provider.js';
import { createStripeProvider } from './infrastructure/stripe-provider.js';
import { subscriptionSettings, type SubscriptionSettings } from './settings.js';

/** The sandbox unless SUBSCRIPTION_PROVIDER=stripe (whose settings are checked when they are loaded). */
export function providerFor(settings: SubscriptionSettings, clock: Clock): SubscriptionProvider {
  switch (settings.provider) {
    case 'sandbox':
      return new SandboxProvider(clock);
    case 'stripe': {
      const { secretKey, webhookSecret, apiBase } = settings.stripe;
      if (secretKey === undefined || webhookSecret === undefined) {
        throw new Error('The Stripe subscription provider needs a secret key and a webhook secret');
      }
      return createStripeProvider({
        secretKey,
        webhookSecret,
        ...(apiBase === undefined ? {} : { apiBase }),
      });
    }
  }
}

export interface SubscriptionServiceOptions {
  /** Replaces the provider the settings choose (tests hold on to a sandbox to see what it did). */
  readonly provider?: SubscriptionProvider;
}

/**
 * Runs subscriptions from request to cancellation: commands record the intent, the provider
 * worker carries it out at the payment provider, and the answers (and the provider's own
 * webhooks) become UserSubscriptionStarted, UserSubscriptionCancelled or a rejection.
 */
export function createSubscriptionService(
  options: SubscriptionServiceOptions = {},
): ServiceModule<SubscriptionSettings> {
  return defineService({
    id: 'SubscriptionService',
    schema: 'subscriptions',
    settings: subscriptionSettings,
    create(ctx) {
      const settings = ctx.settings;
      const provider = options.provider ?? providerFor(settings, ctx.clock);
      const wakeUp = new Bell();
      const commands: CommandDependencies = { ids: ctx.ids, wakeUp };
      return {
        migrations: subscriptionMigrations,
        handlers: [subscribeUserHandler(commands), cancelSubscriptionHandler(commands)],
        routes: subscriptionRoutes({ ctx, commands, provider }),
        workers: [
          new ProviderWorker({
            db: ctx.db,
            outbox: ctx.outbox,
            logger: ctx.logger,
            provider,
            bell: wakeUp,
            maxAttempts: settings.maxAttempts,
            retryBaseMs: settings.retryBaseMs,
          }),
        ],
      };
    },
  });
}

export const subscriptionService = createSubscriptionService();
