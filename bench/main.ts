/**
 * `npm run bench`: every benchmark of the project, as tables and `BENCH {json}` lines.
 * Speed targets are checked here, never in timed tests. `--only NAME` runs one section.
 */
import { benchConv } from './conv.js';
import type { BackendName } from '../src/backend/select.js';

const CPU_BACKENDS: readonly BackendName[] = ['cpu', 'wasm'];

const sections: Record<string, () => Promise<void>> = {
  conv: () => benchConv(CPU_BACKENDS),
};

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
for (const [name, run] of Object.entries(sections)) {
  if (only && only !== name) continue;
  await run();
}
