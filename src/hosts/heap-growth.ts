import { setFlagsFromString } from 'node:v8';
import type { Settings } from '../platform/kernel/settings.js';

/**
 * On a machine with plenty of memory, V8 lets the old generation grow to up to four times what its
 * last full collection kept before it collects again. Under load a host promotes many objects that
 * die soon after (messages in flight, query results), so its heap grew to several times what was
 * live. A bounded growth costs a few more full collections and keeps the heap near what is live.
 * V8 reads the flag each time it sets the next limit; 0 leaves the choice to V8.
 */
export function boundHeapGrowth(settings: Pick<Settings, 'heapGrowthPercent'>): void {
  setFlagsFromString(`--heap-growing-percent=${String(settings.heapGrowthPercent)}`);
}
