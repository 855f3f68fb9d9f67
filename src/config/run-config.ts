/**
 * The configuration of a run, as plain data in typed slices; each module receives its own slice.
 * `DEFAULT_CONFIG` carries the reference implementation's settings (CIFAR-10); files in configs/ hold only
 * their differences from it, and are checked field by field (unknown keys, wrong types, ranges: exit 2).
 */
import { InputError } from '../errors.js';
import { DATASET_NAMES, type DatasetName } from '../data/dataset.js';
import type { GanTrainConfig } from '../train/gan-trainer.js';
import { readJsonFile } from './json-file.js';
import { checkValue, mergeDeep, type FieldSpec } from './schema.js';
import { DIGITS_FEATURE_DIM } from '../metrics/digits/digit-classifier.js';
import { INCEPTION_GRAPH } from '../metrics/inception/inception-graph.js';

export interface DataConfig {
  readonly dataset: DatasetName;
  /** Folder of the official files (CIFAR-10, STL-10); null for the embedded MNIST. */
  readonly root: string | null;
}

export interface ModelConfig {
  /** Latent size. */
  readonly latent: number;
  /** Generator and discriminator widths of the final (from-scratch) training: gf_dim 256, df_dim 128. */
  readonly gf: number;
  readonly df: number;
  /** Stem output side: 4 for 32 px images, 6 for 48 px (STL-10). Output side = bottom · 8. */
  readonly bottom: number;
}

export interface TrainConfig extends GanTrainConfig {
  /** Generator iterations (each after n_critic D steps): 50,000 in the reference. */
  readonly steps: number;
  /** Write a sample grid every this many G steps (and at the end). */
  readonly sampleEvery: number;
  /** Write a checkpoint every this many G steps (and at the end). */
  readonly checkpointEvery: number;
  /**
   * Score IS and FID every this many G steps, as the final evaluation does (eval.samples images on fixed
   * latents), for the curves of the report; 0: only at the end.
   */
  readonly evalEvery: number;
}

export interface EvalConfig {
  /** Generated images per IS/FID evaluation (50,000 for papers' numbers). */
  readonly samples: number;
  /** Feature network: `digits` (embedded MNIST classifier) or `inception` (TensorFlow's 2015-12-05 graph). */
  readonly features: 'digits' | 'inception';
  /** Path of classify_image_graph_def.pb when features = inception. */
  readonly inceptionGraph: string | null;
  /** Splits of the Inception Score. */
  readonly splits: number;
}

export interface SearchConfig {
  /** rl: the LSTM controller with REINFORCE; random-shared / random-independent: the paper's baselines. */
  readonly strategy: 'rl' | 'random-shared' | 'random-independent';
  /** multi: MLAS, one cell per stage with beam hand-over; single: SLAS, all 14 tokens at full resolution. */
  readonly levels: 'multi' | 'single';
  /** Search-time widths of the shared generator and discriminator (128 and 64 in the reference). */
  readonly gf: number;
  readonly df: number;
  /** Search iterations of stages 0, 1, 2 (15, 20, 30 as the authors ran it); SLAS runs their sum at stage 2. */
  readonly iterations: readonly [number, number, number];
  /** Shared-GAN minibatches (D steps) per search iteration; the reference trains 15 epochs. */
  readonly minibatches: number;
  /** Controller steps (architectures scored) per search iteration (30). */
  readonly controllerSteps: number;
  /** Generated images per child's reward (5,000). */
  readonly childSamples: number;
  /** Beam hand-over: candidates M sampled at a stage's end, K kept (10 and 5). */
  readonly beamCandidates: number;
  readonly beamKeep: number;
  readonly controller: {
    /** LSTM hidden and input size (100). */
    readonly hidden: number;
    readonly lr: number;
    readonly beta1: number;
    readonly beta2: number;
    /** Weight of the entropy bonus in the reward (1e-3). */
    readonly entropyCoeff: number;
    /** Decay of the moving-average baseline (0.9). */
    readonly baselineDecay: number;
  };
  /** Dynamic reset: window length, variance threshold; off to run the paper's "without reset" ablation. */
  readonly reset: { readonly enabled: boolean; readonly window: number; readonly threshold: number };
  /** Score snapshot v while the shared GAN trains iteration v+1 (the policy then lags one iteration). */
  readonly overlap: boolean;
  /** Child reward: Inception Score, or 1/FID against the data set's statistics. */
  readonly reward: 'is' | 'fid';
  /**
   * Derivation: architectures sampled from the final policy, how many are trained from scratch, for how many G
   * steps, and how many train at once without --gpus (`auto`: min(topK, cores / 2 rounded down, at least 1);
   * with --gpus, one per GPU).
   */
  readonly derive: { readonly candidates: number; readonly topK: number; readonly steps: number; readonly parallel: number | 'auto' };
}

export interface RunConfig {
  readonly seed: number;
  readonly data: DataConfig;
  readonly model: ModelConfig;
  readonly train: TrainConfig;
  readonly eval: EvalConfig;
  readonly search: SearchConfig;
}

export const DEFAULT_CONFIG: RunConfig = {
  seed: 0,
  data: { dataset: 'cifar10', root: null },
  model: { latent: 128, gf: 256, df: 128, bottom: 4 },
  train: {
    steps: 50000,
    dBatch: 64,
    gBatch: 128,
    nCritic: 5,
    lrG: 2e-4,
    lrD: 2e-4,
    beta1: 0,
    beta2: 0.9,
    emaDecay: 0.999,
    sampleEvery: 1000,
    checkpointEvery: 1000,
    // The reference's Inception network scores about 1 image/s on a CPU: periodic scoring is for the small configs.
    evalEvery: 0,
  },
  eval: { samples: 50000, features: 'inception', inceptionGraph: null, splits: 10 },
  search: {
    strategy: 'rl',
    levels: 'multi',
    gf: 128,
    df: 64,
    iterations: [15, 20, 30],
    minibatches: 11715, // 15 epochs of CIFAR-10's 50,000 images at batch 64
    controllerSteps: 30,
    childSamples: 5000,
    beamCandidates: 10,
    beamKeep: 5,
    controller: { hidden: 100, lr: 3.5e-4, beta1: 0, beta2: 0.9, entropyCoeff: 1e-3, baselineDecay: 0.9 },
    reset: { enabled: true, window: 500, threshold: 1e-3 },
    overlap: false,
    reward: 'is',
    derive: { candidates: 10, topK: 1, steps: 50000, parallel: 'auto' },
  },
};

const positiveInt: FieldSpec = { type: 'int', min: 1 };
const rate: FieldSpec = { type: 'number', min: 0, exclusiveMin: true, max: 1 };
const beta: FieldSpec = { type: 'number', min: 0, max: 0.9999 };

export const RUN_CONFIG_SCHEMA: FieldSpec = {
  type: 'object',
  fields: {
    seed: { type: 'int', min: 0, max: 2 ** 31 - 1 },
    data: { type: 'object', fields: { dataset: { type: 'enum', values: DATASET_NAMES }, root: { type: 'string', nullable: true } } },
    model: { type: 'object', fields: { latent: positiveInt, gf: positiveInt, df: positiveInt, bottom: { type: 'int', min: 1, max: 16 } } },
    train: {
      type: 'object',
      fields: {
        steps: positiveInt, dBatch: positiveInt, gBatch: positiveInt, nCritic: positiveInt,
        lrG: rate, lrD: rate, beta1: beta, beta2: beta, emaDecay: { type: 'number', min: 0, max: 1 },
        sampleEvery: positiveInt, checkpointEvery: positiveInt, evalEvery: { type: 'int', min: 0, optional: true },
      },
    },
    eval: {
      type: 'object',
      fields: {
        samples: positiveInt, features: { type: 'enum', values: ['digits', 'inception'] },
        inceptionGraph: { type: 'string', nullable: true }, splits: positiveInt,
      },
    },
    search: {
      type: 'object',
      fields: {
        strategy: { type: 'enum', values: ['rl', 'random-shared', 'random-independent'] },
        levels: { type: 'enum', values: ['multi', 'single'] },
        gf: positiveInt, df: positiveInt,
        iterations: { type: 'tuple', items: [{ type: 'int', min: 1 }, { type: 'int', min: 1 }, { type: 'int', min: 1 }] },
        minibatches: positiveInt, controllerSteps: positiveInt, childSamples: { type: 'int', min: 2 },
        beamCandidates: positiveInt, beamKeep: positiveInt,
        controller: {
          type: 'object',
          fields: { hidden: positiveInt, lr: rate, beta1: beta, beta2: beta, entropyCoeff: { type: 'number', min: 0 }, baselineDecay: { type: 'number', min: 0, max: 1 } },
        },
        reset: { type: 'object', fields: { enabled: { type: 'boolean' }, window: { type: 'int', min: 2 }, threshold: { type: 'number', min: 0 } } },
        overlap: { type: 'boolean' },
        reward: { type: 'enum', values: ['is', 'fid'] },
        derive: {
          type: 'object',
          fields: {
            candidates: positiveInt, topK: positiveInt, steps: positiveInt,
            // Runs saved before this key existed resume with its default: how many derive at once changes no result.
            parallel: { type: 'int', min: 1, auto: true, optional: true },
          },
        },
      },
    },
  },
};

/** Feature size of each feature network (FID's dimension). */
const FEATURE_DIM: Record<EvalConfig['features'], number> = { digits: DIGITS_FEATURE_DIM, inception: INCEPTION_GRAPH.featureDim };

/** Image side of each data set as this project trains on it. */
export const DATASET_RESOLUTION: Record<DatasetName, number> = { mnist: 32, cifar10: 32, stl10: 48 };
export const DATASET_CHANNELS: Record<DatasetName, number> = { mnist: 1, cifar10: 3, stl10: 3 };

/**
 * Checks a preset (a partial config) and merges it over the defaults; errors name `source` and the key.
 * `complete` is for a config a run saved, which holds every key: one missing means the file was damaged,
 * and defaults filled in would silently resume a different run.
 */
export function resolveConfig(preset: unknown, source: string, complete = false): RunConfig {
  checkValue(preset, RUN_CONFIG_SCHEMA, '', source, !complete);
  const cfg = mergeDeep(DEFAULT_CONFIG, preset);
  const side = cfg.model.bottom * 8;
  if (side !== DATASET_RESOLUTION[cfg.data.dataset]) {
    throw new InputError(`${source}: model.bottom: ${cfg.model.bottom} gives ${side} px images; ${cfg.data.dataset} is ${DATASET_RESOLUTION[cfg.data.dataset]} px (bottom ${DATASET_RESOLUTION[cfg.data.dataset] / 8})`);
  }
  if (cfg.data.dataset !== 'mnist' && cfg.data.root === null) throw new InputError(`${source}: data.root: ${cfg.data.dataset} needs the folder of its files`);
  if (cfg.search.beamKeep > cfg.search.beamCandidates) throw new InputError(`${source}: search.beamKeep: ${cfg.search.beamKeep} exceeds search.beamCandidates (${cfg.search.beamCandidates})`);
  if (cfg.search.derive.topK > cfg.search.derive.candidates) throw new InputError(`${source}: search.derive.topK: ${cfg.search.derive.topK} exceeds search.derive.candidates (${cfg.search.derive.candidates})`);
  // FID needs a covariance of full rank: more images than feature dimensions.
  const dim = FEATURE_DIM[cfg.eval.features];
  if (cfg.eval.samples <= dim) throw new InputError(`${source}: eval.samples: ${cfg.eval.samples} images cannot give an FID on ${dim}-d ${cfg.eval.features} features (need more than ${dim})`);
  if (cfg.search.reward === 'fid' && cfg.search.childSamples <= dim) {
    throw new InputError(`${source}: search.childSamples: ${cfg.search.childSamples} images cannot give the FID reward on ${dim}-d ${cfg.eval.features} features (need more than ${dim})`);
  }
  if (cfg.eval.features === 'digits' && cfg.data.dataset !== 'mnist') throw new InputError(`${source}: eval.features: the digit classifier only scores MNIST; use inception`);
  return cfg;
}

/** Reads a config file (JSON) and resolves it. */
export function loadConfig(path: string): RunConfig {
  return resolveConfig(readJsonFile(path, 'config'), path);
}
