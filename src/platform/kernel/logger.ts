import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';

export type Logger = PinoLogger;

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  const settings: LoggerOptions = {
    level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
    ...(options.name ? { name: options.name } : {}),
    mixin: traceFields,
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
  };
  return destination ? pino(settings, destination) : pino(settings);
}

/** The trace and span a line was logged in, so that logs and traces join up. */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
