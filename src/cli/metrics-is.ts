import { fileError } from '../errors.js';
import { inceptionScore } from '../metrics/inception-score.js';
import { floatData, readNpy } from '../metrics/npy.js';
import { intFlag, requiredString } from './command.js';
import type { MetricsSubcommand } from './metrics-command.js';

export const isSubcommand: MetricsSubcommand = {
  name: 'is',
  summary: 'Inception Score of class probabilities',
  help: [
    '  autogan metrics is --probs P.npy [--splits 10] [--json]',
    '  --probs FILE   .npy of class probabilities, N x K (float32 or float64), rows summing to 1',
    '  --splits N     parts the N rows are cut into; the score is mean ± std over parts (default 10)',
    '  --json         print {"mean": ..., "std": ...}',
  ].join('\n'),
  options: {
    probs: { type: 'string' },
    splits: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values) {
    const path = requiredString(values, 'probs');
    const splits = intFlag(values, 'splits', 1) ?? 10;
    const probs = readNpy(path);
    if (probs.shape.length !== 2) throw fileError(path, `probabilities must be a 2-d array (samples x classes), has shape (${probs.shape.join(', ')})`);
    const [n, k] = probs.shape as [number, number];
    const score = inceptionScore(floatData(probs, path, 'the probability array'), n, k, { splits, source: path });
    if (values.json === true) console.log(JSON.stringify(score));
    else console.log(`IS = ${score.mean.toFixed(4)} ± ${score.std.toFixed(4)} (${n} samples, ${k} classes, ${splits} splits)`);
  },
};
