import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
    ...(options.name ? { name: options.name } : {}),
    redact: {
      paths: ['*.card', '*.cardNumber', '*.cvc', '*.password', 'req.headers.authorization'],
      remove: true,
    },
  });
}
