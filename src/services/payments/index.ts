import type { Database } from '../../platform/db/database.js';
import { defineService } from '../../platform/service.js';
import { adjustPaymentHandler } from './application/adjust-payment.js';
import { capturePaymentHandler } from './application/capture-payment.js';
import { Bell } from '../../platform/kernel/bell.js';
import { OperationsWorker } from './application/operations-worker.js';
import type { PaymentProvider } from './application/provider.js';
import { refundCancelledOrderHandler } from './application/refund-cancelled-order.js';
import { requestPaymentHandler } from './application/request-payment.js';
import { paymentRoutes } from './http/routes.js';
import { paymentMigrations } from './infrastructure/migrations.js';
import { paymentSettings, type PaymentSettings } from './settings.js';
import { createSandboxProvider } from './infrastructure/providers/sandbox-provider.js';
import { createStripeProvider } from './infrastructure/providers/stripe-provider.js';

function providerFor(settings: PaymentSettings, db: Database): PaymentProvider {
  if (settings.provider === 'sandbox') return createSandboxProvider(db);
  const { secretKey, apiBase } = settings.stripe;
  if (secretKey === undefined) throw new Error('PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY');
  return createStripeProvider({ secretKey, apiBase, timeoutMs: settings.timeoutMs });
}

/**
 * Takes payments for orders: authorizes, captures, releases and refunds through a provider port.
 * Handlers queue provider operations in their transaction; a worker makes the calls outside any
 * transaction, retries what the provider did not do and reconciles what went unanswered.
 */
export const paymentService = defineService({
  id: 'PaymentService',
  schema: 'payments',
  settings: paymentSettings,
  create(ctx) {
    const settings = ctx.settings;
    const bell = new Bell();
    const worker = new OperationsWorker({
      db: ctx.db,
      outbox: ctx.outbox,
      provider: providerFor(settings, ctx.db),
      policy: { maxAttempts: settings.maxAttempts, baseDelayMs: settings.retryBaseMs, maxDelayMs: 300_000 },
      bell,
      clock: ctx.clock,
      logger: ctx.logger,
      callTimeoutMs: settings.timeoutMs,
    });
    return {
      migrations: paymentMigrations,
      handlers: [
        requestPaymentHandler(ctx.ids, bell, settings.currency),
        capturePaymentHandler(bell),
        adjustPaymentHandler(bell),
        refundCancelledOrderHandler(bell),
      ],
      routes: paymentRoutes(ctx, bell),
      workers: [worker],
    };
  },
});
