export * from './define.js';
export * from './envelope.js';
export * from './services.js';
export * from './registry.js';
export * from './validation.js';
export * from './messages/orders.js';
export * from './messages/inventory.js';
export * from './messages/notifications.js';
