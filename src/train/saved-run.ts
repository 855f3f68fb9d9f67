/**
 * The settings a train run directory saves, in its config.json and in each checkpoint's metadata, and their
 * reading in either format. Format 2, written by this program, holds the training's own settings
 * (src/config/training-settings.ts). Format 1, written before, has no `format` key and holds the whole run config,
 * whose training settings are read from it: run directories and checkpoints made then resume and evaluate as they did.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile } from '../config/json-file.js';
import { resolveConfig } from '../config/run-config.js';
import { resolveTrainingSettings, trainingSettingsOf, type TrainingSettings } from '../config/training-settings.js';
import { FieldError, fileError } from '../errors.js';
import { validateArch } from '../nn/arch.js';
import { isRecord, showType, type Schema } from '../util/schema.js';

/** The format of the train run files this program writes. */
export const SAVED_RUN_FORMAT = 2;

/** The `format` key of a saved run or of a checkpoint's metadata: absent in format 1, written before it existed. */
export const savedRunFormat: Schema<1 | typeof SAVED_RUN_FORMAT> = {
  parse(v, path) {
    if (v === undefined) return 1;
    if (v === SAVED_RUN_FORMAT) return SAVED_RUN_FORMAT;
    throw new FieldError(path, `expected ${SAVED_RUN_FORMAT} (or no format key: a run saved before format ${SAVED_RUN_FORMAT}), got ${showType(v)}`);
  },
  optional: true,
};

/**
 * A training's settings as the file `source` saved them in `format`; errors name `source` and the key. `complete`:
 * every key must be there (but those added later).
 */
export function savedTrainingSettings(config: unknown, format: 1 | typeof SAVED_RUN_FORMAT, source: string, complete: boolean): TrainingSettings {
  return format === 1 ? trainingSettingsOf(resolveConfig(config, source, complete)) : resolveTrainingSettings(config, source, complete);
}

/** What a train run directory's config.json says: the training's settings and the architecture. */
export interface SavedRun {
  readonly config: TrainingSettings;
  readonly arch: number[];
}

/** The config.json of a new train run. */
export function savedRunText(run: SavedRun): Buffer {
  return Buffer.from(JSON.stringify({ format: SAVED_RUN_FORMAT, config: run.config, arch: run.arch }, null, 2));
}

const SAVED_RUN_KEYS = ['format', 'config', 'arch'];

/** The config.json of a train run directory, in either format, complete (a missing setting means a damaged file). */
export function readSavedRun(outDir: string): SavedRun {
  const path = join(outDir, 'config.json');
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) throw fileError(outDir, 'cannot resume: no such run directory');
  if (!existsSync(path)) throw fileError(outDir, 'cannot resume: not a run directory (no config.json)');
  const raw = readJsonFile(path, 'saved run');
  if (!isRecord(raw)) throw fileError(path, 'cannot resume: expected an object with "config" and "arch"');
  const unknown = Object.keys(raw).filter((k) => !SAVED_RUN_KEYS.includes(k));
  if (unknown.length > 0) throw fileError(path, `${unknown[0]}: unknown key (allowed: ${SAVED_RUN_KEYS.join(', ')})`);
  let format;
  try {
    format = savedRunFormat.parse(raw.format, 'format');
  } catch (e) {
    throw e instanceof FieldError ? fileError(path, e.message) : e;
  }
  if (!Array.isArray(raw.arch)) throw fileError(path, 'arch: missing or not an array');
  return { config: savedTrainingSettings(raw.config, format, `${path} (config)`, true), arch: [...validateArch(raw.arch, `${path}: arch`)] };
}

/**
 * A checkpoint resumed must be one of the run its directory saved: the first setting, or the architecture, where
 * its metadata parts from config.json is named with the checkpoint `file`.
 */
export function checkCheckpointOfRun(saved: SavedRun, meta: SavedRun, file: string): void {
  const differs = firstDifference(saved.config, meta.config, 'meta.config') ?? firstDifference(saved.arch, meta.arch, 'meta.arch');
  if (differs) {
    throw fileError(file, `${differs.path}: ${JSON.stringify(differs.found)}, but the run's config.json has ${JSON.stringify(differs.saved)}: a checkpoint of another run? Move it away to resume from the others`);
  }
}

/** Where two JSON values first differ (a key's path), with each one's value there; null when they are equal. */
function firstDifference(saved: unknown, found: unknown, path: string): { path: string; saved: unknown; found: unknown } | null {
  if (Array.isArray(saved) && Array.isArray(found) && saved.length === found.length) {
    for (const [i, s] of saved.entries()) {
      const d = firstDifference(s, found[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (isRecord(saved) && isRecord(found)) {
    for (const key of new Set([...Object.keys(saved), ...Object.keys(found)])) {
      const d = firstDifference(saved[key], found[key], `${path}.${key}`);
      if (d) return d;
    }
    return null;
  }
  return saved === found ? null : { path, saved, found };
}
