import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { describeEachEngine, type TestDatabase } from '../../../../test/support/databases.js';
import { migrate } from '../../../platform/db/migrations.js';
import { notificationMigrations } from './migrations.js';
import {
  getNotification,
  insertNotifications,
  recordFinalOutcomes,
  type StoredNotification,
} from './notification-store.js';

describeEachEngine('notifications: how sends ended, recorded together', (open) => {
  let database: TestDatabase;

  before(async () => {
    database = await open();
    await migrate(database.db, 'notifications', notificationMigrations);
  });

  after(async () => {
    await database.dispose();
  });

  async function pending(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await insertNotifications(
      database.db,
      ids.map((notificationId) => ({
        notificationId,
        type: 'order_confirmation',
        channel: 'email',
        recipient: 'ada@example.com',
        subject: 'Your order',
        text: 'Thank you',
        orderId: null,
        sourceMessageId: randomUUID(),
        correlationId: 'correlation',
        traceparent: undefined,
        actor: undefined,
        createdAt: new Date(),
      })),
    );
    return ids;
  }

  const stored = async (id: string): Promise<Partial<StoredNotification> | undefined> => {
    const notification = await getNotification(database.db, id);
    return (
      notification && {
        status: notification.status,
        providerMessageId: notification.providerMessageId,
        lastError: notification.lastError,
        sentAt: notification.sentAt,
      }
    );
  };

  it('records sends and failures in one call, and each only while its notification is pending', async () => {
    const [sent, recorded, failed] = (await pending(3)) as [string, string, string];
    const at = new Date(Date.now() - 60_000);
    const taken = await recordFinalOutcomes(database.db, [
      { notificationId: sent, status: 'sent', providerMessageId: '<m-1@smtp>', error: null, at },
      { notificationId: recorded, status: 'recorded', providerMessageId: null, error: null, at },
      { notificationId: failed, status: 'failed', providerMessageId: null, error: '550 no such user', at },
    ]);
    assert.deepEqual([...taken].sort(), [sent, recorded, failed].sort());
    assert.deepEqual(await stored(sent), {
      status: 'sent',
      providerMessageId: '<m-1@smtp>',
      lastError: null,
      sentAt: at,
    });
    assert.deepEqual(await stored(recorded), {
      status: 'recorded',
      providerMessageId: null,
      lastError: null,
      sentAt: at,
    });
    assert.deepEqual(await stored(failed), {
      status: 'failed',
      providerMessageId: null,
      lastError: '550 no such user',
      sentAt: null,
    });

    const [later] = (await pending(1)) as [string];
    const again = await recordFinalOutcomes(database.db, [
      { notificationId: sent, status: 'failed', providerMessageId: null, error: 'late', at: new Date() },
      { notificationId: later, status: 'sent', providerMessageId: '<m-2@smtp>', error: null, at },
    ]);
    assert.deepEqual(
      [...again],
      [later],
      'the one settled already is left out: another dispatcher got there first',
    );
    assert.equal((await stored(sent))?.status, 'sent');
    assert.equal((await stored(later))?.status, 'sent');
  });
});
