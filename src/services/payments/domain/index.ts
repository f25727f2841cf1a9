export * from './commands.js';
export * from './decide.js';
export * from './errors.js';
export * from './events.js';
export * from './evolve.js';
export * from './money.js';
export * from './payment.js';
export * from './retry.js';
