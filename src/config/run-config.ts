/**
 * The configuration of a run: each setting with its type, range, default and meaning, in one schema, from which
 * the config's types, its defaults and the JSON Schema published for editors (schema/run-config.schema.json) are
 * all derived. The defaults are the reference implementation's settings (CIFAR-10); files in configs/ hold only
 * their differences from them, and are checked field by field (unknown keys, wrong types, ranges: exit 2).
 */
import { DATASET_NAMES, type DatasetName } from '../data/dataset.js';
import { readJsonFile } from './json-file.js';
import { autoOrInteger, boolean, choice, configFile, integer, number, section, setting, textOrNull, tuple } from './schema.js';
import { DIGITS_FEATURE_DIM } from '../metrics/digits/digit-sizes.js';
import { INCEPTION_GRAPH } from '../metrics/inception/inception-graph.js';
import { FieldError } from '../errors.js';
import { checkedFromFile, type Infer } from '../util/schema.js';

const positiveInt = integer({ min: 1 });
const rate = number({ min: 0, aboveMin: true, max: 1 });
const beta = number({ min: 0, max: 0.9999 });

const ABOUT =
  'The configuration of an AutoGAN-TS run: its differences from the defaults (the reference implementation\'s CIFAR-10 settings). ' +
  'Rules between settings (model.bottom against the data set\'s image side, beamKeep ≤ beamCandidates, topK ≤ candidates, ' +
  'enough samples for an FID) are checked when the program reads it.';

export const SEARCH_STRATEGIES = ['rl', 'random-shared', 'random-independent'] as const;
export const SEARCH_LEVELS = ['multi', 'single'] as const;
export const REWARDS = ['is', 'fid'] as const;
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
  lrG: setting(rate, 2e-4, 'Adam learning rate of G.'),
  lrD: setting(rate, 2e-4, 'Adam learning rate of D.'),
  beta1: setting(beta, 0, 'Adam beta1 of both nets (0 in the reference).'),
  beta2: setting(beta, 0.9, 'Adam beta2 of both nets (0.9 in the reference).'),
  emaDecay: setting(number({ min: 0, max: 1 }), 0.999, 'EMA decay of G\'s weights (0.999).'),
  sampleEvery: setting(positiveInt, 1000, 'Write a sample grid every this many G steps (and at the end).'),
  checkpointEvery: setting(positiveInt, 1000, 'Write a checkpoint every this many G steps (and at the end).'),
  // The reference's Inception network scores about 1 image/s on a CPU: periodic scoring is for the small configs.
  evalEvery: setting(integer({ min: 0 }), 0, 'Score IS and FID every this many G steps, as the final evaluation does (eval.samples images on fixed latents), for the curves of the report; 0: only at the end.', { addedLater: true }),
});

/** The search's LSTM controller. */
export const CONTROLLER_SETTINGS = section('The LSTM controller and its REINFORCE update.', {
  hidden: setting(positiveInt, 100, 'LSTM hidden and input size (100).'),
  lr: setting(rate, 3.5e-4, 'Adam learning rate.'),
  beta1: setting(beta, 0, 'Adam beta1.'),
  beta2: setting(beta, 0.9, 'Adam beta2.'),
  entropyCoeff: setting(number({ min: 0 }), 1e-3, 'Weight of the entropy bonus in the reward (1e-3).'),
  baselineDecay: setting(number({ min: 0, max: 1 }), 0.9, 'Decay of the moving-average baseline (0.9).'),
});

/** The dynamic reset's windows. */
export const RESET_SETTINGS = section('Dynamic reset of the shared GAN when its losses stall.', {
  enabled: setting(boolean, true, 'false runs the paper\'s "without reset" ablation.'),
  window: setting(integer({ min: 2 }), 500, 'Window length, in losses.'),
  threshold: setting(number({ min: 0 }), 1e-3, 'Variance threshold.'),
});

export const RUN_CONFIG_SCHEMA = configFile(section(ABOUT, {
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
  search: section('The architecture search.', {
    strategy: setting(choice(SEARCH_STRATEGIES), 'rl', 'rl: the LSTM controller with REINFORCE; random-shared / random-independent: the paper\'s baselines.'),
    levels: setting(choice(SEARCH_LEVELS), 'multi', 'multi: MLAS, one cell per stage with beam hand-over; single: SLAS, all 14 tokens at full resolution.'),
    gf: setting(positiveInt, 128, 'Search-time width of the shared generator (128 in the reference).'),
    df: setting(positiveInt, 64, 'Search-time width of the shared discriminator (64 in the reference).'),
    iterations: setting(tuple([positiveInt, positiveInt, positiveInt]), [15, 20, 30], 'Search iterations of stages 0, 1, 2 (15, 20, 30 as the authors ran it); SLAS runs their sum at stage 2.'),
    // 15 epochs of CIFAR-10's 50,000 images at batch 64.
    minibatches: setting(positiveInt, 11715, 'Shared-GAN minibatches (D steps) per search iteration; the reference trains 15 epochs.'),
    controllerSteps: setting(positiveInt, 30, 'Controller steps (architectures scored) per search iteration (30).'),
    childSamples: setting(integer({ min: 2 }), 5000, 'Generated images per child\'s reward (5,000).'),
    beamCandidates: setting(positiveInt, 10, 'Beam hand-over: candidates M sampled at a stage\'s end (10).'),
    beamKeep: setting(positiveInt, 5, 'Beam hand-over: candidates K kept (5); at most beamCandidates.'),
    controller: CONTROLLER_SETTINGS,
    reset: RESET_SETTINGS,
    overlap: setting(boolean, false, 'Score snapshot v while the shared GAN trains iteration v+1 (the policy then lags one iteration).'),
    reward: setting(choice(REWARDS), 'is', 'Child reward: Inception Score, or 1/FID against the data set\'s statistics.'),
    derive: section('Derivation: architectures sampled from the final policy, the best trained from scratch.', {
      candidates: setting(positiveInt, 10, 'Architectures sampled from the final policy.'),
      topK: setting(positiveInt, 1, 'How many of them are trained from scratch; at most candidates.'),
      steps: setting(positiveInt, 50000, 'G steps of each from-scratch training.'),
      // Runs saved before this key existed resume with its default: checkpoints change no result.
      checkpointEvery: setting(positiveInt, 1000, 'Write a derivation\'s checkpoint every this many G steps (and at the end): each request to a deriver trains this many, so a lost deriver loses at most these, and a pool worker sends its folder this often.', { addedLater: true }),
      // Runs saved before this key existed resume with its default: how many derive at once changes no result.
      parallel: setting(autoOrInteger({ min: 1 }), 'auto', 'How many train at once without --gpus (auto: min(topK, cores / 2 rounded down, at least 1)); with --gpus, one per GPU.', { addedLater: true }),
    }),
  }),
}));

/** The configuration of a run, as plain data in typed slices; each module receives its own slice. */
export type RunConfig = Infer<typeof RUN_CONFIG_SCHEMA>;
export type DataConfig = RunConfig['data'];
export type ModelConfig = RunConfig['model'];
export type TrainConfig = RunConfig['train'];
export type EvalConfig = RunConfig['eval'];
export type SearchConfig = RunConfig['search'];

/** The reference implementation's settings (CIFAR-10). */
export const DEFAULT_CONFIG: RunConfig = RUN_CONFIG_SCHEMA.default;

/** Feature size of each feature network (FID's dimension). */
const FEATURE_DIM: Record<EvalConfig['features'], number> = { digits: DIGITS_FEATURE_DIM, inception: INCEPTION_GRAPH.featureDim };

/** Image side of each data set as this project trains on it. */
export const DATASET_RESOLUTION: Record<DatasetName, number> = { mnist: 32, cifar10: 32, stl10: 48 };
export const DATASET_CHANNELS: Record<DatasetName, number> = { mnist: 1, cifar10: 3, stl10: 3 };

/**
 * Checks a preset (a partial config) and fills in the defaults; errors name `source` and the key.
 * `complete` is for a config a run saved, which holds every key: one missing means the file was damaged,
 * and defaults filled in would silently resume a different run.
 */
export function resolveConfig(preset: unknown, source: string, complete = false): RunConfig {
  return checkedFromFile(source, () => {
    const cfg = RUN_CONFIG_SCHEMA.check(preset, '', complete);
    checkConsistent(cfg);
    return cfg;
  });
}

/** What one setting says about another, beyond each one's own range. */
function checkConsistent(cfg: RunConfig): void {
  const side = cfg.model.bottom * 8;
  if (side !== DATASET_RESOLUTION[cfg.data.dataset]) {
    throw new FieldError('model.bottom', `${cfg.model.bottom} gives ${side} px images; ${cfg.data.dataset} is ${DATASET_RESOLUTION[cfg.data.dataset]} px (bottom ${DATASET_RESOLUTION[cfg.data.dataset] / 8})`);
  }
  if (cfg.data.dataset !== 'mnist' && cfg.data.root === null) throw new FieldError('data.root', `${cfg.data.dataset} needs the folder of its files`);
  if (cfg.search.beamKeep > cfg.search.beamCandidates) throw new FieldError('search.beamKeep', `${cfg.search.beamKeep} exceeds search.beamCandidates (${cfg.search.beamCandidates})`);
  if (cfg.search.derive.topK > cfg.search.derive.candidates) throw new FieldError('search.derive.topK', `${cfg.search.derive.topK} exceeds search.derive.candidates (${cfg.search.derive.candidates})`);
  // FID needs a covariance of full rank: more images than feature dimensions.
  const dim = FEATURE_DIM[cfg.eval.features];
  if (cfg.eval.samples <= dim) throw new FieldError('eval.samples', `${cfg.eval.samples} images cannot give an FID on ${dim}-d ${cfg.eval.features} features (need more than ${dim})`);
  if (cfg.search.reward === 'fid' && cfg.search.childSamples <= dim) {
    throw new FieldError('search.childSamples', `${cfg.search.childSamples} images cannot give the FID reward on ${dim}-d ${cfg.eval.features} features (need more than ${dim})`);
  }
  if (cfg.eval.features === 'digits' && cfg.data.dataset !== 'mnist') throw new FieldError('eval.features', 'the digit classifier only scores MNIST; use inception');
}

/** Reads a config file (JSON) and resolves it. */
export function loadConfig(path: string): RunConfig {
  return resolveConfig(readJsonFile(path, 'config'), path);
}
