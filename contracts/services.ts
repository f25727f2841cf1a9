/**
 * The services of the Orders domain, with the versions the project runs.
 * The catalog's domain page lists OrdersService at 0.0.2 while the service page says 0.0.3;
 * the service page wins (docs/decisions/0001-catalog-defects.md).
 */
export const domain = {
  id: 'Orders',
  name: 'Orders',
  version: '0.0.3',
  summary: 'Everything about customer orders, from placement to fulfilment.',
  owners: ['dboyne', 'full-stack'],
} as const;

export const services = {
  OrdersService: { name: 'Orders Service', version: '0.0.3', context: 'orders', owners: ['dboyne'] },
  InventoryService: {
    name: 'Inventory Service',
    version: '0.0.2',
    context: 'inventory',
    owners: ['dboyne', 'full-stack', 'mobile-devs'],
  },
  NotificationService: {
    name: 'Notifications',
    version: '0.0.2',
    context: 'notifications',
    owners: ['dboyne'],
  },
  SubscriptionService: {
    name: 'Subscription Service',
    version: '0.0.1',
    context: 'subscriptions',
    owners: ['dboyne'],
  },
  PaymentService: {
    name: 'Payment Service',
    version: '0.0.1',
    context: 'payments',
    owners: ['dboyne', 'full-stack'],
  },
} as const;

export type ServiceId = keyof typeof services;
export type BoundedContext = (typeof services)[ServiceId]['context'];
