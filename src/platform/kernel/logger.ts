import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
    ...(options.name ? { name: options.name } : {}),
    redact: {
      // Card data, credentials and personal data never reach a log line. A database error's
      // `detail`, `where` and `parameters` quote the row it refused: body fragments, emails included.
      paths: [
        '*.card',
        '*.cardNumber',
        '*.cvc',
        '*.password',
        '*.secret',
        '*.token',
        '*.authorization',
        '*.headers.authorization',
        '*.email',
        '*.recipient',
        '*.phone',
        'err.detail',
        'err.where',
        'err.parameters',
        'err.*.detail',
      ],
      remove: true,
    },
  });
}
