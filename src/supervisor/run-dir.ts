/**
 * A run's directory, `runs/<id>/`:
 *   config.json      the effective configuration (written once, atomically)
 *   events.jsonl     the event log (src/supervisor/event-log.ts)
 *   checkpoints/     search checkpoints (written atomically by the conductor)
 *   samples/         sample grids (PNG)
 *   report.json      the final report
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface RunDir {
  readonly root: string;
  readonly config: string;
  readonly events: string;
  readonly checkpoints: string;
  readonly samples: string;
  readonly report: string;
}

export function runDirPaths(root: string): RunDir {
  const r = resolve(root);
  return {
    root: r,
    config: join(r, 'config.json'),
    events: join(r, 'events.jsonl'),
    checkpoints: join(r, 'checkpoints'),
    samples: join(r, 'samples'),
    report: join(r, 'report.json'),
  };
}

/** A run id from the start time, sortable: `search-20250101-120000`. */
export function newRunId(prefix: string, now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${prefix}-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

/** Creates a new run directory with its config; an existing non-empty directory is an input error. */
export function createRunDir(root: string, config: unknown): RunDir {
  const dir = runDirPaths(root);
  if (existsSync(dir.config)) throw fileError(dir.root, 'already holds a run (use --resume to continue it)');
  mkdirSync(dir.checkpoints, { recursive: true });
  mkdirSync(dir.samples, { recursive: true });
  writeFileAtomic(dir.config, [Buffer.from(JSON.stringify(config, null, 2) + '\n')]);
  return dir;
}

/** Opens an existing run directory (resume, tail); returns its paths and its saved config. */
export function openRunDir(root: string): { dir: RunDir; config: unknown } {
  const dir = runDirPaths(root);
  if (!existsSync(dir.root) || !statSync(dir.root).isDirectory()) throw fileError(root, 'no such run directory');
  if (!existsSync(dir.config)) throw fileError(root, 'is not a run directory (no config.json)');
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(dir.config, 'utf8'));
  } catch (e) {
    throw fileError(dir.config, `not valid JSON (${(e as Error).message})`);
  }
  mkdirSync(dir.checkpoints, { recursive: true });
  mkdirSync(dir.samples, { recursive: true });
  return { dir, config };
}
