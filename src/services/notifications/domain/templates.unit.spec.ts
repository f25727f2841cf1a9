import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { render, type OrderRejectionReason } from './templates.js';

describe('render', () => {
  it('confirms an order with every line, its prices and the total', () => {
    const { subject, text } = render({
      type: 'order_confirmation',
      customerName: 'Ada',
      orderId: 'ord-1',
      items: [
        { name: 'Widget', quantity: 2, unitPrice: 12.5, totalPrice: 25 },
        { name: 'Gadget', quantity: 1, unitPrice: 1234.5, totalPrice: 1234.5 },
      ],
      totalAmount: 1259.5,
    });

    assert.match(subject, /ord-1/);
    assert.match(subject, /confirmed/i);
    assert.match(text, /Hello Ada,/);
    assert.match(text, /2 x Widget at \$12\.50 = \$25\.00/);
    assert.match(text, /1 x Gadget at \$1,234\.50 = \$1,234\.50/);
    assert.match(text, /Total: \$1,259\.50/);
  });

  it('formats money in the order currency when one is given', () => {
    const { text } = render({
      type: 'order_confirmation',
      customerName: 'Ada',
      orderId: 'ord-1',
      items: [{ name: 'Widget', quantity: 1, unitPrice: 3, totalPrice: 3 }],
      totalAmount: 3,
      currency: 'EUR',
    });

    assert.match(text, /Total: €3\.00/);
  });

  it('names every short product with how many were requested and available', () => {
    const { subject, text } = render({
      type: 'order_rejected',
      customerName: 'Ada',
      orderId: 'ord-2',
      reason: 'insufficient_stock',
      shortages: [
        { productName: 'Widget', productId: 'p-1', requested: 3, available: 1 },
        { productId: 'p-2', requested: 5, available: 0 },
      ],
    });

    assert.match(subject, /ord-2/);
    assert.match(text, /do not have enough stock/);
    assert.match(text, /Widget \(p-1\): 3 requested, 1 available/);
    assert.match(text, /p-2: 5 requested, 0 available/);
  });

  it('explains each rejection reason in its own words', () => {
    const expectedCauses: [OrderRejectionReason, RegExp][] = [
      ['insufficient_stock', /do not have enough stock/],
      ['unknown_product', /could not find in our catalogue/],
      ['order_cancelled', /cancelled before we could reserve/],
    ];

    for (const [reason, cause] of expectedCauses) {
      const { text } = render({
        type: 'order_rejected',
        customerName: 'Ada',
        orderId: 'ord-2',
        reason,
        shortages: [],
      });
      assert.match(text, cause);
    }
  });

  it('reports a cancellation with its total and reason', () => {
    const { subject, text } = render({
      type: 'order_cancelled',
      customerName: 'Ada',
      orderId: 'ord-3',
      reason: 'requested by the customer',
      totalAmount: 42,
    });

    assert.match(subject, /ord-3/);
    assert.match(subject, /cancelled/i);
    assert.match(text, /total \$42\.00/);
    assert.match(text, /Reason: requested by the customer/);
  });

  it('leaves the reason out of a cancellation that has none', () => {
    const { text } = render({
      type: 'order_cancelled',
      customerName: 'Ada',
      orderId: 'ord-3',
      totalAmount: 42,
    });

    assert.doesNotMatch(text, /Reason:/);
  });

  it('tells why an amendment was not applied', () => {
    const { subject, text } = render({
      type: 'amendment_rejected',
      customerName: 'Ada',
      orderId: 'ord-4',
      reason: 'the order has already shipped',
    });

    assert.match(subject, /ord-4/);
    assert.match(text, /Hello Ada,/);
    assert.match(text, /Reason: the order has already shipped/);
  });

  it('alerts about a product out of stock with where and for which order', () => {
    const { subject, text } = render({
      type: 'out_of_stock_alert',
      productId: 'p-1',
      warehouseId: 'wh-east',
      available: 0,
      requested: 4,
      orderId: 'ord-5',
    });

    assert.match(subject, /p-1/);
    assert.match(subject, /wh-east/);
    assert.match(text, /Available: 0/);
    assert.match(text, /Requested: 4/);
    assert.match(text, /Order: ord-5/);
  });

  it('alerts about a product out of stock with only the facts it has', () => {
    const { subject, text } = render({ type: 'out_of_stock_alert', productId: 'p-1', available: 2 });

    assert.equal(subject, 'Out of stock: product p-1');
    assert.match(text, /Available: 2/);
    assert.doesNotMatch(text, /Requested|Order|warehouse/);
  });

  it('alerts that a product is back in stock with where, how many and why', () => {
    const { subject, text } = render({
      type: 'back_in_stock_alert',
      productId: 'p-1',
      warehouseId: 'wh-east',
      available: 12,
      added: 12,
      reason: 'restock',
    });

    assert.equal(subject, 'Back in stock: product p-1 in warehouse wh-east');
    assert.match(text, /Product p-1 is back in stock in warehouse wh-east\./);
    assert.match(text, /Available: 12/);
    assert.match(text, /Added: 12/);
    assert.match(text, /Reason: restock/);
  });

  it('alerts that a product is back in stock with only the facts it has', () => {
    const { subject, text } = render({
      type: 'back_in_stock_alert',
      productId: 'p-1',
      available: 3,
      added: 5,
    });

    assert.equal(subject, 'Back in stock: product p-1');
    assert.doesNotMatch(text, /warehouse|Reason/);
  });
});
