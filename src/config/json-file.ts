/**
 * Reading a small JSON file the user gave or a run saved (a config, a run directory's config.json): its
 * size is checked before it is read, so a wrong path to a huge file or a device is a clear error, not a
 * long read and parse.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileError, type InputError } from '../errors.js';

/** The largest JSON file read: shipped configs are under 2 KiB and a saved config.json is under 4 KiB. */
export const MAX_JSON_BYTES = 1 << 20;

/** Parses `path`; every failure (unreadable, not a plain file, oversized, not JSON) names the file and says what it is. */
export function readJsonFile(path: string, what: string): unknown {
  const cannotRead = (e: unknown): InputError => fileError(path, `cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw cannotRead(e);
  }
  if (!stat.isFile()) throw fileError(path, `cannot read ${what} (not a file)`);
  if (stat.size > MAX_JSON_BYTES) throw fileError(path, `${stat.size} bytes is too large for a ${what} (at most ${MAX_JSON_BYTES})`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw cannotRead(e);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw fileError(path, `not valid JSON (${(e as Error).message})`);
  }
}
