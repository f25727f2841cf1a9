import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/**
 * What --cpu-prof --cpu-prof-dir=$BENCH_CPU_PROF_DIR does, for every process of the system: the
 * distributed topology starts them with flags of its own, and Node 20 refuses --cpu-prof in
 * NODE_OPTIONS, so they preload this module (`--require`) instead. The file is named
 * `<script>[-args].<pid>.cpuprofile`, which is how bench/stages.ts finds each process's profile.
 */
const dir = process.env['BENCH_CPU_PROF_DIR'];
// Preloads also run in tsx's loader threads; the system runs on the main thread.
if (dir && isMainThread) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    // A session on the process's own thread answers synchronously, so this completes before exit.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      const name = [basename(process.argv[1] ?? 'node', '.ts'), ...process.argv.slice(2)].join('-');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
