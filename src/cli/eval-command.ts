import { evaluate, type MetricName } from '../jobs/evaluate.js';
import { FEATURE_NETWORK_NAMES } from '../metrics/open-feature-network.js';
import { choiceFlag, intFlag, requiredString, stringFlag, type Command, type ParsedValues } from './command.js';
import { classesText, heldOutText } from './scores-text.js';
import { BACKEND_HELP, BACKEND_OPTION, backendFlag, seedFlag, stderrLine } from './runtime-flags.js';

const help = `Usage: autogan eval --checkpoint PATH [--metrics is,fid] [--n N] [--features digits|inception]
                    [--inception FILE] [--stats S.npz] [--root DIR] [--seed N] [--batch N] [--json] [--backend B]

Scores the generator of a training run: N images from the EMA generator (inference-mode batch norm)
through a feature network, giving the Inception Score and the FID against the training split's statistics.
With the digit classifier it also prints the share of each digit among the images, and the same metrics
of the 2,000 held-out real digits to read the generator's against (docs/scores.md).

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
  --json             print {"is": {"mean", "std"}, "fid", "shares", "heldOut", ...} on stdout
${BACKEND_HELP}`;

/** --metrics is,fid as names; the job checks each. */
function metricsFlag(values: ParsedValues): MetricName[] | undefined {
  return stringFlag(values, 'metrics')?.split(',').map((s) => s.trim()) as MetricName[] | undefined;
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
    const result = await evaluate({
      checkpoint: requiredString(values, 'checkpoint'), metrics: metricsFlag(values), n: intFlag(values, 'n', 1),
      features: choiceFlag(values, 'features', FEATURE_NETWORK_NAMES), inception: stringFlag(values, 'inception'),
      stats: stringFlag(values, 'stats'), root: stringFlag(values, 'root'), seed: seedFlag(values),
      batch: intFlag(values, 'batch', 1, 100_000), backend: backendFlag(values), log: stderrLine, progress: process.stderr,
    });
    const { isSplits, ...scores } = result;
    if (values.json === true) {
      console.log(JSON.stringify(scores));
    } else {
      console.log(`${result.checkpoint} (step ${result.step}, ${result.arch}): ${result.n} images, ${result.features} features`);
      if (result.is) console.log(`IS  = ${result.is.mean.toFixed(4)} ± ${result.is.std.toFixed(4)} (${isSplits} splits)`);
      if (result.fid !== null) console.log(`FID = ${result.fid.toFixed(4)}`);
      if (result.heldOut) console.log(heldOutText(result.heldOut));
      if (result.shares) console.log(classesText(result.shares, result.heldOut));
    }
  },
};
