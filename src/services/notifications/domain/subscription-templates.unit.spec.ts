import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { render, type SubscriptionCancelledContent } from './templates.js';

describe('subscription emails', () => {
  it('welcome the subscriber with the price per period and the next payment date', () => {
    const { subject, text } = render({
      type: 'subscription_started',
      customerName: 'Ada',
      planName: 'Pro',
      amount: 29,
      currency: 'EUR',
      interval: 'month',
      renewsAt: '2026-08-04T14:48:00.000Z',
    });

    assert.equal(subject, 'Welcome to Pro');
    assert.match(text, /Hello Ada,/);
    assert.match(text, /You pay €29\.00 every month; the next payment is on 4 August 2026\./);
  });

  const cancelled: SubscriptionCancelledContent = {
    type: 'subscription_cancelled',
    customerName: 'Ada',
    planName: 'Pro',
    mode: 'end_of_period',
    endsAt: '2026-08-04T14:48:00.000Z',
    initiatedBy: 'customer',
  };

  it('confirm a cancellation at the period end with the day access ends and no further charge', () => {
    const { subject, text } = render(cancelled);

    assert.equal(subject, 'Your Pro subscription is cancelled');
    assert.match(text, /As you asked, we have cancelled your Pro subscription\./);
    assert.match(text, /You keep access until 4 August 2026, and you will not be charged again\./);
  });

  it('say access has ended for an immediate cancellation, and who cancelled when it was not the customer', () => {
    const { text } = render({ ...cancelled, mode: 'immediately', initiatedBy: 'provider' });

    assert.match(text, /Your access ended on 4 August 2026\./);
    assert.match(text, /has been cancelled by our payment provider/);
    assert.doesNotMatch(text, /As you asked/);
  });
});
