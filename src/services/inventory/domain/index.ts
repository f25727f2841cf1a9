export {
  allocate,
  type Allocation,
  type AllocationResult,
  type RequestedLine,
  type Shortage,
} from './allocation.js';
export {
  applyAmendment,
  planAmendment,
  type AllocationState,
  type AmendmentPlan,
  type AmendmentRequest,
  type PlannedAmendment,
  type QuantityChange,
} from './amendment.js';
export { inventoryRules, type InventoryViolationCode } from './errors.js';
export { applyDeduction, applyRelease, applyReservation, applyRestock } from './stock-movements.js';
export { available, changeStock, emptyStock, receiveStock, type StockLevel } from './stock.js';
export {
  amendableState,
  onCancellation,
  onConfirmation,
  onReservation,
  tombstone,
  type OrderAllocation,
  type OrderAllocationState,
} from './order-allocation.js';
