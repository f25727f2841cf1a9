import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JetStreamTopology, durableName } from '../../src/platform/messaging/jetstream-topology.js';

const registry = [
  'orders.events.OrderPlaced',
  'orders.events.OrderConfirmed',
  'orders.commands.PlaceOrder',
  'inventory.events.InventoryReserved',
];

describe('the JetStream topology derived from the registry', () => {
  const topology = new JetStreamTopology('blue', registry);

  it('has a stream per bounded context, holding every subject of that context', () => {
    assert.deepEqual(topology.streams, [
      { name: 'blue_ORDERS', context: 'orders', subjects: ['blue.orders.>'] },
      { name: 'blue_INVENTORY', context: 'inventory', subjects: ['blue.inventory.>'] },
    ]);
    assert.equal(new JetStreamTopology('', registry).streams[0]?.name, 'ORDERS');
    assert.equal(
      new JetStreamTopology('', registry).subjectOf('orders.events.OrderPlaced'),
      'orders.events.OrderPlaced',
    );
  });

  it('gives a handler one durable named after its consumer, filtered on its channel', () => {
    const plans = topology.consumersFor('InventoryService-reserve-inventory', ['orders.events.OrderPlaced']);
    assert.deepEqual(
      plans.map((plan) => [plan.stream.name, plan.durable, plan.filterSubject]),
      [['blue_ORDERS', 'InventoryService-reserve-inventory', 'blue.orders.events.OrderPlaced']],
    );
  });

  it('gives an observer of every channel one durable per stream, on the wildcard where a context has several', () => {
    const plans = topology.consumersFor('OrdersService-timeline', registry);
    assert.deepEqual(
      plans.map((plan) => [plan.stream.name, plan.durable, plan.filterSubject]),
      [
        ['blue_ORDERS', 'OrdersService-timeline', 'blue.orders.>'],
        ['blue_INVENTORY', 'OrdersService-timeline', 'blue.inventory.events.InventoryReserved'],
      ],
    );
  });

  it('splits channels that cover part of a context into a durable each (nats-server 2.9 filters on one subject)', () => {
    const plans = topology.consumersFor('audit', [
      'orders.events.OrderPlaced',
      'orders.events.OrderConfirmed',
    ]);
    assert.deepEqual(
      plans.map((plan) => [plan.durable, plan.filterSubject]),
      [
        ['audit_OrderPlaced', 'blue.orders.events.OrderPlaced'],
        ['audit_OrderConfirmed', 'blue.orders.events.OrderConfirmed'],
      ],
    );
  });

  it('refuses a channel no contract declares', () => {
    assert.throws(
      () => topology.consumersFor('x', ['payments.events.PaymentProcessed']),
      /belongs to no stream/,
    );
  });

  it('makes any consumer name a valid durable name', () => {
    assert.equal(durableName('Orders Service.timeline>*/x'), 'Orders_Service_timeline___x');
  });
});
