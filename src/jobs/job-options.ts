/** What the jobs (search, train, evaluate) take in common: a config by path or value, output sinks, run folders. */
import { join } from 'node:path';
import { loadConfig, resolveConfig, type RunConfig } from '../config/run-config.js';
import { flagError } from '../errors.js';

/** A config as a file holds it: any slice and field may be left out, and takes the default. */
export type RunConfigInput = DeepPartial<RunConfig>;
type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;

/** A config file's path, or the config's value; either is checked whole (an InputError names the field). */
export type ConfigSource = string | RunConfigInput;

export function resolveConfigSource(source: ConfigSource): { config: RunConfig; name: string } {
  return typeof source === 'string' ? { config: loadConfig(source), name: source } : { config: resolveConfig(source, 'config'), name: 'config' };
}

/** A new run's default folder: runs/<kind>-<start time>. */
export function defaultRunDir(kind: 'search' | 'train' | 'study'): string {
  return join('runs', `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
}

/**
 * A resumed job keeps the settings it saved: any of `keys` given beside `resume` is an InputError naming it;
 * `kept` says whose settings (`the run keeps its saved settings`).
 */
export function rejectBesideResume<O extends { readonly resume?: string }>(opts: O, keys: readonly (keyof O & string)[], kept: string): void {
  if (opts.resume === undefined) return;
  for (const k of keys) if (opts[k] !== undefined) throw flagError(k, `cannot be combined with --resume (${kept})`);
}

/** Seeds are 31-bit: the largest a run takes. */
export const SEED_MAX = 2 ** 31 - 1;

/** An integer option as a library caller gives it (the CLI checked the flag's text already); a bad one is an InputError naming it. */
export function optionalInt(name: string, value: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) throw flagError(name, `must be an integer in [${min}, ${max}], got ${value}`);
  return value;
}
