import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  amendableState,
  onCancellation,
  onConfirmation,
  onReservation,
  type OrderAllocation,
  type OrderAllocationState,
} from './order-allocation.js';

const inState = (state: OrderAllocationState): OrderAllocation => ({
  orderId: 'O1',
  reservationId: state === 'refused' || state === 'cancelled' ? null : 'R1',
  state,
  allocations: [],
});

describe('an order allocation', () => {
  it('is reserved when none exists or the last attempt was refused, and refused once cancelled', () => {
    assert.equal(onReservation(undefined), 'reserve');
    assert.equal(onReservation(inState('refused')), 'reserve');
    assert.equal(onReservation(inState('reserved')), 'none');
    assert.equal(onReservation(inState('deducted')), 'none');
    for (const state of ['cancelled', 'released', 'restocked'] as const)
      assert.equal(onReservation(inState(state)), 'refuse');
  });

  it('is deducted once, when reserved, and refuses a confirmation when nothing was reserved', () => {
    assert.equal(onConfirmation(inState('reserved')), 'deduct');
    for (const state of ['deducted', 'released', 'restocked'] as const)
      assert.equal(onConfirmation(inState(state)), 'none');
    for (const state of ['refused', 'cancelled'] as const)
      assert.throws(() => onConfirmation(inState(state)), {
        name: 'RuleViolation',
        category: 'conflict',
        code: 'INVENTORY.NOTHING_RESERVED',
      });
  });

  it('gives back what is held or taken when cancelled, and leaves a tombstone where nothing is', () => {
    assert.equal(onCancellation(inState('reserved')), 'release');
    assert.equal(onCancellation(inState('deducted')), 'restock');
    assert.equal(onCancellation(undefined), 'tombstone');
    assert.equal(onCancellation(inState('refused')), 'tombstone');
    for (const state of ['released', 'restocked', 'cancelled'] as const)
      assert.equal(onCancellation(inState(state)), 'none');
  });

  it('may be amended only while held or taken', () => {
    assert.equal(amendableState(inState('reserved')), 'reserved');
    assert.equal(amendableState(inState('deducted')), 'deducted');
    assert.throws(() => amendableState(inState('released')), { code: 'INVENTORY.NOT_AMENDABLE' });
  });
});
