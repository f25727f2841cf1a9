import nodemailer from 'nodemailer';
import type { NodemailerError } from 'nodemailer';
import { inSmtpSendSpan } from '../../../platform/observability/provider-spans.js';

export interface OutgoingEmail {
  notificationId: string;
  to: string;
  subject: string;
  text: string;
}

export interface EmailChannel {
  readonly name: string;
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
  /** Waits for the sends in flight, then releases the transport. */
  close(): Promise<void>;
}

/** A send that failed. `transient` says whether the same message may go through on a later attempt. */
export class EmailDeliveryError extends Error {
  override readonly name = 'EmailDeliveryError';
  readonly transient: boolean;
  /** The SMTP reply code, when the server refused the message. */
  readonly responseCode?: number;

  constructor(message: string, options: { transient: boolean; responseCode?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.transient = options.transient;
    this.responseCode = options.responseCode;
  }
}

export interface SmtpEmailChannelOptions {
  /** Connection URL, such as `smtp://user:pass@mail.example.com:587`. */
  url: string;
  from: string;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Codes of failures to reach the server or to keep talking to it: nodemailer's own and the socket's beneath. */
const NETWORK_FAILURE_CODES: ReadonlySet<string> = new Set([
  'ECONNECTION',
  'ESOCKET',
  'ETIMEDOUT',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
]);

export function createSmtpEmailChannel(options: SmtpEmailChannelOptions): EmailChannel {
  // Not pooled: every message gets a fresh session that ends with its send, so no failure leaves
  // a half-broken connection behind for the next message and no socket outlives a send.
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    greetingTimeout: options.greetingTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    socketTimeout: options.socketTimeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const server = new URL(options.url).hostname;
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  async function deliver(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    try {
      const info = await inSmtpSendSpan(server, email, () =>
        transport.sendMail({
          from: options.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          // Stable across resends, so a receiver can drop the copy sent again after a crash between
          // the SMTP hand-off and recording it.
          messageId: `<${email.notificationId}@orders-domain.local>`,
        }),
      );
      return { providerMessageId: info.messageId };
    } catch (error) {
      throw toDeliveryError(email.notificationId, error);
    }
  }

  return {
    name: 'smtp',
    async send(email) {
      if (closed) throw new Error('The SMTP email channel is closed');
      const delivery = deliver(email);
      inFlight.add(delivery);
      try {
        return await delivery;
      } finally {
        inFlight.delete(delivery);
      }
    },
    async close() {
      closed = true;
      await Promise.allSettled(inFlight);
      transport.close();
    },
  };
}

function toDeliveryError(notificationId: string, error: unknown): EmailDeliveryError {
  const failure: NodemailerError = error instanceof Error ? error : new Error(String(error));
  return new EmailDeliveryError(
    `Email for notification ${notificationId} was not delivered: ${failure.message}`,
    {
      transient: isTransient(failure),
      responseCode: failure.responseCode,
      cause: error,
    },
  );
}

function isTransient({ responseCode, code, originalCode }: NodemailerError): boolean {
  if (responseCode !== undefined) {
    // RFC 5321: a 5yz reply refuses the message for good, anything else may pass on a later attempt.
    return Math.floor(responseCode / 100) !== 5;
  }
  // Without a reply the server was never reached or the session broke; any other failure lies
  // in the message or the configuration and would fail the same way again.
  return [code, originalCode].some(
    (failureCode) => failureCode !== undefined && NETWORK_FAILURE_CODES.has(failureCode),
  );
}
