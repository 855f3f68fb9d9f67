/**
 * The configuration of a run: each setting with its type, range, default and meaning, in one schema, from which
 * the config's types, its defaults and the JSON Schema published for editors (schema/run-config.schema.json) are
 * all derived. The defaults are the reference implementation's settings (CIFAR-10); files in configs/ hold only
 * their differences from them, and are checked field by field (unknown keys, wrong types, ranges: exit 2).
 */
import { readJsonFile } from './json-file.js';
import { adamBeta, autoOrInteger, boolean, choice, configFile, integer, learningRate, number, positiveInt, section, setting, tuple } from './schema.js';
import { checkTrainingConsistent, FEATURE_DIM, TRAINING_FIELDS } from './training-settings.js';
import { FieldError } from '../errors.js';
import { checkedFromFile, type Infer } from '../util/schema.js';

const ABOUT =
  'The configuration of an AutoGAN-TS run: its differences from the defaults (the reference implementation\'s CIFAR-10 settings). ' +
  'Rules between settings (model.bottom against the data set\'s image side, beamKeep ≤ beamCandidates, topK ≤ candidates, ' +
  'enough samples for an FID) are checked when the program reads it.';

export const SEARCH_STRATEGIES = ['rl', 'random-shared', 'random-independent'] as const;
export const SEARCH_LEVELS = ['multi', 'single'] as const;
export const REWARDS = ['is', 'fid'] as const;

/** The search's LSTM controller. */
export const CONTROLLER_SETTINGS = section('The LSTM controller and its REINFORCE update.', {
  hidden: setting(positiveInt, 100, 'LSTM hidden and input size (100).'),
  lr: setting(learningRate, 3.5e-4, 'Adam learning rate.'),
  beta1: setting(adamBeta, 0, 'Adam beta1.'),
  beta2: setting(adamBeta, 0.9, 'Adam beta2.'),
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
  ...TRAINING_FIELDS,
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
  checkTrainingConsistent(cfg);
  if (cfg.search.beamKeep > cfg.search.beamCandidates) throw new FieldError('search.beamKeep', `${cfg.search.beamKeep} exceeds search.beamCandidates (${cfg.search.beamCandidates})`);
  if (cfg.search.derive.topK > cfg.search.derive.candidates) throw new FieldError('search.derive.topK', `${cfg.search.derive.topK} exceeds search.derive.candidates (${cfg.search.derive.candidates})`);
  const dim = FEATURE_DIM[cfg.eval.features];
  if (cfg.search.reward === 'fid' && cfg.search.childSamples <= dim) {
    throw new FieldError('search.childSamples', `${cfg.search.childSamples} images cannot give the FID reward on ${dim}-d ${cfg.eval.features} features (need more than ${dim})`);
  }
}

/** Reads a config file (JSON) and resolves it. */
export function loadConfig(path: string): RunConfig {
  return resolveConfig(readJsonFile(path, 'config'), path);
}
