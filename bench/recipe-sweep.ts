/**
 * `node .test-build/bench/recipe-sweep.js --settings FILE [--steps N] [--every E] [--cpu-seconds S] [--threads T] [--arch "A"] [--only A,B] [--out FILE.jsonl] [--grids DIR]`:
 * trains one derived architecture from scratch under each setting of a sweep file and scores its EMA generator
 * every E G steps (IS and FID of 1,000 samples under the config's feature network), so recipes can be compared at
 * equal training time: `--cpu-seconds` ends a setting at the first scoring after that much training CPU time, and
 * `--threads` gives the kernels that many threads (1 lets two sweeps share a 2-core machine without fighting).
 * Training time excludes the scoring, and is reported both as wall and as process CPU seconds: on a busy machine
 * CPU seconds are the steadier figure.
 *
 * A sweep file is plain data: { "base": "configs/mnist-tiny.json", "settings": { "name": { "train": {…}, "model": {…} } } },
 * each setting a partial config merged over the base.
 */
import * as tf from '@tensorflow/tfjs';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { useCoreShare } from '../src/backend/blas/threads.js';
import { startBackend, parseBackendName } from '../src/backend/select.js';
import { loadConfig, resolveConfig, type RunConfig } from '../src/config/run-config.js';
import { DATASET_CHANNELS } from '../src/config/training-settings.js';
import { mergeDeep } from '../src/config/schema.js';
import { MinibatchStream } from '../src/data/batches.js';
import { loadSplit, TRAINING_SPLIT } from '../src/data/load.js';
import { openFeatureNetwork } from '../src/metrics/open-feature-network.js';
import { referenceStats } from '../src/metrics/reference-stats.js';
import { latentSampler, scoreImages } from '../src/metrics/score-generator.js';
import { parseArch, type Arch } from '../src/nn/arch.js';
import { BLOCKS_BY_STAGE, Discriminator } from '../src/nn/discriminator.js';
import { Generator } from '../src/nn/generator.js';
import { nameSeed } from '../src/nn/params.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { writeImageGrid } from '../src/util/png-grid.js';
import { printTable, type BenchRow } from './report.js';

function flag(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

interface SweepFile {
  readonly base: string;
  readonly settings: Record<string, unknown>;
}

/** A sweep setting's schedule, beside its partial config: `linear` decays both learning rates to 0 at the last step. */
type LrDecay = 'none' | 'linear';

async function sweepOne(name: string, config: RunConfig, lrDecay: LrDecay, arch: Arch, steps: number, every: number, cpuSeconds: number, out: string | undefined): Promise<BenchRow[]> {
  const { seed, data, model, train } = config;
  const channels = DATASET_CHANNELS[data.dataset];
  const dataset = await loadSplit(data.dataset, TRAINING_SPLIT[data.dataset], data.root ?? undefined);
  const network = await openFeatureNetwork(config.eval.features, config.eval.inceptionGraph);
  const reference = await referenceStats({
    dataset: data.dataset, split: TRAINING_SPLIT[data.dataset], root: data.root, network, statsFile: null, cacheDir: 'runs/sweep-stats', log: () => {},
  });
  const G = new Generator({ latent: model.latent, gf: model.gf, bottom: model.bottom, channels }, { kind: 'derived', arch }, nameSeed(seed, 'G'));
  const D = new Discriminator({ df: model.df, channels }, nameSeed(seed, 'D'));
  const trainer = new GanTrainer(G, D, train, seed);
  const stream = new MinibatchStream(dataset, { batchSize: train.dBatch, seed: nameSeed(seed, 'data') });
  const blocks = BLOCKS_BY_STAGE[BLOCKS_BY_STAGE.length - 1]!;
  const rows: BenchRow[] = [];
  let wall = 0;
  let cpu = 0;
  for (let step = 1; step <= steps; step++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    if (lrDecay === 'linear') trainer.lrScale = 1 - (step - 1) / steps;
    for (let c = 0; c < train.nCritic; c++) {
      const { value: batch } = await stream.next();
      const real = tf.tensor4d(batch!.images, batch!.shape);
      trainer.trainIteration(real, arch, blocks);
      real.dispose();
    }
    wall += Number(process.hrtime.bigint() - t0) / 1e9;
    const used = process.cpuUsage(c0);
    cpu += (used.user + used.system) / 1e6;
    if (step % every !== 0 && step !== steps) continue;
    const s = trainer.withEmaSampler(arch, (generate) => {
      const sample = latentSampler(model.latent, nameSeed(seed, 'final-scores'), generate);
      const grids = flag('grids');
      if (grids) {
        mkdirSync(grids, { recursive: true });
        const images = sample(64, 0);
        writeImageGrid(join(grids, `${name}-${String(step).padStart(5, '0')}.png`), images.dataSync() as Float32Array, images.shape);
        images.dispose();
      }
      return scoreImages(sample, network.net, { n: 1000, isSplits: 10, reference, classShares: true });
    });
    const row: BenchRow = {
      bench: 'recipe-sweep', setting: name, step, train_wall_s: wall, train_cpu_s: cpu, s_per_step: wall / step,
      is: s.is?.mean ?? null, fid: s.fid, shares: s.shares?.map((x) => (100 * x).toFixed(1)).join(' ') ?? null, lrG: train.lrG, lrD: train.lrD, beta1: train.beta1, batch: `${train.dBatch}/${train.gBatch}`, nCritic: train.nCritic,
      emaDecay: train.emaDecay, lrDecay, gf: model.gf, df: model.df, latent: model.latent,
    };
    rows.push(row);
    console.log(`BENCH ${JSON.stringify(row)}`);
    if (out) appendFileSync(out, `${JSON.stringify(row)}\n`);
    if (cpu >= cpuSeconds) break;
  }
  await stream.return();
  trainer.dispose();
  G.dispose();
  D.dispose();
  network.net.dispose();
  return rows;
}

const settingsPath = flag('settings');
if (!settingsPath) throw new Error('--settings FILE is required');
const sweep = JSON.parse(readFileSync(settingsPath, 'utf8')) as SweepFile;
const base = loadConfig(resolve(dirname(settingsPath), sweep.base));
const arch = parseArch(flag('arch', '1 0 1 1  1 0 0 1 1  1 0 1 0 3')!);
const steps = Number(flag('steps', '1200'));
const every = Number(flag('every', '200'));
const cpuSeconds = Number(flag('cpu-seconds', 'Infinity'));
const only = flag('only')?.split(',');
const backend = await startBackend(parseBackendName(flag('backend', 'auto')!));
const threads = flag('threads');
if (threads) useCoreShare(Number(threads));
console.log(`backend ${backend.name}; arch ${arch.join(' ')}; ${steps} G steps, scored every ${every}`);
const all: BenchRow[] = [];
for (const [name, setting] of Object.entries(sweep.settings)) {
  if (only && !only.includes(name)) continue;
  const { lrDecay = 'none', ...partial } = setting as { lrDecay?: LrDecay };
  const config = resolveConfig(mergeDeep(base, partial), `${settingsPath}: settings.${name}`, false);
  all.push(...(await sweepOne(name, config, lrDecay, arch, steps, every, cpuSeconds, flag('out'))));
}
printTable('Recipe sweep: IS/FID (1,000 samples) of the EMA generator against training time', all);
