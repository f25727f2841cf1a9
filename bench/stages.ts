import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where a process's CPU goes, by what the code on the stack is doing. */
export const stages = [
  'http',
  'validation',
  'serialization',
  'database',
  'bus',
  'project',
  'gc',
  'other',
] as const;
export type Stage = (typeof stages)[number];

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  /** 0-based, as V8 reports them; a frame of the compiled hosts is traced back to its source with them. */
  readonly lineNumber?: number;
  readonly columnNumber?: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
/** The V8 CPU profile format (Profiler.Profile), as --cpu-prof and the inspector write it. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  /** µs on the monotonic clock, the one process.hrtime reads. */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  /** µs between a sample and the one before it (the first: since startTime). */
  readonly timeDeltas: readonly number[];
}

export interface StageTimes {
  /** Milliseconds of samples per stage. */
  readonly ms: Record<Stage, number>;
  /** Milliseconds the main thread sat idle (waiting in the event loop). */
  readonly idleMs: number;
}

/*
 * Attribution rules. A sample belongs to the innermost frame of its stack that names a stage; frames
 * that name none (Node's own JavaScript, `node:*`, and native functions other than those below) are
 * transparent, so a socket write made by Fastify is HTTP and a file write made by pino or PGlite
 * belongs to them. A stack with no such frame at all is `other`.
 *  - database: PGlite (@electric-sql/*) and its WebAssembly engine (wasm:// frames), node-postgres
 *    (pg, pg-*, postgres-*), and the project's driver layer (src/platform/db).
 *  - bus: @nats-io/* and the project's messaging layer (src/platform/messaging: the embedded bus, the
 *    JetStream adapter, outbox, inbox and the consumer runner).
 *  - validation: Ajv, TypeBox and their helpers, functions Ajv compiled (`validate…`, no script),
 *    and the message contracts (contracts/).
 *  - serialization: the JSON built-ins (JSON.parse, JSON.stringify), pino and its streams, Fastify's
 *    JSON (de)serializers, and the project's logger (src/platform/kernel/logger).
 *  - http: Fastify and its plugins and routers, undici (the gateway's proxy), jose (tokens), and the
 *    project's HTTP edge (src/platform/http, src/platform/auth).
 *  - project: any other file of this repository (services, flows, hosts).
 *  - gc: the garbage collector; other: V8's own work outside JavaScript `(program)`, tsx, and
 *    packages not listed here.
 */
const packageStages: readonly (readonly [RegExp, Stage])[] = [
  [/^(@electric-sql\/.*|pg|pg-.*|postgres-.*|pgpass)$/, 'database'],
  [/^@nats-io\/.*$/, 'bus'],
  [
    /^(ajv|ajv-.*|@fastify\/ajv-compiler|typebox|@sinclair\/typebox|fast-uri|fast-deep-equal|json-schema-traverse)$/,
    'validation',
  ],
  [
    /^(pino|pino-.*|@pinojs\/.*|sonic-boom|thread-stream|fast-json-stringify|@fastify\/fast-json-stringify-compiler|secure-json-parse|fast-json-stable-stringify|safe-stable-stringify|fast-redact|quick-format-unescaped)$/,
    'serialization',
  ],
  [
    /^(fastify|fastify-.*|@fastify\/.*|avvio|find-my-way|light-my-request|fast-content-type-parse|content-type|proxy-addr|toad-cache|undici|jose)$/,
    'http',
  ],
];

const root = pathToFileURL(fileURLToPath(new URL('..', import.meta.url))).href;

const projectStages: readonly (readonly [string, Stage])[] = [
  ['src/platform/db/', 'database'],
  ['src/platform/messaging/', 'bus'],
  ['src/platform/http/', 'http'],
  ['src/platform/auth/', 'http'],
  ['src/platform/kernel/logger', 'serialization'],
  ['contracts/', 'validation'],
];

const sourceMaps = new Map<string, SourceMap | undefined>();

/**
 * The URL of the source a frame's code was compiled from, when its script has a source map beside
 * it (`<script>.map`). The hosts run bundled (dist/hosts), their packages inside them: a frame there
 * is traced back to the file in src/ or node_modules/ that the rules below sort.
 */
function sourceUrlOf({ url, lineNumber, columnNumber }: CallFrame): string {
  // A package left out of the bundles (PGlite) keeps its own URL: its maps can name other packages.
  if (!url.startsWith('file:') || !url.endsWith('.js') || url.includes('/node_modules/')) return url;
  if (lineNumber === undefined) return url;
  if (!sourceMaps.has(url)) sourceMaps.set(url, readSourceMap(url));
  const entry = sourceMaps.get(url)?.findEntry(lineNumber, columnNumber ?? 0);
  // Before the first mapping the entry is empty; a segment with no source names none.
  const source: unknown = entry && 'originalSource' in entry ? entry.originalSource : undefined;
  return typeof source === 'string' ? new URL(source, url).href : url;
}

function readSourceMap(chunkUrl: string): SourceMap | undefined {
  try {
    return new SourceMap(JSON.parse(readFileSync(new URL(`${chunkUrl}.map`), 'utf8')) as SourceMapPayload);
  } catch {
    return undefined;
  }
}

/** The stage a frame names, or undefined when it is transparent. */
export function stageOfFrame(frame: CallFrame): Stage | undefined {
  const { functionName } = frame;
  const url = sourceUrlOf(frame);
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(program)' || functionName === '(root)') return 'other';
  if (url.startsWith('wasm://')) return 'database';
  if (url === '') {
    if (functionName === 'stringify' || functionName === 'parse') return 'serialization';
    if (/^validate\d*$/.test(functionName)) return 'validation';
    return undefined;
  }
  const packageName = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url)?.[1];
  if (packageName) return packageStages.find(([pattern]) => pattern.test(packageName))?.[1] ?? 'other';
  if (url.startsWith(root)) {
    const path = url.slice(root.length);
    return projectStages.find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'project';
  }
  return undefined;
}

/** Sums the samples of `profile` taken inside `window` (µs, monotonic) by stage. */
export function attribute(profile: CpuProfile, window: { start: number; end: number }): StageTimes {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stageById = new Map<number, Stage | 'idle'>();
  const stageOf = (id: number): Stage | 'idle' => {
    const known = stageById.get(id);
    if (known) return known;
    const frame = byId.get(id)?.callFrame;
    const up = parent.get(id);
    const stage =
      frame?.functionName === '(idle)'
        ? 'idle'
        : ((frame && stageOfFrame(frame)) ?? (up === undefined ? 'other' : stageOf(up)));
    stageById.set(id, stage);
    return stage;
  };
  const ms = Object.fromEntries(stages.map((stage) => [stage, 0])) as Record<Stage, number>;
  let idleMs = 0;
  let time = profile.startTime;
  profile.samples.forEach((id, index) => {
    time += profile.timeDeltas[index] ?? 0;
    // A sample stands for the time until the next one (the last: until the profile ends).
    const duration = (profile.timeDeltas[index + 1] ?? profile.endTime - time) / 1000;
    if (time < window.start || time > window.end) return;
    const stage = stageOf(id);
    if (stage === 'idle') idleMs += duration;
    else ms[stage] += duration;
  });
  return { ms, idleMs };
}

/**
 * Reads the profiles `dir` holds (`<name>.<pid>.cpuprofile`, as bench/cpu-profile.ts writes them)
 * and attributes each to the process of that pid, over `window`.
 */
export async function stagesByProcess(
  dir: string,
  pids: Readonly<Record<string, number>>,
  window: { start: number; end: number },
): Promise<Record<string, StageTimes>> {
  const nameOf = new Map(Object.entries(pids).map(([name, pid]) => [pid, name]));
  const result: Record<string, StageTimes> = {};
  for (const file of await readdir(dir)) {
    const pid = Number(/\.(\d+)\.cpuprofile$/.exec(file)?.[1]);
    const name = nameOf.get(pid);
    if (!name) continue;
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    result[name] = attribute(profile, window);
  }
  return result;
}
