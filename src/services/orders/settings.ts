import { Type } from 'typebox';
import { declareSettings, type SettingsOf } from '../../platform/kernel/settings-schema.js';

export const orderSettings = declareSettings(
  Type.Object({
    /** Orders placed and not yet completed, rejected or cancelled, past which placements wait. */
    maxInProgress: Type.Integer({
      env: 'ORDERS_MAX_IN_PROGRESS',
      default: 500,
      minimum: 1,
      maximum: 10_000_000,
      description:
        'Orders placed and not yet completed, rejected or cancelled, past which `POST /orders` answers `503` with `Retry-After` (retries of placed orders still answer)',
    }),
  }),
);

export type OrderSettings = SettingsOf<typeof orderSettings>;
