import { DATASET_NAMES } from '../data/dataset.js';
import { loadSplit, SPLITS, TRAINING_SPLIT } from '../data/load.js';
import { flagError, quote } from '../errors.js';
import { datasetFeatureStats } from '../metrics/dataset-stats.js';
import { saveGaussianStats } from '../metrics/gaussian-stats-file.js';
import { FEATURE_NETWORK_NAMES, openFeatureNetwork } from '../metrics/open-feature-network.js';
import { ProgressBar } from '../util/progress-bar.js';
import { choiceFlag, outputFileFlag, stringFlag } from './command.js';
import type { MetricsSubcommand } from './metrics-command.js';
import { BACKEND_HELP, BACKEND_OPTION, startBackendFromFlags } from './runtime-flags.js';

export const statsSubcommand: MetricsSubcommand = {
  name: 'stats',
  summary: 'reference statistics (mu, sigma of features) of a data set, for FID',
  help: [
    '  autogan metrics stats --dataset NAME [--root DIR] [--features digits|inception] [--inception FILE] --out S.npz [--split S]',
    `  --dataset NAME    ${DATASET_NAMES.join('|')}`,
    '  --root DIR        folder of the data set\'s files (not for the embedded mnist)',
    '  --features NET    digits (default for mnist) or inception (default otherwise; papers\' numbers)',
    '  --inception FILE  classify_image_graph_def.pb, for --features inception',
    '  --split S         default: the split GANs train on (mnist train, cifar10 train, stl10 train+unlabeled)',
    '  --out FILE        .npz with arrays mu (D) and sigma (D x D), float64, as TTUR\'s fid_stats_*.npz',
    BACKEND_HELP,
  ].join('\n'),
  options: {
    dataset: { type: 'string' }, root: { type: 'string' }, features: { type: 'string' }, inception: { type: 'string' },
    split: { type: 'string' }, out: { type: 'string' }, ...BACKEND_OPTION,
  },
  async run(values) {
    const dataset = choiceFlag(values, 'dataset', DATASET_NAMES);
    if (dataset === undefined) throw flagError('dataset', `is required (${DATASET_NAMES.join('|')})`);
    const out = outputFileFlag(values, 'out');
    const root = stringFlag(values, 'root');
    if (dataset !== 'mnist' && root === undefined) throw flagError('root', `is required for ${dataset} (the folder of its files)`);
    const split = stringFlag(values, 'split') ?? TRAINING_SPLIT[dataset];
    const splits = [...new Set([...SPLITS[dataset], TRAINING_SPLIT[dataset]])];
    if (!splits.includes(split)) throw flagError('split', `${dataset} has splits ${splits.join(', ')}, not ${quote(split)}`);
    const features = choiceFlag(values, 'features', FEATURE_NETWORK_NAMES) ?? (dataset === 'mnist' ? 'digits' : 'inception');
    if (features === 'digits' && dataset !== 'mnist') throw flagError('features', `the digit classifier scores MNIST only, not ${dataset} (use inception)`);
    const inception = stringFlag(values, 'inception') ?? null;
    if (features === 'inception' && inception === null) throw flagError('inception', 'is required with --features inception (`autogan metrics fetch-inception --dir DIR` downloads the graph)');
    await startBackendFromFlags(values);
    const ds = await loadSplit(dataset, split, root);
    const { net } = await openFeatureNetwork(features, features === 'digits' ? null : inception);
    try {
      const bar = new ProgressBar(process.stderr, 'stats', ds.count, 'img');
      const stats = datasetFeatureStats(ds, net, { onProgress: (done) => bar.update(done) });
      bar.finish(ds.count);
      saveGaussianStats(out, stats);
      console.log(`wrote ${out}: mu and sigma of ${stats.dim}-d ${features} features of ${stats.n} images (${dataset}/${split})`);
    } finally {
      net.dispose();
    }
  },
};
