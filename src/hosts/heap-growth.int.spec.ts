import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const moduleUrl = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);

/**
 * Runs `body` as an ES module in a new Node process (TypeScript through tsx) that first starts as
 * every host does, with `HEAP_GROWTH_PERCENT` set: its heap's peak.
 */
async function peakHeapMb(heapGrowthPercent: number, body: string): Promise<number> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '--eval',
      `import { startHostProcess } from ${moduleUrl('./host-process.ts')};
       startHostProcess({ name: 'heap-growth', services: [] });
       ${body}`,
    ],
    { env: { ...process.env, HEAP_GROWTH_PERCENT: String(heapGrowthPercent), LOG_LEVEL: 'silent' } },
  );
  return (JSON.parse(stdout) as { peakMb: number }).peakMb;
}

/**
 * Garbage promoted to the old generation, as a host under load makes it: batches that stay
 * reachable for a few rounds on top of a live set. Answers the largest heap V8 reserved.
 */
const promotingGarbage = `
  import { getHeapStatistics } from 'node:v8';
  const live = Array.from({ length: 100_000 }, (_, i) => ({ text: 'x'.repeat(100) + i }));
  const recent = [];
  let peak = 0;
  for (let round = 0; round < 1_500; round++) {
    recent[round % 30] = Array.from({ length: 2_000 }, (_, i) => ({ text: 'y'.repeat(200) + i, round }));
    if (round % 10 === 0) peak = Math.max(peak, getHeapStatistics().total_heap_size);
  }
  // The live set is printed so that it stays live to the end.
  console.log(JSON.stringify({ peakMb: peak / 2 ** 20, liveObjects: live.length }));
`;

describe('bounded heap growth', () => {
  it('keeps the heap of a host under a garbage-promoting workload well below what V8 grows it to at most', async () => {
    const bounded = await peakHeapMb(25, promotingGarbage);
    const unbounded = await peakHeapMb(300, promotingGarbage);
    assert.ok(
      bounded < unbounded * 0.75,
      `heap at 25% growth: ${bounded.toFixed(0)} MB, at 300%: ${unbounded.toFixed(0)} MB`,
    );
  });
});
