/**
 * `npm run bench`: every benchmark of the project, as tables and `BENCH {json}` lines.
 * Speed targets are checked here, never in timed tests. `--only NAME` runs one section, `--backend NAME` one
 * CPU backend.
 */
import { benchActorTransport } from './actor-transport.js';
import { benchConv } from './conv.js';
import { benchBlasThreads } from './blas.js';
import { benchDigits } from './digits.js';
import { benchFeatureNets } from './feature-nets.js';
import { benchFid } from './fid.js';
import { benchGanStep } from './gan-step.js';
import { benchQueuePool } from './queue-pool.js';
import { benchSearchIteration } from './search-iteration.js';
import { benchStepBreakdown } from './step-breakdown.js';
import { benchTrainStep } from './train-step.js';
import { loadBlasAddon } from '../src/backend/blas/addon.js';
import type { BackendName } from '../src/backend/select.js';

/** The pure CPU backends, and the OpenBLAS one where its addon is built; `--backend NAME` keeps one of them. */
const ALL_CPU_BACKENDS: readonly BackendName[] = ['cpu', 'wasm', ...(loadBlasAddon().ok ? (['blas'] as const) : [])];
const onlyBackend = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : undefined;
if (onlyBackend !== undefined && !(ALL_CPU_BACKENDS as readonly string[]).includes(onlyBackend)) {
  console.error(`--backend: must be one of ${ALL_CPU_BACKENDS.join('|')}, got "${onlyBackend}"`);
  process.exit(2);
}
const CPU_BACKENDS = onlyBackend === undefined ? ALL_CPU_BACKENDS : ALL_CPU_BACKENDS.filter((b) => b === onlyBackend);

const sections: Record<string, () => Promise<void>> = {
  conv: () => benchConv(CPU_BACKENDS),
  'blas-threads': benchBlasThreads,
  'feature-nets': () => benchFeatureNets(CPU_BACKENDS),
  fid: benchFid,
  'gan-step': () => benchGanStep(CPU_BACKENDS),
  'step-breakdown': () => benchStepBreakdown(CPU_BACKENDS),
  'train-step': () => benchTrainStep(CPU_BACKENDS),
  digits: () => benchDigits(CPU_BACKENDS),
  'actor-transport': benchActorTransport,
  'search-iteration': benchSearchIteration,
  'queue-pool': benchQueuePool,
};

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
for (const [name, run] of Object.entries(sections)) {
  if (only && only !== name) continue;
  await run();
}
