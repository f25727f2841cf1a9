import { inventoryService } from '../services/inventory/index.js';
import { notificationService } from '../services/notifications/index.js';
import { ordersService } from '../services/orders/index.js';
import { paymentService } from '../services/payments/index.js';
import { subscriptionService } from '../services/subscriptions/index.js';

/** Every service of the Orders domain, in the order their schemas are migrated. */
export const domainServices = [
  ordersService,
  inventoryService,
  notificationService,
  subscriptionService,
  paymentService,
] as const;
