import { Type } from 'typebox';
import { declareSettings, optionalText, type SettingsOf } from '../../platform/kernel/settings-schema.js';

export const notificationSettings = declareSettings(
  Type.Object({
    smtpUrl: optionalText({
      env: 'SMTP_URL',
      description:
        'Send email through this SMTP server, e.g. `smtp://user:pass@mail:587`; without it notifications are recorded (`status: recorded`) and visible, never dropped',
    }),
    mailFrom: Type.String({
      env: 'MAIL_FROM',
      default: 'Orders <orders@localhost>',
      description: 'Sender of the emails',
    }),
    alertsEmail: Type.String({
      env: 'INVENTORY_ALERTS_EMAIL',
      default: 'inventory-team@localhost',
      description: 'Who hears about products out of stock and back in stock',
    }),
    maxAttempts: Type.Integer({
      env: 'NOTIFICATION_MAX_ATTEMPTS',
      default: 5,
      minimum: 1,
      maximum: 100,
      description: 'Sends of a notification before it is marked failed',
    }),
    retryBaseMs: Type.Integer({
      env: 'NOTIFICATION_RETRY_BASE_MS',
      default: 1000,
      minimum: 1,
      maximum: 3_600_000,
      description: 'Back-off base between sends',
    }),
  }),
);

export type NotificationSettings = SettingsOf<typeof notificationSettings>;
