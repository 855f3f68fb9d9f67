/**
 * Where one GAN training step's time goes on a backend: per kernel (ms and calls per step) and outside the
 * kernels, for the derived mnist-tiny model and the issue-8 shared GAN at stage 2 (32 px).
 */
import { startBackend, type BackendName } from '../src/backend/select.js';
import { loadConfig } from '../src/config/run-config.js';
import { convPaths } from './conv-paths.js';
import { stepFixture, warmUp } from './gan-step.js';
import { timeKernels } from './kernel-timer.js';
import { printTable, type BenchRow } from './report.js';

const REPS = 4;
/** Kernels listed by name; the rest are summed as "other kernels". */
const LISTED = 10;

function breakdown(backend: string, label: string, paths: 'shared' | 'derived', latent: number, gf: number, df: number, channels: number, batch: number): BenchRow[] {
  const fixture = stepFixture({ paths, latent, gf, df, channels, dBatch: batch, gBatch: batch, stage: 2 });
  warmUp(fixture);
  const timer = timeKernels();
  const t0 = performance.now();
  for (let i = 0; i < REPS; i++) fixture.step();
  const stepMs = (performance.now() - t0) / REPS;
  timer.restore();
  fixture.dispose();
  const kernels = [...timer.byKernel].map(([kernel, { ms, calls }]) => ({ kernel, ms: ms / REPS, calls: calls / REPS })).sort((a, b) => b.ms - a.ms);
  const inKernels = kernels.reduce((s, k) => s + k.ms, 0);
  const rest = kernels.slice(LISTED);
  const row = (part: string, ms: number, calls: number | null): BenchRow => ({
    bench: 'step-breakdown', backend, case: label, batch: `${batch}/${batch}`, part, ms_per_step: ms, share: ms / stepMs, calls_per_step: calls,
  });
  return [
    row('whole step', stepMs, kernels.reduce((s, k) => s + k.calls, 0)),
    ...kernels.slice(0, LISTED).map((k) => row(k.kernel, k.ms, k.calls)),
    row('other kernels', rest.reduce((s, k) => s + k.ms, 0), rest.reduce((s, k) => s + k.calls, 0)),
    row('outside kernels', stepMs - inKernels, null),
  ];
}

export async function benchStepBreakdown(backends: readonly BackendName[]): Promise<void> {
  const cfg = loadConfig(new URL('../../configs/mnist-tiny.json', import.meta.url).pathname);
  for (const backend of backends.filter((b) => b !== 'cpu')) {
    await startBackend(backend);
    for (const path of convPaths(backend)) {
      path.use();
      const label = path.name ? `${backend}, convolutions on ${path.name}` : backend;
      const rows = [
        ...breakdown(label, 'mnist-tiny derived', 'derived', cfg.model.latent, cfg.model.gf, cfg.model.df, 1, cfg.train.dBatch),
        ...breakdown(label, 'issue-8 shared, stage 2', 'shared', 128, 32, 32, 3, 32),
      ];
      printTable(`Where one training step (one D + one G step, 32 px) goes on ${label}: by kernel and outside the kernels`, rows);
    }
    convPaths(backend)[0]!.use();
  }
}
