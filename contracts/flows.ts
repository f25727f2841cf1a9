import { CancelSubscriptionFlow, PaymentFlow } from './flows/catalog-flows.js';
import type { FlowDeclaration } from './flows/declaration.js';
import { OrderAmendmentFlow, OrderCancellationFlow } from './flows/order-changes.js';
import { OrderPlacementFlow } from './flows/order-placement.js';

export type * from './flows/declaration.js';
export { CancelSubscriptionFlow, OrderAmendmentFlow, OrderCancellationFlow, OrderPlacementFlow, PaymentFlow };

/** Every documented flow: the catalog's two and the project's own. */
export const flows: readonly FlowDeclaration[] = [
  OrderPlacementFlow,
  OrderCancellationFlow,
  OrderAmendmentFlow,
  PaymentFlow,
  CancelSubscriptionFlow,
];
