import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import semver from 'semver';
import { contracts, findContract, services, violationsOf } from './index.js';

describe('the contract registry', () => {
  it('declares each message id once, with a unique channel', () => {
    assert.equal(new Set(contracts.map((c) => c.id)).size, contracts.length);
    assert.equal(new Set(contracts.map((c) => c.channel)).size, contracts.length);
  });

  for (const contract of contracts) {
    describe(contract.id, () => {
      it('has an example that satisfies its own schema', () => {
        assert.deepEqual(violationsOf(contract.schema, contract.example), []);
      });

      it('has a semantic version and consumers whose ranges accept it', () => {
        assert.ok(semver.valid(contract.version), contract.version);
        for (const consumer of contract.consumers) {
          assert.ok(semver.validRange(consumer.accepts), `${consumer.service}: ${consumer.accepts}`);
          assert.ok(
            semver.satisfies(contract.version, consumer.accepts),
            `${consumer.service} accepts ${consumer.accepts}, which excludes ${contract.version}`,
          );
        }
      });

      it('has consumers that refuse the next major version: no range accepts everything', () => {
        const nextMajor = semver.inc(contract.version, 'major')!;
        for (const consumer of contract.consumers) {
          assert.ok(
            semver.gtr(nextMajor, consumer.accepts),
            `${consumer.service} accepts ${consumer.accepts}, which has no upper bound below ${nextMajor}`,
          );
          assert.ok(!semver.satisfies('9.0.0', consumer.accepts), `${consumer.service}: ${consumer.accepts}`);
        }
      });

      it('is produced and consumed only by known services', () => {
        for (const service of [...contract.producers, ...contract.consumers.map((c) => c.service)]) {
          assert.ok(service in services, service);
        }
      });

      it('derives the envelope subject from the payload', () => {
        assert.match(contract.subjectOf(contract.example), /^[0-9a-f-]{36}$/);
      });
    });
  }

  it('rejects a payload with a missing field, naming the field', () => {
    const placeOrder = findContract('PlaceOrder')!;
    const { customer: _customer, ...withoutCustomer } = placeOrder.example as Record<string, unknown>;
    assert.deepEqual(violationsOf(placeOrder.schema, withoutCustomer), [
      { field: '/customer', message: "must have required property 'customer'" },
    ]);
  });
});
