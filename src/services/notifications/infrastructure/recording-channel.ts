import type { DeliveryChannel } from '../application/dispatcher.js';

/**
 * The channel used when no email provider is configured (no SMTP_URL): it sends nothing, so the
 * notification is kept with status `recorded`, visible over HTTP, instead of being dropped.
 */
export function createRecordingChannel(): DeliveryChannel {
  return {
    name: 'recording',
    delivery: 'recorded_only',
    send: () => Promise.resolve({ providerMessageId: null }),
    close: () => Promise.resolve(),
  };
}
