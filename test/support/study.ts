/** Helpers of the study tests: the tiny study config, written anywhere with keys replaced, and study.json without timings. */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const TINY_STUDY = 'test/fixtures/tiny-study.json';

/** Study configs in configs/ are named *-study.json; the other files there are run configs. */
export const isStudyConfig = (name: string): boolean => name.endsWith('-study.json');

/** The tiny study (five arms, two seeds, seconds per run) with top-level keys replaced, written to `path`. */
export function writeTinyStudy(path: string, over: Record<string, unknown> = {}): string {
  const study = JSON.parse(readFileSync(TINY_STUDY, 'utf8')) as Record<string, unknown>;
  // Its base given whole, so that the copy can live in any folder.
  study.base = resolve(dirname(TINY_STUDY), study.base as string);
  writeFileSync(path, JSON.stringify({ ...study, ...over }));
  return path;
}

/** A study.json's value without what depends on the machine's speed and load: every `timings` key. */
export function withoutTimings(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutTimings);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'timings').map(([k, x]) => [k, withoutTimings(x)]));
}

export const readStudyJson = (dir: string): Record<string, unknown> => JSON.parse(readFileSync(`${dir}/study.json`, 'utf8')) as Record<string, unknown>;
