export { allocate, type Allocation, type RequestedLine } from './allocation.js';
export { applyAmendment, planAmendment, type QuantityChange } from './amendment.js';
export { inventoryRules } from './errors.js';
export { applyDeduction, applyRelease, applyReservation, applyRestock } from './stock-movements.js';
export { available, changeStock, emptyStock, receiveStock, type StockLevel } from './stock.js';
export {
  amendableState,
  onCancellation,
  onConfirmation,
  onReservation,
  tombstone,
  type OrderAllocation,
} from './order-allocation.js';
