/**
 * The evaluate job: IS and FID of a training run's EMA generator, on N images through a feature network,
 * against the training split's statistics; with the digit classifier also the share of each digit among the
 * images, and the held-out real digits' own figures to read them against. The CLI's `autogan eval` and the
 * library's `evaluate()` run it.
 */
import { basename, dirname } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { startBackend, type BackendName } from '../backend/select.js';
import { TRAINING_SPLIT } from '../data/load.js';
import { flagError, quote } from '../errors.js';
import { heldOutDigits, heldOutFigures, type HeldOutFigures } from '../metrics/held-out-figures.js';
import type { InceptionScore } from '../metrics/inception-score.js';
import { openFeatureNetwork, type FeatureNetworkName } from '../metrics/open-feature-network.js';
import { referenceStats } from '../metrics/reference-stats.js';
import { latentSampler, scoreImages } from '../metrics/score-generator.js';
import { formatArch } from '../nn/arch.js';
import { loadEmaGenerator } from '../train/ema-generator.js';
import { ProgressBar } from '../util/progress-bar.js';
import { noLog, type JobOutput } from '../util/output.js';
import { SEED_MAX, optionalInt } from './job-options.js';

export const METRIC_NAMES = ['is', 'fid'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface EvaluateOptions extends JobOutput {
  /** A checkpoint of a training run, or its run directory (the newest intact checkpoint). */
  readonly checkpoint: string;
  /** Default both. */
  readonly metrics?: readonly MetricName[];
  /** Images to generate (default: the run config's eval.samples; papers use 50,000). */
  readonly n?: number;
  /** Default: the run config's eval.features. */
  readonly features?: FeatureNetworkName;
  /** classify_image_graph_def.pb (default: the run config's eval.inceptionGraph). */
  readonly inception?: string;
  /** Reference statistics (.npz with mu, sigma); default: computed from the training split and cached with the run. */
  readonly stats?: string;
  /** Folder of the data set's files (default: the run config's data.root). */
  readonly root?: string;
  /** Seeds the latents (default: the run config's seed). */
  readonly seed?: number;
  /** Images per generator and network pass (default 100). */
  readonly batch?: number;
  /** Default auto. */
  readonly backend?: BackendName;
}

export interface EvaluationResult {
  readonly checkpoint: string;
  readonly step: number;
  readonly arch: string;
  readonly dataset: string;
  readonly features: FeatureNetworkName;
  readonly n: number;
  readonly seed: number;
  readonly backend: string;
  /** With the Inception Score's split count; null when IS was not asked for. */
  readonly is: InceptionScore | null;
  readonly isSplits: number | null;
  readonly fid: number | null;
  /** With the digit classifier: per digit, the share of the images it reads as that digit; else null. */
  readonly shares: number[] | null;
  /** With the digit classifier: the held-out real digits' IS, FID (the metrics asked for) and class shares; else null. */
  readonly heldOut: HeldOutFigures | null;
}

/** Computed reference statistics are kept with the run: next to checkpoints/, or beside the file. */
function runDirOf(path: string): string {
  if (existsSync(path) && statSync(path).isDirectory()) return path;
  const dir = dirname(path);
  return basename(dir) === 'checkpoints' ? dirname(dir) : dir;
}

export async function evaluate(opts: EvaluateOptions): Promise<EvaluationResult> {
  const log = opts.log ?? noLog;
  const metrics = new Set(opts.metrics ?? METRIC_NAMES);
  for (const m of metrics) if (!METRIC_NAMES.includes(m)) throw flagError('metrics', `unknown metric ${quote(String(m))} (use is, fid or is,fid)`);
  const nOption = optionalInt('n', opts.n, 1);
  const seedOption = optionalInt('seed', opts.seed, 0, SEED_MAX);
  const batchSize = optionalInt('batch', opts.batch, 1, 100_000) ?? 100;
  const backend = await startBackend(opts.backend ?? 'auto', { log });
  const { G, meta, path } = loadEmaGenerator(opts.checkpoint);
  try {
    const { config, arch } = meta;
    const features = opts.features ?? config.eval.features;
    if (features === 'digits' && config.data.dataset !== 'mnist') throw flagError('features', `the digit classifier scores MNIST only; this run trained on ${config.data.dataset} (use inception)`);
    const inception = opts.inception ?? config.eval.inceptionGraph;
    if (features === 'inception' && !inception) throw flagError('inception', 'is required with --features inception (`autogan metrics fetch-inception --dir DIR` downloads the graph)');
    const n = nOption ?? config.eval.samples;
    if (metrics.has('is') && n < config.eval.splits) throw flagError('n', `${n} images cannot be cut into the Inception Score's ${config.eval.splits} splits`);
    const network = await openFeatureNetwork(features, features === 'digits' ? null : inception);
    try {
      const { net } = network;
      if (metrics.has('fid') && n <= net.featureDim) throw flagError('n', `FID on ${net.featureDim}-d ${features} features needs more than ${net.featureDim} images, got ${n}`);
      const statsFile = opts.stats ?? null;
      const reference = metrics.has('fid')
        ? await referenceStats({
            dataset: config.data.dataset, split: TRAINING_SPLIT[config.data.dataset], root: opts.root ?? config.data.root,
            network, statsFile, cacheDir: statsFile ? null : runDirOf(opts.checkpoint), log, progress: opts.progress,
          })
        : null;
      const seed = seedOption ?? config.seed;
      const bar = opts.progress ? new ProgressBar(opts.progress, 'eval', n, 'img') : null;
      const isSplits = metrics.has('is') ? config.eval.splits : null;
      const heldOut = await heldOutDigits(features);
      const scores = scoreImages(latentSampler(config.model.latent, seed, (z) => G.forward(z, arch, false)), net, {
        n, batchSize, isSplits, reference, classShares: heldOut !== null, onProgress: (done) => bar?.update(done),
      });
      bar?.finish(n);
      return {
        checkpoint: path, step: meta.step, arch: formatArch(arch), dataset: config.data.dataset, features, n: scores.n,
        seed, backend: backend.name, is: scores.is, isSplits, fid: scores.fid, shares: scores.shares,
        heldOut: heldOut && heldOutFigures(heldOut, net, { isSplits, reference }),
      };
    } finally {
      network.net.dispose();
    }
  } finally {
    G.dispose();
  }
}
