import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contracts } from '../../contracts/index.js';
import { busIdentityOf } from '../../src/hosts/distributed/nats-identities.js';
import { domainServices } from '../../src/hosts/domain-services.js';
import { loadSettings } from '../../src/platform/kernel/settings.js';

const settings = loadSettings({});

describe('the bus consumers of each service', () => {
  it('receive each channel once per service: an observer gets no channel a handler of its service takes', () => {
    for (const module of domainServices) {
      const channels = busIdentityOf(module, settings).consumers.flatMap((consumer) => consumer.channels);
      const twice = channels.filter((channel, index) => channels.indexOf(channel) !== index);
      assert.deepEqual(twice, [], `${module.id} has two consumers of ${twice.join(', ')}`);
    }
  });

  it('still bring every message of the domain to OrdersService, whose timeline records them all', () => {
    const orders = domainServices.find((module) => module.id === 'OrdersService');
    assert.ok(orders);
    const { consumers } = busIdentityOf(orders, settings);
    const received = new Set(consumers.flatMap((consumer) => consumer.channels));
    const timeline = consumers.find((consumer) => consumer.name === 'OrdersService-timeline');
    assert.ok(timeline, 'the timeline keeps a consumer for the channels no handler of OrdersService takes');
    assert.deepEqual(
      contracts.map((contract) => contract.channel).filter((channel) => !received.has(channel)),
      [],
    );
  });
});
