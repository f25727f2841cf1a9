import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { render } from './templates.js';

const orderId = '0b4e7f3a-5c1d-4e2a-9f6b-8a7c3d2e1f00';

describe('payment emails', () => {
  it('acknowledge a payment with its amount and method, and say when it is taken', () => {
    const { subject, text } = render({
      type: 'payment_received',
      customerName: 'Ada',
      orderId,
      amount: 59.98,
      paymentMethod: 'Credit Card',
    });

    assert.equal(subject, `Payment received for order ${orderId}`);
    assert.match(text, /Hello Ada,/);
    assert.match(text, /your payment of \$59\.98 \(Credit Card\) for order/);
    assert.match(text, /taken when your goods leave our warehouse/);
  });

  it("report a failed payment in the provider's words, and that nothing was charged", () => {
    const { subject, text } = render({
      type: 'payment_failed',
      customerName: 'Ada',
      orderId,
      amount: 59.98,
      message: 'Your card was declined.',
    });

    assert.equal(subject, `Payment for order ${orderId} did not go through`);
    assert.match(text, /The payment provider said: Your card was declined\./);
    assert.match(text, /Nothing has been charged/);
  });

  it('tell a refund from a released hold, with the reason', () => {
    const refund = render({
      type: 'payment_refunded',
      customerName: 'Ada',
      orderId,
      amount: 30,
      method: 'refund',
      reason: 'order_cancelled',
    });
    assert.equal(refund.subject, `Refund of $30.00 for order ${orderId}`);
    assert.match(refund.text, /We have refunded \$30\.00 for order .*, because the order was cancelled\./);

    const release = render({
      type: 'payment_refunded',
      customerName: 'Ada',
      orderId,
      amount: 30,
      method: 'authorization_release',
      reason: 'order_amended',
    });
    assert.match(
      release.text,
      /released the \$30\.00 reserved .* because the order was changed; nothing was taken\./,
    );
  });
});
