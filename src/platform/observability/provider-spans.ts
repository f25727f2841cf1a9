import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import Stripe from 'stripe';
import { inSpan, tracingActive } from './spans.js';

type StripeHttpClient = ReturnType<typeof Stripe.createNodeHttpClient>;

/** Stripe's own HTTP client, each call in a client span (`stripe POST /v1/payment_intents/{id}/confirm`). */
export function tracedStripeHttpClient(): StripeHttpClient {
  const client = Stripe.createNodeHttpClient();
  const makeRequest: StripeHttpClient['makeRequest'] = (host, port, path, method, ...rest) => {
    if (!tracingActive()) return client.makeRequest(host, port, path, method, ...rest);
    const urlPath = path.split('?')[0] ?? path;
    return inSpan(
      `stripe ${method} ${urlPath.replace(/\/[a-z]+_[A-Za-z0-9]+(?=\/|$)/g, '/{id}')}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_SERVER_ADDRESS]: host,
          [ATTR_URL_PATH]: urlPath,
        },
      },
      async (span) => {
        const response = await client.makeRequest(host, port, path, method, ...rest);
        const status = response.getStatusCode();
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
        return response;
      },
    );
  };
  return Object.assign(Object.create(client) as StripeHttpClient, { makeRequest });
}

/** Hands an e-mail to an SMTP server in a client span. */
export function inSmtpSendSpan<T>(
  server: string,
  email: { readonly notificationId: string },
  send: () => Promise<T>,
): Promise<T> {
  if (!tracingActive()) return send();
  return inSpan(
    'smtp send',
    {
      kind: SpanKind.CLIENT,
      attributes: { [ATTR_SERVER_ADDRESS]: server, 'notification.id': email.notificationId },
    },
    send,
  );
}
