import { EventEmitter } from 'node:events';

import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerError, type SMTPServerSession } from 'smtp-server';

/** A message the server accepted: envelope addresses as sent over SMTP, the rest as parsed from the message. */
export interface ReceivedEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  received: ReceivedEmail[];
  /** Resolves with everything received once at least `count` messages have arrived. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedEmail[]>;
  /** Rejects the next `count` messages at the end of DATA with the given SMTP reply code. */
  failNext(count: number, code: RejectionCode): void;
  stop(): Promise<void>;
}

type RejectionCode = 421 | 450 | 550;

const HOST = '127.0.0.1';

/** A real SMTP server on a free local port, without TLS or authentication, that keeps what it accepts. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedEmail[] = [];
  const arrivals = new EventEmitter();
  const pendingRejections: RejectionCode[] = [];

  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    disableReverseLookup: true,
    // Clients here end their sessions after each message; do not let a stray one hold stop() for 30 s.
    closeTimeout: 1_000,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const rejectionCode = pendingRejections.shift();
          if (rejectionCode !== undefined) {
            callback(smtpError(rejectionCode));
            return;
          }
          received.push({
            ...envelopeOf(session),
            subject: parsed.subject ?? '',
            // A 7bit body ends with the line break SMTP framing needs; it is not part of the text sent.
            text: (parsed.text ?? '').replace(/\n$/, ''),
            messageId: parsed.messageId ?? '',
          });
          arrivals.emit('message');
          callback();
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
  });
  // A client dropping its socket mid-transaction surfaces here; unheard, the 'error' event would
  // crash the test run, while tests judge the outcome by what was received.
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string')
    throw new Error('The test SMTP server has no TCP port');
  const { port } = address;

  return {
    url: `smtp://${HOST}:${port}`,
    port,
    received,
    waitForMessages: (count, timeoutMs = 5_000) => waitFor(count, timeoutMs),
    failNext(count, code) {
      pendingRejections.push(...Array.from({ length: count }, () => code));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(resolve);
      }),
  };

  function waitFor(count: number, timeoutMs: number): Promise<ReceivedEmail[]> {
    return new Promise((resolve, reject) => {
      const settleIfArrived = (): void => {
        if (received.length < count) return;
        stopWaiting();
        resolve([...received]);
      };
      const timer = setTimeout(() => {
        stopWaiting();
        reject(new Error(`Expected ${count} email(s) within ${timeoutMs} ms, ${summarize(received)}`));
      }, timeoutMs);
      const stopWaiting = (): void => {
        clearTimeout(timer);
        arrivals.off('message', settleIfArrived);
      };
      arrivals.on('message', settleIfArrived);
      settleIfArrived();
    });
  }
}

function envelopeOf(session: SMTPServerSession): Pick<ReceivedEmail, 'from' | 'to'> {
  const { mailFrom, rcptTo } = session.envelope;
  return {
    from: mailFrom === false ? '' : mailFrom.address,
    to: rcptTo.map((recipient) => recipient.address),
  };
}

function smtpError(responseCode: number): SMTPServerError {
  return Object.assign(new Error(`Rejected by the test server (${responseCode})`), { responseCode });
}

function summarize(received: readonly ReceivedEmail[]): string {
  if (received.length === 0) return 'but none arrived';
  const summaries = received.map(
    (email) => `  to ${email.to.join(', ')}: "${email.subject}" ${email.messageId}`,
  );
  return `but only ${received.length} arrived:\n${summaries.join('\n')}`;
}
