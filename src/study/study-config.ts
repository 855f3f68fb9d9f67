/**
 * A study's config: a base run config (a file, with optional overrides), the arms to compare, the seeds every
 * arm runs, the budget every arm gets, and the bootstrap of the confidence intervals. Every key is checked, and
 * every arm's search config is worked out before anything runs, so a budget that does not divide evenly is an
 * exit-2 error naming the key, not a failure an hour in. The practical margins of the equivalence verdict
 * (decision.ts) are stated here too, before any run.
 *
 * @example
 * { "base": "mnist-tiny.json", "arms": ["full", "random-shared"], "seeds": [1, 2, 3],
 *   "budget": { "minibatches": 400, "childEvaluations": 122, "derive": { "candidates": 10, "topK": 1, "steps": 700 } },
 *   "margins": { "fid": { "relative": 0.1, "of": "full" }, "is": { "absolute": 0.3 } } }
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { RUN_CONFIG_SCHEMA, loadConfig, resolveConfig, type RunConfig } from '../config/run-config.js';
import { readJsonFile } from '../config/json-file.js';
import { choice, configFile, integer, list, mergeDeep, number, section, setting, text } from '../config/schema.js';
import { FieldError, checkedFromFile, isRecord, nullable, showValue, type Schema } from '../protocol/schema.js';
import { ARM_NAMES, armRunConfig, type ArmName, type StudyBudget } from './arms.js';
import type { Margins } from './claims.js';
import type { Margin } from './decision.js';
import type { BootstrapSettings } from './statistics.js';

export interface StudyConfig {
  /** The base run config's path as the study file gives it (relative to the study file's folder). */
  readonly base: string;
  /** Keys merged over the base (a partial run config). */
  readonly config: unknown;
  readonly arms: readonly ArmName[];
  readonly seeds: readonly number[];
  readonly budget: StudyBudget;
  readonly margins: Margins;
  readonly bootstrap: BootstrapSettings;
}

/** A checked study: its settings and the base run config they apply to. */
export interface ResolvedStudy {
  readonly study: StudyConfig;
  /** The base with the study's overrides: every arm's config is this, with its search slice set by the arm. */
  readonly base: RunConfig;
}

const positiveInt = integer({ min: 1 });
const seed = integer({ min: 0, max: 2 ** 31 - 1 });

/** A run config's differences from the base, checked as a preset is and kept as written, to merge over the base. */
const overrides: Schema<unknown> = {
  parse: (v, path) => (RUN_CONFIG_SCHEMA.parse(v, path), v),
  jsonSchema: RUN_CONFIG_SCHEMA.jsonSchema,
};

const BUDGET_SCHEMA = section('What every arm spends over a whole search.', {
  minibatches: setting(positiveInt, 1, 'Shared-GAN minibatches (D steps).'),
  childEvaluations: setting(positiveInt, 1, 'Children scored on the search\'s weights: each iteration\'s, the beam candidates\', the final candidates\'.'),
  derive: section('The derivation.', {
    candidates: setting(positiveInt, 1, 'Final candidates sampled and scored.'),
    topK: setting(positiveInt, 1, 'The best of them trained from scratch.'),
    steps: setting(positiveInt, 1, 'G steps of each.'),
  }),
});

const absoluteMargin = number({ min: 0, aboveMin: true });
// At most 1: a margin of more than the whole mean is almost surely 10 written for 10 %.
const relativeMargin = number({ min: 0, max: 1, aboveMin: true });
const arm = choice(ARM_NAMES);
const MARGIN_FORMS = '{"absolute": X} or {"relative": F, "of": ARM}';

/** `{ "absolute": X }` or `{ "relative": F, "of": ARM }`; errors name the key. */
const MARGIN: Schema<Margin> = {
  parse(v, path) {
    if (!isRecord(v)) throw new FieldError(path, `expected ${MARGIN_FORMS}, got ${showValue(v)}`);
    const absolute = Object.hasOwn(v, 'absolute');
    const form: readonly string[] = absolute ? ['absolute'] : ['relative', 'of'];
    for (const key of Object.keys(v)) if (!form.includes(key)) throw new FieldError(`${path}.${key}`, `unknown key (a margin is ${MARGIN_FORMS})`);
    for (const key of form) if (!Object.hasOwn(v, key)) throw new FieldError(`${path}.${key}`, `missing (a margin is ${MARGIN_FORMS})`);
    return absolute
      ? { absolute: absoluteMargin.parse(v.absolute, `${path}.absolute`) }
      : { relative: relativeMargin.parse(v.relative, `${path}.relative`), of: arm.parse(v.of, `${path}.of`) };
  },
  jsonSchema: {
    anyOf: [
      { type: 'object', properties: { absolute: { description: 'In the metric\'s units.', ...absoluteMargin.jsonSchema } }, required: ['absolute'], additionalProperties: false },
      {
        type: 'object',
        properties: { relative: { description: 'A fraction (0.1: 10 %) of the mean of arm `of`.', ...relativeMargin.jsonSchema }, of: { description: 'One of the study\'s arms.', ...arm.jsonSchema } },
        required: ['relative', 'of'], additionalProperties: false,
      },
    ],
  },
};

const marginOf = (what: string) => setting(nullable(MARGIN), null, `${what}: a difference inside ±margin counts as none (equivalent). null: no margin, so no equivalence verdict.`);

const MARGINS_SCHEMA = section('Practical margins of the equivalence verdict, per metric, stated before the study runs.', {
  fid: marginOf('FID of the derived architecture'),
  is: marginOf('IS of the derived architecture'),
  minibatches: marginOf('Shared-GAN minibatches trained'),
  searchSeconds: marginOf('Search seconds'),
});

/** The keys a study file must give: the rest have defaults. */
const REQUIRED_KEYS = ['base', 'arms', 'seeds', 'budget'] as const;

const STUDY_SCHEMA = configFile(section('An AutoGAN-TS study: the paper\'s ablations, every arm searching once per seed at equal budget.', {
  base: setting(text, '', 'The base run config file, relative to the study file\'s folder.'),
  config: setting(overrides, {}, 'Settings merged over the base config (a partial run config).'),
  arms: setting(list(choice(ARM_NAMES), 1), [], 'The arms to compare, each a way of searching.'),
  // Two at least: one seed has no spread to show and no interval to draw.
  seeds: setting(list(seed, 2), [], 'The seeds every arm runs with.'),
  budget: BUDGET_SCHEMA,
  margins: MARGINS_SCHEMA,
  bootstrap: section('The bootstrap of the confidence intervals over seeds.', {
    resamples: setting(integer({ min: 100, max: 1_000_000 }), 10000, 'Resamples drawn.'),
    seed: setting(seed, 0, 'Seeds the resampling, so the intervals are reproducible.'),
  }),
}));

/** The study file's form for editors (schema/study-config.schema.json): the keys without a default are required. */
export const STUDY_JSON_SCHEMA: Schema<unknown> = { ...STUDY_SCHEMA, jsonSchema: { ...STUDY_SCHEMA.jsonSchema!, required: [...REQUIRED_KEYS] } };

function distinct<T>(values: readonly T[], key: string): readonly T[] {
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) throw new FieldError(key, `${JSON.stringify(dup)} is listed twice`);
  return values;
}

/** Checks a study's settings (the JSON of a study file); errors name `source` and the key. */
function checkStudy(raw: unknown, source: string): StudyConfig {
  return checkedFromFile(source, () => {
    // Checked as a preset (types, ranges, unknown keys), then for the keys without a meaningful default.
    const s = STUDY_SCHEMA.check(raw, '', false);
    for (const key of REQUIRED_KEYS) if (!Object.hasOwn(raw as object, key)) throw new FieldError(key, 'missing');
    const budget = BUDGET_SCHEMA.check((raw as Record<string, unknown>).budget, 'budget', true);
    if (budget.derive.topK > budget.derive.candidates) throw new FieldError('budget.derive.topK', `${budget.derive.topK} exceeds budget.derive.candidates (${budget.derive.candidates})`);
    for (const [metric, m] of Object.entries(s.margins)) {
      if (m !== null && 'of' in m && !s.arms.includes(m.of)) throw new FieldError(`margins.${metric}.of`, `"${m.of}" is not one of the study's arms (${s.arms.join(', ')})`);
    }
    return { ...s, arms: distinct(s.arms, 'arms'), seeds: distinct(s.seeds, 'seeds'), budget };
  });
}

/** Works out (and checks as a run config) every arm's config now, so that none fails once the study runs. */
function checkArms(study: StudyConfig, base: RunConfig, source: string): ResolvedStudy {
  for (const arm of study.arms) resolveConfig(armRunConfig(base, arm, study.budget, study.seeds[0]!, source), `${source} (the ${arm} arm)`);
  return { study, base };
}

/** A study file: its settings, and its base config file (relative to the study file's folder) with the overrides. */
export function loadStudy(path: string): ResolvedStudy {
  return resolveStudy(readJsonFile(path, 'study config'), path, dirname(path));
}

/** A study config's value, checked as a file's is; `name` names it in errors, and a relative `base` is under `folder`. */
export function resolveStudy(raw: unknown, name: string, folder: string): ResolvedStudy {
  const study = checkStudy(raw, name);
  const basePath = isAbsolute(study.base) ? study.base : resolve(folder, study.base);
  return checkArms(study, resolveConfig(mergeDeep(loadConfig(basePath), study.config), `${name} (base ${study.base} with config)`), name);
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
