import { SpanKind, context as contextApi, trace } from '@opentelemetry/api';
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
} from '@opentelemetry/semantic-conventions';
import { inSpan, tracingActive } from './spans.js';

/**
 * Runs a statement on PGlite in a client span, as the pg instrumentation does for node-postgres:
 * only inside a trace, so that background polling records nothing.
 */
export function inStatementSpan<T>(text: string, run: () => Promise<T>): Promise<T> {
  if (!tracingActive() || !trace.getSpan(contextApi.active())) return run();
  const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  return inSpan(
    `${operation} pglite`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_DB_SYSTEM_NAME]: 'postgresql',
        [ATTR_DB_OPERATION_NAME]: operation,
        [ATTR_DB_QUERY_TEXT]: text,
      },
    },
    () => run(),
  );
}
