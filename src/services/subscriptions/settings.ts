import { Type } from 'typebox';
import { SettingsError } from '../../platform/kernel/settings-error.js';
import { declareSettings, optionalText, type SettingsOf } from '../../platform/kernel/settings-schema.js';
import { stripeAccountSettings } from '../../platform/kernel/stripe-account-settings.js';

export const subscriptionSettings = declareSettings(
  Type.Object({
    provider: Type.Enum(['sandbox', 'stripe'], {
      env: 'SUBSCRIPTION_PROVIDER',
      default: 'sandbox',
      description:
        '`sandbox` (deterministic, in-process) or `stripe`: needs `STRIPE_SECRET_KEY` and `SUBSCRIPTION_WEBHOOK_SECRET`',
    }),
    /** Calls to the provider for one start or cancellation before it counts as unavailable. */
    maxAttempts: Type.Integer({
      env: 'SUBSCRIPTION_MAX_ATTEMPTS',
      default: 5,
      minimum: 1,
      maximum: 20,
      description: 'Calls to the provider for one start or cancellation before it counts as unavailable',
    }),
    retryBaseMs: Type.Integer({
      env: 'SUBSCRIPTION_RETRY_BASE_MS',
      default: 1000,
      minimum: 1,
      maximum: 3_600_000,
      description: 'Back-off base between those calls (doubling)',
    }),
    stripe: Type.Object({
      ...stripeAccountSettings,
      /** The signing secret of the webhook endpoint for subscription events (each endpoint has its own). */
      webhookSecret: optionalText({
        env: 'SUBSCRIPTION_WEBHOOK_SECRET',
        description:
          'Signing secret (`whsec_…`) of the Stripe webhook endpoint `/subscriptions/webhooks/stripe`',
      }),
    }),
  }),
  (settings) => {
    const { secretKey, webhookSecret } = settings.stripe;
    if (settings.provider === 'stripe' && (secretKey === undefined || webhookSecret === undefined))
      throw new SettingsError(
        'SUBSCRIPTION_PROVIDER=stripe needs STRIPE_SECRET_KEY and SUBSCRIPTION_WEBHOOK_SECRET',
      );
    return settings;
  },
);

export type SubscriptionSettings = SettingsOf<typeof subscriptionSettings>;
