/**
 * One G step of real derived training, end to end, as a user waits for it: `runTraining` (the `train`
 * command's job) on the embedded MNIST, so n_critic D steps, the G step, EMA, data batches, and the periodic
 * sample grids and checkpoints (amortised over their interval) are all in the figure. Beside it, the issue's
 * figure for the authors' PyTorch trainer doing the same work on a 2-core machine (the old mnist-tiny recipe:
 * gf/df 32, latent 64, batch 32/32, n_critic 2), and the current mnist-tiny recipe.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startBackend, type BackendName } from '../src/backend/select.js';
import { loadConfig, type RunConfig } from '../src/config/run-config.js';
import { runTraining } from '../src/train/train-run.js';
import { convPaths } from './conv-paths.js';
import { TOP1 } from './gan-step.js';
import { printTable, type BenchRow } from './report.js';

/** Seconds per G step of the authors' trainer, old recipe, 2 threads (issue 12): 0.19–0.23 s; the middle. */
const PYTORCH_OLD_RECIPE_S = 0.21;

async function secondsPerStep(backend: string, config: RunConfig, steps: number): Promise<number> {
  const dir = join(mkdtempSync(join(tmpdir(), 'agts-bench-train-')), 'run');
  // Samples and checkpoints at their configured intervals, scaled so that the bench's short run pays them in proportion.
  const every = (n: number) => Math.max(1, Math.round((n * steps) / config.train.steps));
  const cfg: RunConfig = { ...config, train: { ...config.train, steps, sampleEvery: every(config.train.sampleEvery), checkpointEvery: every(config.train.checkpointEvery) } };
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  const report = await runTraining({ config: cfg, arch: TOP1, outDir: dir, resume: false, backend, log: () => {}, progress: quiet });
  rmSync(dir, { recursive: true, force: true });
  return report.wallSeconds / report.steps;
}

export async function benchTrainStep(backends: readonly BackendName[]): Promise<void> {
  const tiny = loadConfig(new URL('../../configs/mnist-tiny.json', import.meta.url).pathname);
  const old: RunConfig = {
    ...tiny, model: { ...tiny.model, latent: 64, gf: 32, df: 32 },
    train: { ...tiny.train, dBatch: 32, gBatch: 32, nCritic: 2, lrG: 2e-4, lrD: 2e-4, emaDecay: 0.99, steps: 600, sampleEvery: 100, checkpointEvery: 100 },
  };
  const rows: BenchRow[] = [];
  for (const backend of backends.filter((b) => b !== 'cpu')) {
    await startBackend(backend);
    const steps = backend === 'wasm' ? 4 : 30;
    for (const path of convPaths(backend)) for (const [recipe, config, pytorch] of [['old mnist-tiny (issue 12)', old, PYTORCH_OLD_RECIPE_S], ['mnist-tiny', tiny, null]] as const) {
      path.use();
      const s = await secondsPerStep(backend, config, steps);
      const t = config.train;
      rows.push({
        bench: 'train-step', backend, convs: path.name, recipe, gf: config.model.gf, df: config.model.df, batch: `${t.dBatch}/${t.gBatch}`, n_critic: t.nCritic, steps,
        s_per_g_step: s, pytorch_s: pytorch, x_pytorch: pytorch === null ? null : s / pytorch,
      });
    }
    convPaths(backend)[0]!.use();
  }
  printTable('Derived training end to end (train job: D steps, G step, EMA, data, samples and checkpoints amortised), per G step', rows);
}
