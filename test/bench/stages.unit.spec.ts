import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ordersCeiling } from '../../bench/ceiling.js';
import { sumOf } from '../../bench/pipeline-metrics.js';
import { attribute, stageOfFrame, type CpuProfile } from '../../bench/stages.js';

const project = (path: string) => pathToFileURL(`${process.cwd()}/${path}`).href;
const modules = (path: string) => project(`node_modules/${path}`);

/** A profile whose stacks are given root first; each sample lasts 1 ms, one after the other. */
function profileOf(stacks: readonly (readonly [string, string][])[]): CpuProfile {
  const nodes: { id: number; callFrame: { functionName: string; url: string }; children: number[] }[] = [
    { id: 1, callFrame: { functionName: '(root)', url: '' }, children: [] },
  ];
  const samples = stacks.map((stack) => {
    let parent = nodes[0];
    for (const [functionName, url] of stack) {
      const existing = parent?.children
        .map((id) => nodes.find((node) => node.id === id))
        .find((node) => node?.callFrame.functionName === functionName && node.callFrame.url === url);
      if (existing) parent = existing;
      else {
        const node = { id: nodes.length + 1, callFrame: { functionName, url }, children: [] };
        nodes.push(node);
        parent?.children.push(node.id);
        parent = node;
      }
    }
    return parent?.id ?? 1;
  });
  return {
    nodes,
    startTime: 0,
    endTime: (stacks.length + 1) * 1000,
    samples,
    timeDeltas: stacks.map(() => 1000),
  };
}

const tick: [string, string] = ['processTicksAndRejections', 'node:internal/process/task_queues'];

describe('CPU profile attribution by stage', () => {
  const profile = profileOf([
    [tick, ['handle', modules('fastify/lib/route.js')], ['writev', '']],
    [
      tick,
      ['write', modules('pino/lib/proto.js')],
      ['actualWrite', modules('sonic-boom/index.js')],
      ['writeSync', 'node:fs'],
      ['writeSync', ''],
    ],
    [
      tick,
      ['handle', project('src/services/orders/handlers.ts')],
      ['query', modules('@electric-sql/pglite/dist/index.js')],
      ['wasm-function[1]', 'wasm://wasm/0a'],
    ],
    [tick, ['handle', project('src/services/orders/handlers.ts')], ['stringify', '']],
    [tick, ['handle', project('src/services/orders/handlers.ts')]],
    [tick, ['validate12', '']],
    [tick, ['check', modules('ajv/dist/compile/index.js')]],
    [tick, ['dispatch', project('src/platform/messaging/consumer.ts')]],
    [tick, ['request', modules('@nats-io/nats-core/lib/nats.js')]],
    [tick],
    [['(garbage collector)', '']],
    [['(idle)', '']],
  ]);

  it('gives each sample to the innermost frame that names a stage', () => {
    const { ms, idleMs } = attribute(profile, { start: 0, end: Infinity });
    assert.deepEqual(ms, {
      http: 1,
      serialization: 2,
      database: 1,
      project: 1,
      validation: 2,
      bus: 2,
      gc: 1,
      other: 1,
    });
    assert.equal(idleMs, 1);
  });

  it('counts only the samples inside the window', () => {
    const { ms } = attribute(profile, { start: 2500, end: 4500 });
    assert.equal(ms.database, 1);
    assert.equal(ms.serialization, 1);
    assert.equal(
      Object.values(ms).reduce((sum, value) => sum + value, 0),
      2,
    );
  });
});

describe('CPU profile attribution of bundled code', () => {
  it('gives a package installed inside another to the inner one', () => {
    const nested = { functionName: 'route', url: modules('pino/node_modules/fastify/lib/route.js') };
    assert.equal(stageOfFrame(nested), 'http');
  });

  /** Bundles an entry that calls into a package, as the hosts are built: one file, a linked map. */
  async function bundle(dir: string) {
    const files = {
      'node_modules/fastify/lib/route.js':
        'exports.routeRequest = function routeRequest(n) { return n * 2; };\n',
      'src/main.js':
        "const { routeRequest } = require('fastify/lib/route.js');\nexport function main() { return routeRequest(21); }\n",
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const outfile = join(dir, 'dist', 'main.js');
    await build({
      entryPoints: [join(dir, 'src/main.js')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'silent',
    });
    const lines = (await readFile(outfile, 'utf8')).split('\n');
    const lineNumber = lines.findIndex((line) => line.includes('return n * 2'));
    const frame = {
      functionName: 'routeRequest',
      url: pathToFileURL(outfile).href,
      lineNumber,
      columnNumber: lines[lineNumber]?.indexOf('return') ?? 0,
    };
    return { frame };
  }

  it('traces a frame of a bundle back to the package it was bundled from', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stages-'));
    try {
      const { frame } = await bundle(dir);
      assert.equal(stageOfFrame(frame), 'http');
      // A package shipped with maps of its own is that package, whatever its maps name.
      const shipped = join(dir, 'node_modules', 'shipped', 'dist', 'main.js');
      await mkdir(dirname(shipped), { recursive: true });
      await copyFile(join(dir, 'dist', 'main.js'), shipped);
      await copyFile(join(dir, 'dist', 'main.js.map'), `${shipped}.map`);
      assert.equal(stageOfFrame({ ...frame, url: pathToFileURL(shipped).href }), 'other');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('pipeline counters and the ceiling', () => {
  it('sums every series of a counter', () => {
    const text = [
      '# HELP messages_handled_total x',
      'messages_handled_total{consumer="a",outcome="handled"} 10',
      'messages_handled_total{consumer="b",outcome="duplicate"} 2',
      'messages_handled_total_other 99',
      'message_handler_seconds_count{consumer="a"} 4',
    ].join('\n');
    assert.equal(sumOf(text, 'messages_handled_total'), 12);
    assert.equal(sumOf(text, 'message_handler_seconds_count'), 4);
  });

  it('is bound by the slower engine', () => {
    const flow = { deliveriesPerOrder: 20, messagesPerOrder: 10 };
    const single = { batch: 1, database: 1000 };
    // Database: 1 / (20/10000 + 1/1000) = 333 orders/s; broker: 5000 / 10 = 500.
    assert.equal(Math.round(ordersCeiling({ batch: 32, database: 10_000, broker: 5000 }, single, flow)), 333);
    assert.equal(ordersCeiling({ batch: 32, database: 10_000, broker: 2000 }, single, flow), 200);
  });
});
