import { domainServices } from './domain-services.js';
import { deadLetterToolSettings } from './settings.js';

/**
 * Inspect and replay dead letters through the HTTP API of a running domain (the embedded host or
 * the distributed gateway, both at API_URL) with an admin's bearer token in API_TOKEN:
 *
 *   export API_TOKEN=$(npm run token -- --sub ops --role admin)
 *   npm run dead-letters -- list [--all]
 *   npm run dead-letters -- replay <service> <id>
 */
interface DeadLetter {
  service: string;
  id: number;
  consumer: string;
  messageId: string;
  type: string;
  reason: string;
  deliveries: number;
  deadLetteredAt: string;
  replayedAt: string | null;
}

const { apiUrl: configuredUrl, token } = deadLetterToolSettings.read();
const apiUrl = configuredUrl.replace(/\/+$/, '');
const usage = `usage: npm run dead-letters -- list [--all]
       npm run dead-letters -- replay <${domainServices.map((module) => module.schema).join('|')}> <id>`;

async function call(method: 'GET' | 'POST', path: string): Promise<unknown> {
  if (!token)
    throw new Error(
      'API_TOKEN must hold an admin token: export API_TOKEN=$(npm run token -- --sub ops --role admin)',
    );
  const response = await fetch(`${apiUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const body: unknown = await response.json();
  if (!response.ok) {
    const detail = (body as { detail?: string }).detail ?? JSON.stringify(body);
    throw new Error(`${method} ${path} answered ${response.status}: ${detail}`);
  }
  return body;
}

async function list(includeReplayed: boolean): Promise<void> {
  const { deadLetters } = (await call('GET', `/admin/dead-letters?includeReplayed=${includeReplayed}`)) as {
    deadLetters: DeadLetter[];
  };
  if (deadLetters.length === 0) console.log('No dead letters.');
  for (const letter of deadLetters) {
    const replayed = letter.replayedAt ? ` (replayed ${letter.replayedAt})` : '';
    console.log(
      `${letter.service} #${letter.id}  ${letter.type} ${letter.messageId} → ${letter.consumer}, ` +
        `${letter.deliveries} deliveries, ${letter.deadLetteredAt}${replayed}\n    ${letter.reason}`,
    );
  }
}

async function replay(service: string, id: string): Promise<void> {
  const module = domainServices.find((candidate) => candidate.schema === service || candidate.id === service);
  if (!module || !/^\d+$/.test(id)) throw new Error(usage);
  const { outcome } = (await call('POST', `/admin/dead-letters/${module.id}/${id}/replay`)) as {
    outcome: string;
  };
  console.log(`${module.id} dead letter #${id}: ${outcome}`);
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'list') await list(args.includes('--all'));
  else if (command === 'replay' && args.length === 2) await replay(args[0] ?? '', args[1] ?? '');
  else throw new Error(usage);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
