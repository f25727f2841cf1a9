import type { Badge } from '@eventcatalog/sdk';
import { domain } from '../../contracts/index.js';

/**
 * The Orders domain's earlier versions and changelog, as the reference catalog
 * (shared/reference/eventcatalog-orders/domains/Orders) records them, and the project's own entry
 * for what it changed in the version it exports.
 */
export interface DomainVersion {
  readonly version: string;
  readonly summary?: string;
  readonly owners: readonly string[];
  readonly services: readonly { readonly id: string; readonly version: string }[];
  readonly markdown: string;
}

export const domainBadges: Badge[] = [{ content: 'New domain', backgroundColor: 'blue', textColor: 'blue' }];

const referenceServices = [
  { id: 'InventoryService', version: '0.0.2' },
  { id: 'NotificationService', version: '0.0.2' },
  { id: 'OrdersService', version: '0.0.2' },
];

const orderExample = [
  '```mermaid',
  'sequenceDiagram',
  '    participant Customer',
  '    participant OrdersService',
  '    participant InventoryService',
  '    participant NotificationService',
  '',
  '    Customer->>OrdersService: Place Order',
  '    OrdersService->>InventoryService: Check Inventory',
  '    InventoryService-->>OrdersService: Inventory Available',
  '    OrdersService->>InventoryService: Reserve Inventory',
  '    OrdersService->>NotificationService: Send Order Confirmation',
  '    NotificationService-->>Customer: Order Confirmation',
  '    OrdersService->>Customer: Order Placed Successfully',
  '    OrdersService->>InventoryService: Update Inventory',
  '```',
];

/** The versions before the one the project exports, oldest first, as the reference wrote them. */
export const earlierDomainVersions: readonly DomainVersion[] = [
  {
    version: '0.0.1',
    summary: 'Domain for everything shopping',
    owners: ['dboyne', 'full-stack'],
    services: [{ id: 'InventoryService', version: '0.0.2' }],
    markdown: ['## Overview', '', '<NodeGraph />'].join('\n'),
  },
  {
    version: '0.0.2',
    owners: ['dboyne'],
    services: referenceServices,
    markdown: [
      '## Overview',
      '',
      'The Orders domain handles all operations related to customer orders, from creation to fulfillment. This documentation provides an overview of the events and services involved in the Orders domain, helping developers and stakeholders understand the event-driven architecture.',
      '',
      '<Admonition type="warning">Please ensure all services are updated to the latest version for compatibility and performance improvements.</Admonition>',
      '',
      '## Bounded context',
      '',
      '<NodeGraph />',
      '',
      '### Order example (sequence diagram)',
      '',
      ...orderExample,
    ].join('\n'),
  },
];

/** The changelog of the exported version: the project's entry first, then the reference's. */
export const domainChangelog = {
  createdAt: new Date('2026-12-02'),
  markdown: [
    `### ${domain.version} as the project runs it`,
    '',
    'Generated from the code that runs the domain, not written by hand:',
    '',
    '- PaymentService and SubscriptionService join InventoryService, NotificationService and OrdersService.',
    '- Every service is at the version its own page states; OrdersService is 0.0.3.',
    '- The flows are the ones the running system checks each order against: order placement, cancellation, amendment, payment and subscription cancellation.',
    '- Each service publishes its own AsyncAPI and OpenAPI documents.',
    '- The differences from the reference catalog, and why, are in docs/decisions/0001-catalog-defects.md.',
    '',
    '---',
    '',
    '### Service added to domain (2024-08-01, from the reference catalog)',
    '',
    'Added the InventoryService to the domain.',
  ].join('\n'),
} as const;
