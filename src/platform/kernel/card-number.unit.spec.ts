import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containsCardNumber, looksLikeCardNumber } from './card-number.js';

describe('card numbers', () => {
  it('finds a Luhn-valid run of 13 to 19 digits, spaced, dashed or inside other text', () => {
    assert.equal(looksLikeCardNumber('4111 1111 1111 1111'), true);
    assert.equal(containsCardNumber('pay with 4111-1111-1111-1111 please'), true);
    assert.equal(containsCardNumber('4111111111111112'), false, 'fails the Luhn check');
    assert.equal(containsCardNumber('411111111111'), false, 'too short');
  });

  it('does not read a UUID as a card number, even when its digits would pass the Luhn check', () => {
    // Its leading groups join into 10000008 1234 4123 812: 19 digits that pass the Luhn check.
    const uuid = '10000008-1234-4123-8123-abcdefabcdef';
    assert.equal(looksLikeCardNumber('1000000812344123812'), true);
    assert.equal(containsCardNumber(uuid), false);
    assert.equal(containsCardNumber(`order ${uuid} for 4111 1111 1111 1111`), true);
  });
});
