/**
 * The study job: the paper's ablations as one experiment in a study directory (src/study/study-run.ts), here or,
 * with `redis`, every run a job on the worker pool. The CLI's `autogan study` and the library's `study()` run it.
 */
import { startBackend, type BackendName } from '../backend/select.js';
import { flagError } from '../errors.js';
import { parseRedisUrl } from '../queue/connection.js';
import { runKey } from '../queue/names.js';
import { QueueClient } from '../queue/queue-client.js';
import { studyRunOnQueue } from '../queue/study-on-queue.js';
import { loadStudy, resolveStudy, type StudyConfig } from '../study/study-config.js';
import type { StudyResult } from '../study/study-result.js';
import { assertNewStudyDir, createStudyDir, openStudyDir, runStudy } from '../study/study-run.js';
import { defaultRunDir, noLog, rejectBesideResume, type JobOutput } from './job-options.js';

/** A study config as a file holds it: `bootstrap`, `config` and `margins` (each metric's) may be left out. */
export type StudyConfigInput = Omit<StudyConfig, 'bootstrap' | 'config' | 'margins'> & {
  readonly bootstrap?: Partial<StudyConfig['bootstrap']>;
  readonly config?: unknown;
  readonly margins?: Partial<StudyConfig['margins']>;
};

/** A new study (`config`, `out`) or one continued (`resume`), here or on a worker pool (`redis`). */
export interface StudyOptions extends JobOutput {
  /** A study config file's path, or its value (then a relative `base` is under the working folder). */
  readonly config?: string | StudyConfigInput;
  /** The study directory, new or empty (default runs/study-<time>). */
  readonly out?: string;
  /** A study directory to continue with the settings saved in it: finished runs are kept, a started one resumes. */
  readonly resume?: string;
  /** GPU indices for every run's actors, as for search. */
  readonly gpus?: readonly number[];
  /** Default auto. */
  readonly backend?: BackendName;
  /** A queue URL (`redis://[user:password@]host[:port][/db]`, `rediss://` for TLS): every run a job for `autogan worker`s. */
  readonly redis?: string;
  /** Stops the run in progress after its current step, with a checkpoint, and the study after it (`resume` goes on). */
  readonly signal?: AbortSignal;
}

/** The study's table (also in study.json; `complete` false when stopped) and its directory. */
export type StudyReport = StudyResult & { readonly dir: string };

export async function study(opts: StudyOptions): Promise<StudyReport> {
  const log = opts.log ?? noLog;
  rejectBesideResume(opts, ['config', 'out'], 'the study keeps its saved settings');
  if (opts.resume === undefined && opts.config === undefined) throw flagError('config', 'is required (or --resume DIR)');
  const dir = opts.resume ?? opts.out ?? defaultRunDir('study');
  const settings = opts.resume !== undefined ? openStudyDir(opts.resume)
    : typeof opts.config === 'string' ? loadStudy(opts.config) : resolveStudy(opts.config, 'study config', '.');
  if (opts.resume === undefined) assertNewStudyDir(dir);
  const gpus = opts.gpus ?? null;
  const target = opts.redis === undefined ? null : parseRedisUrl(opts.redis);
  // Started here, so that a backend that cannot start is an error before the study directory is made.
  const backend = (await startBackend(opts.backend ?? 'auto', { wantGpu: gpus !== null, log })).requested;
  // Reached before the study directory is made, so that a wrong address loses nothing.
  const queue = target && (await QueueClient.open(target, log));
  try {
    if (opts.resume === undefined) createStudyDir(dir, settings);
    const signal = opts.signal ?? new AbortController().signal;
    const remote = queue ? studyRunOnQueue({ client: queue, studyKey: runKey(dir), log, signal }) : undefined;
    const result = await runStudy({ dir, study: settings, gpus, backend, signal, log, progress: opts.progress, remote });
    return { ...result, dir };
  } finally {
    await queue?.close();
  }
}
