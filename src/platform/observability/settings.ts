import { Type } from 'typebox';

export const loggingSettings = Type.Object({
  logLevel: Type.String({
    env: 'LOG_LEVEL',
    default: 'info',
    description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`',
  }),
});
