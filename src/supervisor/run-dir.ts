/**
 * A run's directory, `runs/<id>/`:
 *   config.json      the effective configuration (written once, atomically)
 *   events.jsonl     the event log (src/supervisor/event-log.ts)
 *   checkpoints/     search checkpoints (written atomically by the conductor)
 *   samples/         sample grids (PNG), made by the search with its first grid
 *   report.json      the final report
 *   report.html, tb/ the report for people and TensorBoard's event file, kept up to date by src/report
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readJsonFile } from '../config/json-file.js';
import { fileError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface RunDir {
  readonly root: string;
  readonly config: string;
  readonly events: string;
  readonly checkpoints: string;
  readonly report: string;
}

export function runDirPaths(root: string): RunDir {
  const r = resolve(root);
  return {
    root: r,
    config: join(r, 'config.json'),
    events: join(r, 'events.jsonl'),
    checkpoints: join(r, 'checkpoints'),
    report: join(r, 'report.json'),
  };
}

/**
 * Throws unless `root` can become a new run: it does not exist yet or is empty. A run's files there, or
 * anyone else's, would be overwritten (a run whose config.json was lost still has checkpoints and events).
 */
export function assertNewRunDir(root: string): void {
  const dir = runDirPaths(root);
  if (existsSync(dir.config)) throw fileError(root, 'already holds a run (use --resume to continue it, or choose another --out)');
  if (!existsSync(dir.root)) return;
  if (!statSync(dir.root).isDirectory()) throw fileError(root, 'is not a directory');
  const entries = readdirSync(dir.root);
  if (entries.length > 0) throw fileError(root, `is not empty (holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); a new run needs a new or empty directory`);
}

/** Creates a new run directory with its config; an existing non-empty directory is an input error. */
export function createRunDir(root: string, config: unknown): RunDir {
  assertNewRunDir(root);
  const dir = runDirPaths(root);
  mkdirSync(dir.checkpoints, { recursive: true });
  writeFileAtomic(dir.config, [Buffer.from(JSON.stringify(config, null, 2) + '\n')]);
  return dir;
}

/**
 * Takes away a run directory that `createRunDir` made in this process and that holds nothing of value yet (no
 * checkpoint): it was new or empty before, so nothing of the user's goes with it.
 */
export function removeNewRunDir(dir: RunDir): void {
  if (existsSync(dir.checkpoints) && readdirSync(dir.checkpoints).length > 0) return; // it has become a run worth resuming
  rmSync(dir.root, { recursive: true, force: true });
}

/**
 * Opens an existing run directory to resume it; returns its paths and its saved config (unchecked JSON).
 * It writes nothing, so a run rejected after this is left as it was.
 */
export function openRunDir(root: string): { dir: RunDir; config: unknown } {
  const dir = runDirPaths(root);
  if (!existsSync(dir.root) || !statSync(dir.root).isDirectory()) throw fileError(root, 'no such run directory');
  if (!existsSync(dir.config)) throw fileError(root, 'is not a run directory (no config.json)');
  return { dir, config: readJsonFile(dir.config, 'saved config') };
}
