/**
 * A training's own settings: what training one architecture from scratch reads (src/train/train-run.ts) and
 * nothing of the search. The seed, the data set, the widths of G and D, the GAN recipe, and the evaluation it
 * scores with. A run's config holds these beside its search settings (run-config.ts is made of them); a train
 * run directory saves exactly these, and the Derivers are given them.
 */
import { DATASET_NAMES, type DatasetName } from '../data/dataset.js';
import { adamBeta, choice, integer, learningRate, number, positiveInt, section, setting, textOrNull } from './schema.js';
import { DIGITS_FEATURE_DIM } from '../metrics/digits/digit-sizes.js';
import { INCEPTION_GRAPH } from '../metrics/inception/inception-graph.js';
import { FieldError } from '../errors.js';
import { checkedFromFile, type Infer } from '../util/schema.js';

export const FEATURE_NETWORKS = ['digits', 'inception'] as const;

/** The data set: what every training reads. */
export const DATA_SETTINGS = section('The data set.', {
  dataset: setting(choice(DATASET_NAMES), 'cifar10', 'The data set trained on.'),
  root: setting(textOrNull, null, 'Folder of the official files (CIFAR-10, STL-10); null for the embedded MNIST.'),
});

/** A GAN's training: the shared GAN's during the search, and every from-scratch training's. */
export const TRAIN_SETTINGS = section('GAN training: of the final architectures, and of the shared GAN during the search.', {
  steps: setting(positiveInt, 50000, 'Generator iterations (each after nCritic D steps): 50,000 in the reference.'),
  dBatch: setting(positiveInt, 64, 'Real and fake images per D step (64 in the reference).'),
  gBatch: setting(positiveInt, 128, 'Fake images per G step (128 in the reference).'),
  nCritic: setting(positiveInt, 5, 'D steps per G step (5).'),
  lrG: setting(learningRate, 2e-4, 'Adam learning rate of G.'),
  lrD: setting(learningRate, 2e-4, 'Adam learning rate of D.'),
  beta1: setting(adamBeta, 0, 'Adam beta1 of both nets (0 in the reference).'),
  beta2: setting(adamBeta, 0.9, 'Adam beta2 of both nets (0.9 in the reference).'),
  emaDecay: setting(number({ min: 0, max: 1 }), 0.999, 'EMA decay of G\'s weights (0.999).'),
  sampleEvery: setting(positiveInt, 1000, 'Write a sample grid every this many G steps (and at the end).'),
  checkpointEvery: setting(positiveInt, 1000, 'Write a checkpoint every this many G steps (and at the end).'),
  // The reference's Inception network scores about 1 image/s on a CPU: periodic scoring is for the small configs.
  evalEvery: setting(integer({ min: 0 }), 0, 'Score IS and FID every this many G steps, as the final evaluation does (eval.samples images on fixed latents), for the curves of the report; 0: only at the end.', { addedLater: true }),
});

/** The fields of a training's settings, in the order a run's config shows them (before its search section). */
export const TRAINING_FIELDS = {
  seed: setting(integer({ min: 0, max: 2 ** 31 - 1 }), 0, 'Seed of every random choice: the same seed and config give the same results.'),
  data: DATA_SETTINGS,
  model: section('The generator and discriminator of the final (from-scratch) training.', {
    latent: setting(positiveInt, 128, 'Latent size.'),
    gf: setting(positiveInt, 256, 'Generator width (gf_dim 256 in the reference).'),
    df: setting(positiveInt, 128, 'Discriminator width (df_dim 128 in the reference).'),
    bottom: setting(integer({ min: 1, max: 16 }), 4, 'Stem output side: 4 for 32 px images, 6 for 48 px (STL-10). Output side = bottom · 8.'),
  }),
  train: TRAIN_SETTINGS,
  eval: section('IS and FID evaluation.', {
    samples: setting(positiveInt, 50000, 'Generated images per IS/FID evaluation (50,000 for papers\' numbers).'),
    features: setting(choice(FEATURE_NETWORKS), 'inception', 'Feature network: digits (embedded MNIST classifier) or inception (TensorFlow\'s 2015-12-05 graph).'),
    inceptionGraph: setting(textOrNull, null, 'Path of classify_image_graph_def.pb when features = inception.'),
    splits: setting(positiveInt, 10, 'Splits of the Inception Score.'),
  }),
};

export const TRAINING_SETTINGS_SCHEMA = section('The settings of one training from scratch: a run\'s config without its search section.', TRAINING_FIELDS);

/** What training one architecture reads: a run's config less its search settings. */
export type TrainingSettings = Infer<typeof TRAINING_SETTINGS_SCHEMA>;

/**
 * A training's own settings out of a run's config (what `train`, and each derivation before its own steps, trains
 * by), or out of any value that holds them: exactly their keys, so that no other setting is saved with them.
 */
export function trainingSettingsOf(run: TrainingSettings): TrainingSettings {
  const { seed, data, model, train, eval: evaluation } = run;
  return { seed, data, model, train, eval: evaluation };
}

/** Feature size of each feature network (FID's dimension). */
export const FEATURE_DIM: Record<TrainingSettings['eval']['features'], number> = { digits: DIGITS_FEATURE_DIM, inception: INCEPTION_GRAPH.featureDim };

/** Image side of each data set as this project trains on it. */
export const DATASET_RESOLUTION: Record<DatasetName, number> = { mnist: 32, cifar10: 32, stl10: 48 };
export const DATASET_CHANNELS: Record<DatasetName, number> = { mnist: 1, cifar10: 3, stl10: 3 };

/** What one training setting says about another, beyond each one's own range (a run's config is checked so too). */
export function checkTrainingConsistent(cfg: TrainingSettings): void {
  const side = cfg.model.bottom * 8;
  if (side !== DATASET_RESOLUTION[cfg.data.dataset]) {
    throw new FieldError('model.bottom', `${cfg.model.bottom} gives ${side} px images; ${cfg.data.dataset} is ${DATASET_RESOLUTION[cfg.data.dataset]} px (bottom ${DATASET_RESOLUTION[cfg.data.dataset] / 8})`);
  }
  if (cfg.data.dataset !== 'mnist' && cfg.data.root === null) throw new FieldError('data.root', `${cfg.data.dataset} needs the folder of its files`);
  // FID needs a covariance of full rank: more images than feature dimensions.
  const dim = FEATURE_DIM[cfg.eval.features];
  if (cfg.eval.samples <= dim) throw new FieldError('eval.samples', `${cfg.eval.samples} images cannot give an FID on ${dim}-d ${cfg.eval.features} features (need more than ${dim})`);
  if (cfg.eval.features === 'digits' && cfg.data.dataset !== 'mnist') throw new FieldError('eval.features', 'the digit classifier only scores MNIST; use inception');
}

/**
 * Checks a training's settings as a run saved them, naming `source` and the key. `complete`: every key must be
 * there (but those added later), as in a run directory's config.json.
 */
export function resolveTrainingSettings(value: unknown, source: string, complete: boolean): TrainingSettings {
  return checkedFromFile(source, () => {
    const settings = TRAINING_SETTINGS_SCHEMA.check(value, '', complete);
    checkTrainingConsistent(settings);
    return settings;
  });
}
