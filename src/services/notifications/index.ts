import { defineService } from '../../platform/service.js';
import { amendmentRejectedHandler } from './application/amendment-rejected.js';
import { backInStockAlertHandler } from './application/back-in-stock-alert.js';
import { Bell } from '../../platform/kernel/bell.js';
import { NotificationDispatcher, type DeliveryChannel } from './application/dispatcher.js';
import type { HandlerDependencies } from './application/notify.js';
import { orderCancelledHandler } from './application/order-cancelled.js';
import { orderConfirmationHandler } from './application/order-confirmation.js';
import { orderRejectedHandler } from './application/order-rejected.js';
import { outOfStockAlertHandler } from './application/out-of-stock-alert.js';
import { paymentFailedHandler } from './application/payment-failed.js';
import { paymentReceivedHandler } from './application/payment-received.js';
import { paymentRefundedHandler } from './application/payment-refunded.js';
import { rememberOrderHandler } from './application/remember-order.js';
import { subscriptionCancelledHandler } from './application/subscription-cancelled.js';
import { subscriptionWelcomeHandler } from './application/subscription-welcome.js';
import { notificationRoutes } from './http/routes.js';
import { notificationMigrations } from './infrastructure/migrations.js';
import { createRecordingChannel } from './infrastructure/recording-channel.js';
import { createSmtpEmailChannel } from './infrastructure/smtp-email-channel.js';
import { notificationSettings, type NotificationSettings } from './settings.js';

/** Email through SMTP when SMTP_URL is set; otherwise every notification is only recorded. */
function deliveryChannelFor(settings: NotificationSettings): DeliveryChannel {
  if (settings.smtpUrl === undefined) return createRecordingChannel();
  const smtp = createSmtpEmailChannel({ url: settings.smtpUrl, from: settings.mailFrom });
  return {
    name: smtp.name,
    delivery: 'delivered_to_provider',
    send: (message) => smtp.send(message),
    close: () => smtp.close(),
  };
}

/**
 * Tells customers and the inventory team what happened: handlers turn events into notifications
 * (once per event), the dispatcher delivers them with retries and reports each outcome as an event.
 */
export const notificationService = defineService({
  id: 'NotificationService',
  schema: 'notifications',
  settings: notificationSettings,
  create(ctx) {
    const settings = ctx.settings;
    const bell = new Bell();
    const deps: HandlerDependencies = { ids: ctx.ids, alertsEmail: settings.alertsEmail, bell };
    const dispatcher = new NotificationDispatcher({
      db: ctx.db,
      outbox: ctx.outbox,
      logger: ctx.logger,
      channel: deliveryChannelFor(settings),
      bell,
      maxAttempts: settings.maxAttempts,
      retryBaseMs: settings.retryBaseMs,
    });
    return {
      migrations: notificationMigrations,
      handlers: [
        rememberOrderHandler(),
        orderConfirmationHandler(deps),
        orderRejectedHandler(deps),
        orderCancelledHandler(deps),
        amendmentRejectedHandler(deps),
        outOfStockAlertHandler(deps),
        backInStockAlertHandler(deps),
        paymentReceivedHandler(deps),
        paymentFailedHandler(deps),
        paymentRefundedHandler(deps),
        subscriptionWelcomeHandler(deps),
        subscriptionCancelledHandler(deps),
      ],
      routes: notificationRoutes(ctx.db),
      workers: [dispatcher],
    };
  },
});
