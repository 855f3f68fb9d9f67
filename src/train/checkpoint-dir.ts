/**
 * The checkpoints of a run: `checkpoints/step-<N>.ckpt`, newest last. Loading takes the newest intact one
 * and says which damaged ones it skipped; older ones beyond `keep` are removed after a successful write.
 */
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileError, isInputError } from '../errors.js';
import { readCheckpoint, writeCheckpoint, type CheckpointContents, type NamedArray } from '../util/checkpoint-file.js';

const NAME = /^step-(\d{9})\.ckpt$/;

export function checkpointPath(dir: string, step: number): string {
  return join(dir, `step-${String(step).padStart(9, '0')}.ckpt`);
}

/** The step a checkpoint's file name carries (…/step-000000042.ckpt → 42). */
export function checkpointStep(path: string): number {
  const m = NAME.exec(basename(path));
  if (!m) throw new Error(`${path}: not a checkpoint file name`);
  return Number(m[1]);
}

/** Checkpoint files of a directory, oldest first. */
export function listCheckpoints(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => NAME.test(n)).sort().map((n) => join(dir, n));
}

/** The step of a folder's newest checkpoint (a G step, or a search's iteration), 0 before its first. */
export function newestCheckpointStep(dir: string): number {
  const newest = listCheckpoints(dir).pop();
  return newest === undefined ? 0 : checkpointStep(newest);
}

/**
 * Checks that a run being resumed has its checkpoints folder. Every run makes it before anything else, so a
 * missing one means the run directory is not whole: resuming would silently start the run over.
 */
export function requireCheckpointDir(runDir: string, dir: string): void {
  if (!statSync(runDir, { throwIfNoEntry: false })?.isDirectory()) throw fileError(runDir, 'no such run directory');
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) throw fileError(dir, 'missing: a run keeps its checkpoints here from its start; to run it again from its beginning, create this folder empty');
  if (!st.isDirectory()) throw fileError(dir, 'is not a folder');
}

export function saveCheckpoint<M>(dir: string, step: number, meta: M, arrays: Map<string, NamedArray>, keep = 3): string {
  mkdirSync(dir, { recursive: true });
  const path = checkpointPath(dir, step);
  writeCheckpoint(path, meta, arrays);
  const all = listCheckpoints(dir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) unlinkSync(old);
  return path;
}

export interface LoadedCheckpoint<M> extends CheckpointContents<M> {
  readonly path: string;
  /** Damaged checkpoints that were newer than the one loaded, each with why. */
  readonly skipped: string[];
}

/** The newest intact checkpoint, or null when there is none (a run killed before its first one). */
export function loadNewestCheckpoint<M>(dir: string): LoadedCheckpoint<M> | null {
  const skipped: string[] = [];
  for (const path of listCheckpoints(dir).reverse()) {
    try {
      return { ...readCheckpoint<M>(path), path, skipped };
    } catch (e) {
      if (!isInputError(e)) throw e;
      skipped.push(e.message);
    }
  }
  if (skipped.length > 0) throw new Error(`no intact checkpoint in ${dir}: ${skipped.join('; ')}`);
  return null;
}
