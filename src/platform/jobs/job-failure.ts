/** The longest failure text a job table keeps: enough to diagnose, never a provider's whole answer. */
const FAILURE_TEXT_LIMIT = 1000;

/** Cuts a failure text to what a job row keeps, marking the cut. */
export function clipFailureText(text: string, limit = FAILURE_TEXT_LIMIT): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/**
 * A failed job's error as its row records it: only the message (errors of provider SDKs may carry
 * the request they failed on), clipped.
 */
export function describeJobFailure(error: unknown, limit = FAILURE_TEXT_LIMIT): string {
  return clipFailureText(
    (error instanceof Error ? error.message : String(error)).trim() || 'unknown error',
    limit,
  );
}
