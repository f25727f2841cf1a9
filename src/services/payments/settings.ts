import { Type } from 'typebox';
import { SettingsError } from '../../platform/kernel/settings-error.js';
import { declareSettings, optionalText, type SettingsOf } from '../../platform/kernel/settings-schema.js';
import { stripeAccountSettings } from '../../platform/kernel/stripe-account-settings.js';

export const paymentSettings = declareSettings(
  Type.Object({
    provider: Type.Enum(['sandbox', 'stripe'], {
      env: 'PAYMENT_PROVIDER',
      default: 'sandbox',
      description: '`sandbox` (deterministic, test tokens) or `stripe` (needs `STRIPE_SECRET_KEY`)',
    }),
    /** ISO 4217, lower case: what every amount of the domain is in. */
    currency: Type.String({
      env: 'PAYMENT_CURRENCY',
      default: 'usd',
      pattern: '^[a-z]{3}$',
      requirement: 'must be three lower-case letters',
      description: 'The currency of every amount, lower case',
    }),
    /** Calls to the provider for one operation before it is given up on. */
    maxAttempts: Type.Integer({
      env: 'PAYMENT_MAX_ATTEMPTS',
      default: 4,
      minimum: 1,
      maximum: 20,
      description:
        'Calls to the payment provider for one operation before it is given up on (never while its outcome is unknown)',
    }),
    retryBaseMs: Type.Integer({
      env: 'PAYMENT_RETRY_BASE_MS',
      default: 1000,
      minimum: 1,
      maximum: 3_600_000,
      description: 'Back-off base between those calls (doubling, at most 5 minutes)',
    }),
    /** A provider call unanswered after this long has an unknown outcome. */
    timeoutMs: Type.Integer({
      env: 'PAYMENT_TIMEOUT_MS',
      default: 10_000,
      minimum: 10,
      maximum: 300_000,
      description:
        'A provider call unanswered after this long has an unknown outcome, reconciled before any new call',
    }),
    stripe: Type.Object({
      ...stripeAccountSettings,
      webhookSecret: optionalText({
        env: 'STRIPE_WEBHOOK_SECRET',
        description: 'Signing secret (`whsec_…`) of the payment webhook endpoint `/payments/webhooks/stripe`',
      }),
    }),
  }),
  (settings) => {
    if (settings.provider === 'stripe' && settings.stripe.secretKey === undefined)
      throw new SettingsError('PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY');
    return settings;
  },
);

export type PaymentSettings = SettingsOf<typeof paymentSettings>;
