import { basename, dirname } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { TRAINING_SPLIT } from '../data/load.js';
import { flagError, quote } from '../errors.js';
import { formatArch } from '../nn/arch.js';
import { FEATURE_NETWORK_NAMES, openFeatureNetwork } from '../metrics/open-feature-network.js';
import { referenceStats } from '../metrics/reference-stats.js';
import { latentSampler, scoreImages } from '../metrics/score-generator.js';
import { loadEmaGenerator } from '../train/ema-generator.js';
import { ProgressBar } from '../util/progress-bar.js';
import { choiceFlag, intFlag, requiredString, stringFlag, type Command, type ParsedValues } from './command.js';
import { BACKEND_HELP, BACKEND_OPTION, seedFlag, startBackendFromFlags } from './runtime-flags.js';

const METRICS = ['is', 'fid'] as const;

const help = `Usage: autogan eval --checkpoint PATH [--metrics is,fid] [--n N] [--features digits|inception]
                    [--inception FILE] [--stats S.npz] [--root DIR] [--seed N] [--batch N] [--json] [--backend B]

Scores the generator of a training run: N images from the EMA generator (inference-mode batch norm)
through a feature network, giving the Inception Score and the FID against the training split's statistics.

Options:
  --checkpoint PATH  a checkpoint of \`autogan train\`, or its run directory (the newest intact checkpoint)
  --metrics LIST     is, fid or is,fid (default is,fid)
  --n N              images to generate (default: the run config's eval.samples; papers use 50,000)
  --features NET     digits (the embedded MNIST classifier) or inception (numbers comparable to papers);
                     default: the run config's eval.features
  --inception FILE   classify_image_graph_def.pb (default: the config's eval.inceptionGraph);
                     \`autogan metrics fetch-inception --dir DIR\` downloads it
  --stats FILE       reference statistics (.npz with mu, sigma, e.g. TTUR's fid_stats_cifar10_train.npz);
                     default: computed from the training split and cached in the run directory
  --root DIR         folder of the data set's files (default: the run config's data.root)
  --seed N           seeds the latents (default: the run config's seed)
  --batch N          images per generator and network pass (default 100)
  --json             print {"is": {"mean", "std"}, "fid", ...} on stdout
${BACKEND_HELP}`;

function parseMetrics(values: ParsedValues): Set<(typeof METRICS)[number]> {
  const text = stringFlag(values, 'metrics') ?? 'is,fid';
  const names = text.split(',').map((s) => s.trim());
  for (const n of names) if (!(METRICS as readonly string[]).includes(n)) throw flagError('metrics', `unknown metric ${quote(n)} (use is, fid or is,fid)`);
  return new Set(names as (typeof METRICS)[number][]);
}

/** Computed reference statistics are kept with the run: next to checkpoints/, or beside the file. */
function runDirOf(path: string): string {
  if (existsSync(path) && statSync(path).isDirectory()) return path;
  const dir = dirname(path);
  return basename(dir) === 'checkpoints' ? dirname(dir) : dir;
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score a trained generator: Inception Score and FID',
  help,
  options: {
    checkpoint: { type: 'string' }, metrics: { type: 'string' }, n: { type: 'string' }, features: { type: 'string' },
    inception: { type: 'string' }, stats: { type: 'string' }, root: { type: 'string' }, seed: { type: 'string' },
    batch: { type: 'string' }, json: { type: 'boolean' }, ...BACKEND_OPTION,
  },
  async run(values) {
    const checkpoint = requiredString(values, 'checkpoint');
    const metrics = parseMetrics(values);
    const nFlag = intFlag(values, 'n', 1);
    const featuresFlag = choiceFlag(values, 'features', FEATURE_NETWORK_NAMES);
    const seedOverride = seedFlag(values);
    const batchSize = intFlag(values, 'batch', 1, 100_000) ?? 100;
    const statsFile = stringFlag(values, 'stats') ?? null;
    const log = (line: string) => process.stderr.write(`${line}\n`);

    const backend = await startBackendFromFlags(values);
    const { G, meta, path } = loadEmaGenerator(checkpoint);
    try {
      const { config, arch } = meta;
      const features = featuresFlag ?? config.eval.features;
      if (features === 'digits' && config.data.dataset !== 'mnist') throw flagError('features', `the digit classifier scores MNIST only; this run trained on ${config.data.dataset} (use inception)`);
      const inception = stringFlag(values, 'inception') ?? config.eval.inceptionGraph;
      if (features === 'inception' && !inception) throw flagError('inception', 'is required with --features inception (`autogan metrics fetch-inception --dir DIR` downloads the graph)');
      const n = nFlag ?? config.eval.samples;
      if (metrics.has('is') && n < config.eval.splits) throw flagError('n', `${n} images cannot be cut into the Inception Score's ${config.eval.splits} splits`);
      const network = await openFeatureNetwork(features, features === 'digits' ? null : inception);
      try {
        const { net } = network;
        if (metrics.has('fid') && n <= net.featureDim) throw flagError('n', `FID on ${net.featureDim}-d ${features} features needs more than ${net.featureDim} images, got ${n}`);
        const reference = metrics.has('fid')
          ? await referenceStats({
              dataset: config.data.dataset, split: TRAINING_SPLIT[config.data.dataset], root: stringFlag(values, 'root') ?? config.data.root,
              network, statsFile, cacheDir: statsFile ? null : runDirOf(checkpoint), log, progress: process.stderr,
            })
          : null;
        const seed = seedOverride ?? config.seed;
        const bar = new ProgressBar(process.stderr, 'eval', n, 'img');
        const scores = scoreImages(latentSampler(config.model.latent, seed, (z) => G.forward(z, arch, false)), net, {
          n, batchSize, isSplits: metrics.has('is') ? config.eval.splits : null, reference, onProgress: (done) => bar.update(done),
        });
        bar.finish(n);
        const result = {
          checkpoint: path, step: meta.step, arch: formatArch(arch), dataset: config.data.dataset, features, n: scores.n,
          seed, backend: backend.name, is: scores.is, fid: scores.fid,
        };
        if (values.json === true) {
          console.log(JSON.stringify(result));
        } else {
          console.log(`${path} (step ${meta.step}, ${result.arch}): ${n} images, ${features} features`);
          if (scores.is) console.log(`IS  = ${scores.is.mean.toFixed(4)} ± ${scores.is.std.toFixed(4)} (${config.eval.splits} splits)`);
          if (scores.fid !== null) console.log(`FID = ${scores.fid.toFixed(4)}`);
        }
      } finally {
        network.net.dispose();
      }
    } finally {
      G.dispose();
    }
  },
};
