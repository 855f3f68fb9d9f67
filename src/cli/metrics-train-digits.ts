import { loadMnist } from '../data/mnist.js';
import { digitAccuracy } from '../metrics/digits/digit-accuracy.js';
import { saveDigitWeights, SHIPPED_DIGITS_WEIGHTS } from '../metrics/digits/digit-weights-file.js';
import { DEFAULT_DIGIT_TRAINING, trainDigitClassifier } from '../metrics/digits/train-digits.js';
import { intFlag, requiredString } from './command.js';
import type { MetricsSubcommand } from './metrics-command.js';
import { BACKEND_HELP, BACKEND_OPTION, seedFlag, startBackendFromFlags } from './runtime-flags.js';

const d = DEFAULT_DIGIT_TRAINING;

export const trainDigitsSubcommand: MetricsSubcommand = {
  name: 'train-digits',
  summary: 'train the embedded digit classifier (MNIST\'s IS and FID network) on the 8,000 training digits',
  help: [
    `  autogan metrics train-digits --out ${SHIPPED_DIGITS_WEIGHTS} [--epochs ${d.epochs}] [--seed ${d.seed}] [--backend B]`,
    '  --out FILE     weights file to write (the shipped one is ' + SHIPPED_DIGITS_WEIGHTS + ')',
    `  --epochs N     passes over the training digits (default ${d.epochs})`,
    `  --seed N       seeds the weights, shuffles and shifts (default ${d.seed})`,
    '  Prints the accuracy on the 2,000 held-out digits, which never take part in training.',
    BACKEND_HELP,
  ].join('\n'),
  options: { out: { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' }, ...BACKEND_OPTION },
  async run(values) {
    const out = requiredString(values, 'out');
    const cfg = { ...d, epochs: intFlag(values, 'epochs', 1, 1000) ?? d.epochs, seed: seedFlag(values) ?? d.seed };
    const backend = await startBackendFromFlags(values);
    const { train, test } = loadMnist();
    const t0 = Date.now();
    const net = trainDigitClassifier(train, cfg, process.stderr, (epoch, loss, n) => {
      process.stderr.write(`epoch ${epoch}: loss ${loss.toFixed(4)}, held-out accuracy ${(100 * digitAccuracy(n, test)).toFixed(2)} %\n`);
    });
    const trainSeconds = (Date.now() - t0) / 1000;
    const heldOutAccuracy = digitAccuracy(net, test);
    saveDigitWeights(out, net, {
      kind: 'digits-classifier', ...cfg, trainImages: train.count, backend: backend.name, heldOutAccuracy, trainSeconds,
    });
    net.dispose();
    console.log(`held-out accuracy ${(100 * heldOutAccuracy).toFixed(2)} % (${test.count} digits); trained in ${trainSeconds.toFixed(0)} s; wrote ${out}`);
  },
};
