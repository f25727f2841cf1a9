import { Type } from 'typebox';
import { Text, Timestamp, Uuid } from '../common.js';
import { eventsOf } from '../define.js';
import { exampleIds as ids, exampleTime as time } from '../examples.js';

export const NotificationType = Type.Union([
  Type.Literal('order_confirmation'),
  Type.Literal('order_rejected'),
  Type.Literal('order_cancelled'),
  Type.Literal('amendment_rejected'),
  Type.Literal('out_of_stock_alert'),
  Type.Literal('back_in_stock_alert'),
  Type.Literal('payment_received'),
  Type.Literal('payment_failed'),
  Type.Literal('payment_refunded'),
  Type.Literal('subscription_started'),
  Type.Literal('subscription_cancelled'),
]);

export const NotificationChannel = Type.Union([
  Type.Literal('email'),
  Type.Literal('sms'),
  Type.Literal('push'),
  Type.Literal('webhook'),
  Type.Literal('in_app'),
]);

const projectEvent = eventsOf({
  owners: ['dboyne'],
  origin: 'project',
  context: 'notifications',
  producers: ['NotificationService'],
});

const NotificationFields = {
  notificationId: Uuid('The notification.'),
  type: NotificationType,
  channel: NotificationChannel,
  recipient: Text('Where it went: an email address, a phone number, a user id.', 254),
  orderId: Type.Optional(Uuid('The order it is about, if any.')),
  timestamp: Timestamp('When the outcome was recorded.'),
};

const exampleNotification = {
  notificationId: ids.notification,
  type: 'order_confirmation',
  channel: 'email',
  recipient: 'ada@example.com',
  orderId: ids.order,
  timestamp: time,
} as const;

export const NotificationSent = projectEvent({
  id: 'NotificationSent',
  name: 'Notification sent',
  version: '0.0.1',
  summary: 'A notification was handed to its channel (or recorded, where no provider is configured).',
  consumers: [],
  subjectOf: (event) => event.notificationId,
  fields: {
    ...NotificationFields,
    delivery: Type.Union([Type.Literal('delivered_to_provider'), Type.Literal('recorded_only')]),
  },
  example: {
    ...exampleNotification,
    delivery: 'delivered_to_provider',
  },
});

export const NotificationFailed = projectEvent({
  id: 'NotificationFailed',
  name: 'Notification failed',
  version: '0.0.1',
  summary: 'A notification could not be delivered after every attempt.',
  consumers: [],
  subjectOf: (event) => event.notificationId,
  fields: {
    ...NotificationFields,
    attempts: Type.Integer({ minimum: 1 }),
    error: Text('The last error the channel reported.', 1000),
  },
  example: {
    ...exampleNotification,
    attempts: 5,
    error: '550 mailbox unavailable',
  },
});
