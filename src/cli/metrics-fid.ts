import { fileError } from '../errors.js';
import { frechetDistance } from '../metrics/fid.js';
import { loadGaussianStats } from '../metrics/gaussian-stats-file.js';
import { requiredString } from './command.js';
import type { MetricsSubcommand } from './metrics-command.js';

export const fidSubcommand: MetricsSubcommand = {
  name: 'fid',
  summary: 'Fréchet Inception Distance between two sets of features or statistics',
  help: [
    '  autogan metrics fid --a A --b B [--json]',
    '  --a FILE, --b FILE   each a .npy of features (N x D, N > D) or a .npz with arrays mu (D) and sigma (D x D),',
    '                       e.g. TTUR\'s fid_stats_cifar10_train.npz',
    '  --json               print {"fid": ...}',
  ].join('\n'),
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values) {
    const pathA = requiredString(values, 'a');
    const pathB = requiredString(values, 'b');
    const a = loadGaussianStats(pathA);
    const b = loadGaussianStats(pathB);
    if (a.dim !== b.dim) throw fileError(pathB, `has ${b.dim}-d statistics but ${pathA} has ${a.dim}-d: FID compares the same features`);
    const fid = frechetDistance(a, b);
    if (values.json === true) console.log(JSON.stringify({ fid }));
    else console.log(`FID = ${fid.toFixed(4)} (${a.dim}-d)`);
  },
};
