import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Database } from '../../src/platform/db/database.js';

export interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly body: string;
}

/** A 4xx answer in RFC 9457 problem+json, with the problem's code. */
export function assertProblem(answer: Answer, status: number | 'client', code?: string): { code: string } {
  if (status === 'client')
    assert.ok(answer.statusCode >= 400 && answer.statusCode < 500, `${answer.statusCode} ${answer.body}`);
  else assert.equal(answer.statusCode, status, answer.body);
  assert.match(String(answer.headers['content-type']), /^application\/problem\+json/, answer.body);
  const problem = JSON.parse(answer.body) as { status: number; code: string };
  assert.equal(problem.status, answer.statusCode);
  if (code) assert.equal(problem.code, code, answer.body);
  return problem;
}

/** Rows in every table of the services' schemas, except the bookkeeping that a refusal may touch. */
export async function storedRows(db: Database): Promise<Record<string, number>> {
  const tables = await db.query<{ name: string }>(
    `select table_schema || '.' || table_name as name from information_schema.tables
     where table_schema in ('orders', 'inventory', 'notifications', 'payments', 'subscriptions', 'bus')
       and table_type = 'BASE TABLE' and table_name not in ('schema_migrations', 'outbox_relay_lease')
     order by 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables)
    counts[name] = (await db.query<{ n: number }>(`select count(*)::int as n from ${name}`))[0]?.n ?? 0;
  return counts;
}

/** Sends bytes as they are on a fresh connection and returns what comes back before it closes. */
export function rawExchange(port: number, request: string | Buffer, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString());
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString());
    });
    socket.write(request);
  });
}

/** The status and problem of a raw HTTP/1.1 answer. */
export function parseRawAnswer(raw: string): {
  status: number;
  contentType: string;
  problem: { code: string };
} {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const contentType = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '';
  return { status, contentType, problem: JSON.parse(body) as { code: string } };
}
