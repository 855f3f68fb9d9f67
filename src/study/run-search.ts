/**
 * One search of a study, new or resumed, in its own run directory, in this process: the search job runs it on
 * the actor system and its supervisor as it runs `autogan search`, so each run is an ordinary search run
 * (tail-able, and resumable on its own with `search --resume`).
 */
import type { BackendName } from '../backend/select.js';
import type { RunConfig } from '../config/run-config.js';
import { search, type SearchReport } from '../jobs/search.js';
import type { JobOutput } from '../jobs/job-options.js';

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

/** Runs (or continues) the search and its derivation: its report (also in report.json), or null when stopped before it began. */
export async function runStudySearch(s: StudySearch): Promise<SearchReport | null> {
  const where = s.config === null ? { resume: s.dir } : { config: s.config, out: s.dir };
  const run = search({ ...where, gpus: s.gpus, backend: s.backend, signal: s.signal, log: s.log, progress: s.progress, statsCache: s.statsCache });
  return run.result.catch((e: unknown) => {
    // Stopped while it started up: the run directory, if made, resumes from its beginning.
    if (s.signal.aborted && e === s.signal.reason) return null;
    throw e;
  });
}
