import { problemResponse } from '../../../platform/http/problem.js';
import { Type, type TSchema } from 'typebox';
import { exampleIds, exampleTime } from '../../../../contracts/examples.js';
import { NotificationChannel, NotificationType } from '../../../../contracts/index.js';
import type { Database } from '../../../platform/db/database.js';
import { ownerScope } from '../../../platform/auth/http.js';
import type { HttpApp } from '../../../platform/http/app.js';
import { ruleViolations } from '../../../platform/kernel/errors.js';
import {
  getNotification,
  listNotifications,
  type StoredNotification,
} from '../infrastructure/notification-store.js';

const errors = ruleViolations('NOTIFICATIONS');

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const notificationExample = {
  notificationId: exampleIds.notification,
  type: 'order_confirmation',
  recipient: 'ada@example.com',
  content: { subject: 'Your order is confirmed', text: 'Thank you for your order.' },
  channel: 'email',
  status: 'sent',
  attempts: 1,
  lastError: null,
  orderId: exampleIds.order,
  createdAt: exampleTime,
  timestamp: exampleTime,
  sentAt: exampleTime,
};

const NotificationView = Type.Object(
  {
    notificationId: Type.String({ format: 'uuid', description: 'The notification.' }),
    type: NotificationType,
    recipient: Type.String({ description: 'Where it goes: an email address.' }),
    content: Type.Object(
      {
        subject: Type.String({
          description: 'The subject line, as rendered when the notification was created.',
        }),
        text: Type.String({
          description: 'The plain-text body, as rendered when the notification was created.',
        }),
      },
      { additionalProperties: false },
    ),
    channel: NotificationChannel,
    status: Type.Union(
      [Type.Literal('pending'), Type.Literal('sent'), Type.Literal('recorded'), Type.Literal('failed')],
      {
        description:
          '`pending` until delivered or given up on; `sent` when handed to the provider; `recorded` when no provider is configured; `failed` after a permanent refusal or the last attempt.',
      },
    ),
    attempts: Type.Integer({ minimum: 0, description: 'Delivery attempts made so far.' }),
    lastError: Nullable(
      Type.String({ description: 'What the channel reported on the last failed attempt.' }),
    ),
    orderId: Nullable(Type.String({ format: 'uuid', description: 'The order it is about, if any.' })),
    createdAt: Type.String({ format: 'date-time', description: 'When the notification was created.' }),
    timestamp: Type.String({ format: 'date-time', description: 'The catalog name of `createdAt`.' }),
    sentAt: Nullable(Type.String({ format: 'date-time', description: 'When it was sent or recorded.' })),
  },
  {
    additionalProperties: false,
    title: 'Notification',
    examples: [notificationExample],
  },
);

const view = (notification: StoredNotification) => ({
  notificationId: notification.notificationId,
  type: notification.type,
  recipient: notification.recipient,
  content: { subject: notification.subject, text: notification.text },
  channel: notification.channel,
  status: notification.status,
  attempts: notification.attempts,
  lastError: notification.lastError,
  orderId: notification.orderId,
  createdAt: notification.createdAt.toISOString(),
  timestamp: notification.createdAt.toISOString(),
  sentAt: notification.sentAt?.toISOString() ?? null,
});

/** Read-only: what was (or will be) sent to whom, and how delivery went. */
export const notificationRoutes =
  (db: Database) =>
  async (app: HttpApp): Promise<void> => {
    app.get(
      '/notifications',
      {
        schema: {
          operationId: 'listNotifications',
          tags: ['notifications'],
          summary: 'Notifications of a recipient or an order, newest first',
          description: 'At least one of `recipient` and `orderId` is required.',
          querystring: Type.Object(
            {
              recipient: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 254,
                  description: 'Email address; case does not matter.',
                }),
              ),
              orderId: Type.Optional(Type.String({ format: 'uuid', description: 'The order.' })),
              type: Type.Optional(NotificationType),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object(
              { notifications: Type.Array(NotificationView) },
              { additionalProperties: false, examples: [{ notifications: [notificationExample] }] },
            ),
            400: problemResponse('The filters are invalid or missing'),
          },
        },
      },
      async (request) => {
        const { recipient, orderId, type, limit } = request.query;
        if (recipient === undefined && orderId === undefined) {
          throw errors.validation(
            'FILTER_REQUIRED',
            'Give a recipient or an orderId (or both) to list notifications.',
          );
        }
        const notifications = await listNotifications(db, {
          recipient,
          orderId,
          type,
          customerId: ownerScope(request),
          limit: limit ?? 50,
        });
        return { notifications: notifications.map(view) };
      },
    );

    app.get(
      '/notifications/:notificationId',
      {
        schema: {
          operationId: 'getNotification',
          tags: ['notifications'],
          summary: 'One notification, with its content and delivery status',
          params: Type.Object({ notificationId: Type.String({ format: 'uuid' }) }),
          response: {
            200: NotificationView,
            400: problemResponse('The id is not a uuid'),
            404: problemResponse('No such notification'),
          },
        },
      },
      async (request) => {
        const notification = await getNotification(db, request.params.notificationId, ownerScope(request));
        if (!notification) {
          throw errors.notFound('NOT_FOUND', `No notification ${request.params.notificationId}`);
        }
        return view(notification);
      },
    );
  };
