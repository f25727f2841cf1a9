import type { Allocation } from './allocation.js';
import type { AllocationState } from './amendment.js';
import { inventoryRules } from './errors.js';

/**
 * Where an order stands with inventory:
 *
 *   (none)   → reserved (its lines are held) | refused (they could not be) | cancelled (a tombstone:
 *              cancelled before any reservation, so a late one is refused)
 *   reserved → deducted (confirmed: the units left the shelf) | released (cancelled)
 *   deducted → restocked (cancelled: the units came back)
 *   refused  → cancelled
 */
export type OrderAllocationState = AllocationState | 'released' | 'restocked' | 'refused' | 'cancelled';

export interface OrderAllocation {
  readonly orderId: string;
  /** Set from the reservation on; null for refused orders and tombstones. */
  readonly reservationId: string | null;
  readonly state: OrderAllocationState;
  readonly allocations: readonly Allocation[];
}

/** What a reservation request means for the order: hold its lines, refuse it, or nothing (a repeat). */
export function onReservation(allocation: OrderAllocation | undefined): 'reserve' | 'refuse' | 'none' {
  switch (allocation?.state) {
    case undefined:
    case 'refused':
      return 'reserve';
    case 'reserved':
    case 'deducted':
      return 'none';
    case 'cancelled':
    case 'released':
    case 'restocked':
      return 'refuse';
  }
}

/** What a confirmation means: take the held units off the shelf, or nothing (done already, or undone). */
export function onConfirmation(allocation: OrderAllocation): 'deduct' | 'none' {
  switch (allocation.state) {
    case 'reserved':
      return 'deduct';
    case 'deducted':
    case 'released':
    case 'restocked':
      return 'none';
    case 'refused':
    case 'cancelled':
      throw inventoryRules.conflict(
        'NOTHING_RESERVED',
        `Order ${allocation.orderId} was confirmed, but inventory ${allocation.state === 'refused' ? 'refused its reservation' : 'saw it cancelled'}: there is nothing to deduct`,
      );
  }
}

/**
 * What a cancellation means: give back what is held (`release`) or taken (`restock`), leave a
 * tombstone where nothing is held, or nothing (undone already).
 */
export function onCancellation(
  allocation: OrderAllocation | undefined,
): 'release' | 'restock' | 'tombstone' | 'none' {
  switch (allocation?.state) {
    case 'reserved':
      return 'release';
    case 'deducted':
      return 'restock';
    case undefined:
    case 'refused':
      return 'tombstone';
    case 'released':
    case 'restocked':
    case 'cancelled':
      return 'none';
  }
}

/** The state of an order whose allocation may be amended; any other refuses the amendment. */
export function amendableState(allocation: OrderAllocation): AllocationState {
  const { orderId, state } = allocation;
  if (state === 'reserved' || state === 'deducted') return state;
  throw inventoryRules.conflict(
    'NOT_AMENDABLE',
    `Order ${orderId} cannot be amended: its inventory is ${state}`,
  );
}

/** A tombstone: the order was cancelled before inventory held anything for it. */
export const tombstone = (orderId: string): OrderAllocation => ({
  orderId,
  reservationId: null,
  state: 'cancelled',
  allocations: [],
});
