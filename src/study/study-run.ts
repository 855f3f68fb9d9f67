/**
 * A study in its directory:
 *   study-config.json        the study's settings and effective base config (a resume reads only this)
 *   runs/<arm>-seed<N>/      one ordinary search run per arm and seed
 *   study.json, study.md     the table, rewritten after every run that finishes
 *   stats/                   the data set's reference statistics, computed once for all the runs here
 * Runs go seed by seed, every arm of a seed before the next seed, so that a study cut short still compares
 * the arms on the seeds it finished. A run that finished is read, never repeated; one that started is resumed
 * from its newest checkpoint; the rest start anew.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { BackendName } from '../backend/select.js';
import { resolveConfig, type RunConfig } from '../config/run-config.js';
import { InputError, fileError } from '../errors.js';
import { assertNewRunDir, openRunDir, removeNewRunDir, runDirPaths } from '../supervisor/run-dir.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { noLog, type JobOutput } from '../util/output.js';
import { armRunConfig, type ArmName } from './arms.js';
import { readRunOutcome } from './run-outcome.js';
import { loadSavedStudy, savedStudy, type ResolvedStudy } from './study-config.js';
import { studyMarkdown } from './study-markdown.js';
import { studyResult, type StudyResult, type StudyRunState } from './study-result.js';

const STUDY_CONFIG_FILE = 'study-config.json';

const runName = (arm: ArmName, seed: number) => join('runs', `${arm}-seed${seed}`);

/** Throws unless `dir` can become a new study: it does not exist yet or is empty. */
export function assertNewStudyDir(dir: string): void {
  if (existsSync(join(dir, STUDY_CONFIG_FILE))) throw fileError(dir, 'already holds a study (use --resume to continue it, or choose another --out)');
  assertNewRunDir(dir);
}

/** Makes a new study directory holding the study's config. */
export function createStudyDir(dir: string, s: ResolvedStudy): void {
  assertNewStudyDir(dir);
  mkdirSync(join(dir, 'runs'), { recursive: true });
  writeFileAtomic(join(dir, STUDY_CONFIG_FILE), [Buffer.from(`${JSON.stringify(savedStudy(s), null, 2)}\n`)]);
}

/** The study saved in `dir`, checked whole. */
export function openStudyDir(dir: string): ResolvedStudy {
  if (!existsSync(join(dir, STUDY_CONFIG_FILE))) throw fileError(dir, `is not a study directory (no ${STUDY_CONFIG_FILE})`);
  return loadSavedStudy(join(dir, STUDY_CONFIG_FILE));
}

/**
 * One search of the study, new or resumed, in its own run directory: an ordinary search run (tail-able, and
 * resumable on its own with `search --resume`).
 */
export interface StudySearch extends JobOutput {
  /** The run directory: new (or empty) for a new run, else the run to continue. */
  readonly dir: string;
  /** A new run's config; null continues the run saved in `dir` from its newest intact checkpoint. */
  readonly config: RunConfig | null;
  readonly gpus: readonly number[] | null;
  readonly backend: BackendName;
  /** Stops the search after its current step. */
  readonly signal: AbortSignal;
  /** The study's folder for the reference statistics, computed by its first run and read by the rest. */
  readonly statsCache: string;
}

export interface StudyRunOptions extends JobOutput {
  readonly dir: string;
  readonly study: ResolvedStudy;
  readonly gpus: readonly number[] | null;
  readonly backend: BackendName;
  /** Stops the run in progress after its current step, with a checkpoint, and the study after it. */
  readonly signal: AbortSignal;
  /**
   * Runs (or continues) one search and its derivation in this process, the search job as `autogan search` runs it
   * (src/jobs/study.ts hands it in); resolves when the search ends, done or stopped.
   */
  readonly search: (run: StudySearch) => Promise<unknown>;
  /**
   * Runs a run elsewhere instead of here (`study --redis`: src/queue/study-on-queue.ts), all of them at once:
   * resolves true once the run's directory is in the study, false when stopped first.
   */
  readonly remote?: (run: { readonly name: string; readonly dir: string; readonly config: RunConfig }) => Promise<boolean>;
}

function writeResult(dir: string, r: StudyResult): void {
  writeFileAtomic(join(dir, 'study.json'), [Buffer.from(`${JSON.stringify(r, null, 2)}\n`)]);
  writeFileAtomic(join(dir, 'study.md'), [Buffer.from(studyMarkdown(r))]);
}

/** Runs what is left of the study; resolves to its table (incomplete when interrupted). */
export async function runStudy(o: StudyRunOptions): Promise<StudyResult> {
  const { study, base } = o.study;
  const log = o.log ?? noLog;
  const states: StudyRunState[] = study.seeds.flatMap((seed) => study.arms.map((arm) => {
    const dir = runName(arm, seed);
    return { arm, seed, dir, outcome: readRunOutcome(join(o.dir, dir)) };
  }));
  const table = () => studyResult(study, base, states);
  writeResult(o.dir, table());
  /** Checks a run's folder against the study and says where it stands; a folder its run never set up is removed. */
  const prepare = (state: StudyRunState, i: number) => {
    const path = runDirPaths(join(o.dir, state.dir));
    const config = armRunConfig(base, state.arm, study.budget, state.seed, 'study');
    const started = existsSync(path.config);
    if (started) {
      const saved = resolveConfig(openRunDir(path.root).config, path.config, true);
      if (!isDeepStrictEqual(saved, config)) throw new InputError(`${path.config}: not the config the study gives ${state.arm} seed ${state.seed} (the study or its run was changed); move the run away to start it anew`);
    } else if (existsSync(path.root)) removeNewRunDir(path); // made by a run killed before it saved its config
    log(`study: run ${i + 1} of ${states.length}: ${state.arm}, seed ${state.seed}, ${started ? 'resumed' : 'new'} in ${path.root}`);
    return { path, config, started };
  };
  /** Reads a run that ended into the table. */
  const finish = (state: StudyRunState, i: number, root: string) => {
    const outcome = readRunOutcome(root);
    if (outcome === null) throw new Error(`${root}: the search ended without finishing its derivation`);
    states[i] = { ...state, outcome };
    writeResult(o.dir, table());
  };
  const left = [...states.entries()].filter(([, s]) => s.outcome === null);
  if (o.remote) {
    const { remote } = o;
    // Every run checked before any is enqueued: a changed study is an input error with nothing sent.
    const prepared = left.map(([i, state]) => ({ i, state, ...prepare(state, i) }));
    const ended = await Promise.allSettled(prepared.map(async ({ i, state, path, config }) => {
      if (await remote({ name: basename(path.root), dir: path.root, config })) finish(state, i, path.root);
    }));
    const failed = ended.flatMap((e) => (e.status === 'rejected' ? [(e.reason as Error)?.message ?? String(e.reason)] : []));
    if (failed.length > 0) throw new Error(failed.join('; '));
  } else {
    for (const [i, state] of left) {
      if (o.signal.aborted) break;
      const { path, config, started } = prepare(state, i);
      await o.search({ dir: path.root, config: started ? null : config, gpus: o.gpus, backend: o.backend, signal: o.signal, log, progress: o.progress, statsCache: join(o.dir, 'stats') });
      if (o.signal.aborted) break;
      finish(state, i, path.root);
    }
  }
  const result = table();
  writeResult(o.dir, result);
  return result;
}
