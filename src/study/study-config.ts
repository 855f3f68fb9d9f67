/**
 * A study's config: a base run config (a file, with optional overrides), the arms to compare, the seeds every
 * arm runs, the budget every arm gets, and the bootstrap of the confidence intervals. Every key is checked, and
 * every arm's search config is worked out before anything runs, so a budget that does not divide evenly is an
 * exit-2 error naming the key, not a failure an hour in.
 *
 * @example
 * { "base": "mnist-tiny.json", "arms": ["full", "random-shared"], "seeds": [1, 2, 3],
 *   "budget": { "minibatches": 400, "childEvaluations": 130, "derive": { "candidates": 10, "topK": 1, "steps": 700 } } }
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { RUN_CONFIG_SCHEMA, loadConfig, resolveConfig, type RunConfig } from '../config/run-config.js';
import { readJsonFile } from '../config/json-file.js';
import { checkValue, mergeDeep, type FieldSpec } from '../config/schema.js';
import { InputError } from '../errors.js';
import { ARM_NAMES, armRunConfig, type ArmName, type StudyBudget } from './arms.js';
import type { BootstrapSettings } from './statistics.js';

export interface StudyConfig {
  /** The base run config's path as the study file gives it (relative to the study file's folder). */
  readonly base: string;
  /** Keys merged over the base (a partial run config). */
  readonly config: unknown;
  readonly arms: readonly ArmName[];
  readonly seeds: readonly number[];
  readonly budget: StudyBudget;
  readonly bootstrap: BootstrapSettings;
}

/** A checked study: its settings and the base run config they apply to. */
export interface ResolvedStudy {
  readonly study: StudyConfig;
  /** The base with the study's overrides: every arm's config is this, with its search slice set by the arm. */
  readonly base: RunConfig;
}

export const DEFAULT_BOOTSTRAP: BootstrapSettings = { resamples: 10000, seed: 0 };

const positiveInt: FieldSpec = { type: 'int', min: 1 };

const BUDGET_SCHEMA: FieldSpec = {
  type: 'object',
  fields: {
    minibatches: positiveInt, childEvaluations: positiveInt,
    derive: { type: 'object', fields: { candidates: positiveInt, topK: positiveInt, steps: positiveInt } },
  },
};

/** Checked as a partial object (the overrides and the bootstrap may leave keys out); the required keys after. */
const STUDY_SCHEMA: FieldSpec = {
  type: 'object',
  fields: {
    base: { type: 'string' },
    config: RUN_CONFIG_SCHEMA,
    arms: { type: 'list', items: { type: 'enum', values: ARM_NAMES }, minItems: 1 },
    // Two at least: one seed has no spread to show and no interval to draw.
    seeds: { type: 'list', items: { type: 'int', min: 0, max: 2 ** 31 - 1 }, minItems: 2 },
    budget: BUDGET_SCHEMA,
    bootstrap: {
      type: 'object',
      fields: { resamples: { type: 'int', min: 100, max: 1_000_000 }, seed: { type: 'int', min: 0, max: 2 ** 31 - 1 } },
    },
  },
};

function distinct<T>(list: readonly T[], key: string, source: string): readonly T[] {
  const dup = list.find((v, i) => list.indexOf(v) !== i);
  if (dup !== undefined) throw new InputError(`${source}: ${key}: ${JSON.stringify(dup)} is listed twice`);
  return list;
}

/** Checks a study's settings (the JSON of a study file); errors name `source` and the key. */
function checkStudy(raw: unknown, source: string): StudyConfig {
  const r = checkValue(raw, STUDY_SCHEMA, '', source, true) as Record<string, unknown>;
  for (const key of ['base', 'arms', 'seeds', 'budget']) if (!(key in r)) throw new InputError(`${source}: ${key}: missing`);
  const budget = checkValue(r.budget, BUDGET_SCHEMA, 'budget', source, false) as StudyBudget;
  if (budget.derive.topK > budget.derive.candidates) {
    throw new InputError(`${source}: budget.derive.topK: ${budget.derive.topK} exceeds budget.derive.candidates (${budget.derive.candidates})`);
  }
  return {
    base: r.base as string, config: r.config ?? {}, arms: distinct(r.arms as ArmName[], 'arms', source), seeds: distinct(r.seeds as number[], 'seeds', source),
    budget, bootstrap: { ...DEFAULT_BOOTSTRAP, ...(r.bootstrap as Partial<BootstrapSettings> | undefined) },
  };
}

/** Works out (and checks as a run config) every arm's config now, so that none fails once the study runs. */
function checkArms(study: StudyConfig, base: RunConfig, source: string): ResolvedStudy {
  for (const arm of study.arms) resolveConfig(armRunConfig(base, arm, study.budget, study.seeds[0]!, source), `${source} (the ${arm} arm)`);
  return { study, base };
}

/** A study file: its settings, and its base config file (relative to the study file's folder) with the overrides. */
export function loadStudy(path: string): ResolvedStudy {
  const study = checkStudy(readJsonFile(path, 'study config'), path);
  const basePath = isAbsolute(study.base) ? study.base : resolve(dirname(path), study.base);
  return checkArms(study, resolveConfig(mergeDeep(loadConfig(basePath), study.config), `${path} (base ${study.base} with config)`), path);
}

/** What a study directory keeps of its study: the settings and the effective base, so a resume reads no other file. */
export function savedStudy(s: ResolvedStudy): unknown {
  return { study: s.study, base: s.base };
}

/** Reads back `savedStudy`'s JSON from `path`; it must be complete, as a saved run config must. */
export function loadSavedStudy(path: string): ResolvedStudy {
  const raw = readJsonFile(path, 'saved study config');
  const saved = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const study = checkStudy(saved.study, `${path}: study`);
  return checkArms(study, resolveConfig(saved.base, `${path}: base`, true), path);
}
