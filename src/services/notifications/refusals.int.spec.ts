import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { OrderConfirmed } from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import { notificationSpec } from '../../../test/support/notifications.js';
import { thenProblem } from '../../../test/support/service-spec.js';

describeEachEngine('NotificationService: what it refuses', (open) => {
  const { smtp, start, publish, knownOrder, dispatched, notifications, get } = notificationSpec(open);

  it('dead-letters an OrderConfirmed of a version outside the accepted range and creates no notification', async () => {
    await start();
    const order = await knownOrder();
    const future = await publish(OrderConfirmed, order.confirmed, { dataversion: '9.0.0' });
    await dispatched();

    const body = (await get('/admin/dead-letters')).json<{
      deadLetters: { service: string; consumer: string; messageId: string; reason: string }[];
    }>();
    assert.equal(body.deadLetters.length, 1);
    const [letter] = body.deadLetters;
    assert.equal(letter?.service, 'NotificationService');
    assert.equal(letter.consumer, 'NotificationService-order-confirmation');
    assert.equal(letter.messageId, future.id);
    assert.match(letter.reason, /version 9\.0\.0 is outside the accepted range 0\.0\.x/);
    assert.deepEqual(await notifications(), []);
    assert.deepEqual(smtp().received, []);
  });

  it('answers 400 to a listing without recipient or orderId and 404 to an unknown notification', async () => {
    await start();

    thenProblem(await get('/notifications'), 400, 'NOTIFICATIONS.FILTER_REQUIRED');
    thenProblem(await get('/notifications?type=order_confirmation'), 400, 'NOTIFICATIONS.FILTER_REQUIRED');

    const unknownId = randomUUID();
    const problem = thenProblem(await get(`/notifications/${unknownId}`), 404, 'NOTIFICATIONS.NOT_FOUND');
    assert.match(problem.detail, new RegExp(unknownId));

    thenProblem(await get('/notifications/not-a-uuid'), 400, 'REQUEST.INVALID');
  });
});
