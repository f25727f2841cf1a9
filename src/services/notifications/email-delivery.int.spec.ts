import assert from 'node:assert/strict';
import { it } from 'node:test';
import { NotificationFailed, NotificationSent, OrderConfirmed } from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import { notificationSpec, type NotificationJson } from '../../../test/support/notifications.js';

describeEachEngine('NotificationService: handing emails to the provider', (open) => {
  const { smtp, start, publish, knownOrder, dispatched, notifications, publishedOf, get } =
    notificationSpec(open);

  it('retries an email the SMTP server defers (450) and sends it on the third attempt', async () => {
    await start();
    smtp().failNext(2, 450);
    const order = await knownOrder();
    await publish(OrderConfirmed, order.confirmed);

    await smtp().waitForMessages(1);
    await dispatched();

    assert.equal(smtp().received.length, 1);
    const [row] = await notifications();
    assert.equal(row?.status, 'sent');
    assert.equal(row.attempts, 3);
    assert.equal(row.last_error, null);
    assert.equal((await publishedOf(NotificationSent)).length, 1);
    assert.equal((await publishedOf(NotificationFailed)).length, 0);
  });

  it('fails an email the SMTP server refuses for good (550) after one attempt and reports it', async () => {
    await start();
    smtp().failNext(1, 550);
    const order = await knownOrder();
    const confirmed = await publish(OrderConfirmed, order.confirmed);

    await dispatched();

    // A retry would have gone through: the server refuses only the first message.
    assert.deepEqual(smtp().received, []);
    const [row, ...others] = await notifications();
    assert.equal(others.length, 0);
    assert.equal(row?.status, 'failed');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error ?? '', /550/);
    assert.equal(row.sent_at, null);

    const [failed, ...moreFailed] = await publishedOf(NotificationFailed);
    assert.equal(moreFailed.length, 0);
    assert.ok(failed);
    assert.equal(failed.causationid, confirmed.id);
    assert.equal(failed.data['attempts'], 1);
    assert.match(failed.data.error, /550/);
    assert.equal((await publishedOf(NotificationSent)).length, 0);
  });

  it('records notifications without sending them when no email provider is configured, visible over HTTP', async () => {
    await start({ SMTP_URL: '' });
    const order = await knownOrder();
    await publish(OrderConfirmed, order.confirmed);
    await dispatched();

    const response = await get(`/notifications?orderId=${order.orderId}`);
    assert.equal(response.statusCode, 200);
    const body = response.json<{ notifications: NotificationJson[] }>();
    assert.equal(body.notifications.length, 1);
    const [recorded] = body.notifications;
    assert.equal(recorded?.status, 'recorded');
    assert.equal(recorded.type, 'order_confirmation');
    assert.equal(recorded.channel, 'email');
    assert.equal(recorded.recipient, 'ada@example.test');
    assert.equal(recorded.attempts, 1);
    assert.equal(recorded.content.subject, `Order ${order.orderId} confirmed`);
    assert.match(recorded.content.text, /Total: \$74\.98/);
    assert.ok(recorded.sentAt);
    assert.deepEqual(smtp().received, []);

    const sent = await publishedOf(NotificationSent);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.data['delivery'], 'recorded_only');
  });
});
