import { Type } from 'typebox';
import { declareSettings } from '../../platform/kernel/settings-schema.js';

export const orderSettings = declareSettings(
  Type.Object({
    maxInProgress: Type.Integer({
      env: 'ORDERS_MAX_IN_PROGRESS',
      default: 500,
      minimum: 1,
      maximum: 10_000_000,
      description:
        'Orders placed and not yet completed, rejected or cancelled at which `POST /orders` refuses new ones with `503` and `Retry-After` (retries of placed orders still answer)',
    }),
  }),
);
