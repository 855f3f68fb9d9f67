/**
 * Reading a run directory for the report without ever failing on what is in it: a file that is missing,
 * damaged or of the wrong shape becomes a Problem the report names, and the rest is still shown.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { FieldError } from '../errors.js';
import { type Schema } from '../util/schema.js';

export interface Problem {
  /** The file (relative to the run directory) and, where known, the line or field. */
  readonly where: string;
  readonly what: string;
}

export class Problems {
  readonly list: Problem[] = [];

  add(where: string, what: string): void {
    this.list.push({ where, what });
  }

  /** `s.parse(value)`, or undefined with a problem naming `where` and the field. */
  check<T>(value: unknown, s: Schema<T>, where: string, path = ''): T | undefined {
    try {
      return s.parse(value, path);
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      this.add(where, e.message);
      return undefined;
    }
  }
}

/** A JSON file's value; undefined when it is absent (not a problem) or damaged (a problem). */
export function readJson(path: string, where: string, problems: Problems): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    problems.add(where, `cannot be read: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** Names in `dir` matching `re`, sorted; none when the folder is absent. */
export function listNames(dir: string, re: RegExp): string[] {
  try {
    return readdirSync(dir).filter((n) => re.test(n)).sort();
  } catch {
    return [];
  }
}

/** A PNG as a data: URI, or null with a problem when it is missing or not a PNG. */
export function pngDataUri(path: string, where: string, problems: Problems): string | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    problems.add(where, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `cannot be read: ${(e as Error).message}`);
    return null;
  }
  if (bytes.length < 24 || bytes.readUInt32BE(0) !== 0x89504e47) {
    problems.add(where, 'is not a PNG image');
    return null;
  }
  return `data:image/png;base64,${bytes.toString('base64')}`;
}

/** Modification time in epoch ms, or null. */
export function mtimeOf(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}
