/**
 * A worker's reference statistics for FID, one set per data set and feature network, computed by the first job
 * that needs them and kept in the worker's folder for the jobs after it (and for the worker's next start).
 * They are computed in a thread of their own (reference-stats-thread.ts): BullMQ renews the locks of the jobs in
 * hand on timers of the worker's main thread, and the seconds (MNIST) to hours (STL-10 through Inception) of the
 * computation there would let a job's lock lapse, so that the job is taken away as stalled, again on each worker
 * it goes to, and fails once it has stalled more than the allowed number of times.
 * The worker's main thread has started the backend before (WorkerOptions.backend), which keeps the native addon
 * (and the code of its OpenMP threads) loaded when a statistics thread that loaded it too ends.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../backend/select.js';
import type { RunConfig } from '../config/run-config.js';
import { TRAINING_SPLIT } from '../data/load.js';
import { featureWeights } from '../metrics/open-feature-network.js';
import { statsCacheFile } from '../metrics/reference-stats.js';
import { statsThreadMessage, type StatsThreadTask } from '../protocol/stats-thread.js';

export interface WorkerStats {
  /** The folder they are kept in. */
  readonly cacheDir: string;
  /** The statistics' cached .npz for a run config, computed once per worker; a failed computation is tried again by the next job. */
  fileFor(config: RunConfig): Promise<string>;
}

const THREAD_URL = new URL('./reference-stats-thread.js', import.meta.url);

export function workerStats(workDir: string, backend: BackendName, log: (line: string) => void): WorkerStats {
  const cacheDir = join(workDir, 'stats');
  const computed = new Map<string, Promise<string>>();
  const fileFor = (config: RunConfig): Promise<string> => {
    const task: StatsThreadTask = {
      backend, dataset: config.data.dataset, root: config.data.root,
      features: config.eval.features, inceptionGraph: config.eval.inceptionGraph, cacheDir,
    };
    const key = JSON.stringify(task);
    let file = computed.get(key);
    if (file === undefined) {
      file = cachedOrInThread(task, log);
      computed.set(key, file);
      file.catch(() => computed.delete(key));
    }
    return file;
  };
  return { cacheDir, fileFor };
}

/** Statistics cached by an earlier start of the worker are found here, without a thread and its backend. */
async function cachedOrInThread(task: StatsThreadTask, log: (line: string) => void): Promise<string> {
  const cached = statsCacheFile(task.cacheDir, task.dataset, TRAINING_SPLIT[task.dataset], featureWeights(task.features, task.inceptionGraph));
  if (!existsSync(cached)) return inThread(task, log);
  log(`reference statistics: ${cached}`);
  return cached;
}

function inThread(task: StatsThreadTask, log: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(THREAD_URL, { workerData: task });
    let failure: unknown = null;
    thread.on('message', (raw) => {
      let m;
      try {
        m = statsThreadMessage.parse(raw, 'message');
      } catch (e) {
        failure = e;
        void thread.terminate();
        return;
      }
      if (m.type === 'log') log(m.line);
      else {
        resolve(m.file);
        // Its tfjs backend may hold the thread open; nothing more is wanted from it.
        void thread.terminate();
      }
    });
    thread.on('error', (e) => (failure ??= e));
    thread.on('exit', (code) => reject(failure ?? new Error(`the reference statistics' thread ended (exit code ${code}) without them`)));
  });
}
