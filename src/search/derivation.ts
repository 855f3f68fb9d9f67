/**
 * Derivation (paper §4) as actor work: the top candidates of the final policy are trained from scratch and scored,
 * as many at once as there are derivers. Each deriver takes the next candidate when it is done with one and drives
 * it one checkpoint interval per request. A candidate whose folder holds a finished report is not trained again; a
 * half-done one resumes from its newest checkpoint. A candidate's training depends only on the run's seed and
 * config, so the results depend neither on the deriver that ran it nor on how many ran at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileError } from '../errors.js';
import { describeArch, formatArch } from '../nn/arch.js';
import type { DeriveEvent, DerivedResult } from '../protocol/events.js';
import { newestCheckpointStep } from '../train/checkpoint-dir.js';
import type { FinalScores, TrainReport } from '../train/train-run.js';
import { ProgressBar } from '../util/progress-bar.js';
import type { DeriveChunk, DeriveWorker } from './ports.js';
import type { ProgressStream } from '../util/output.js';

export type Scores = NonNullable<DeriveChunk['scores']>;

export interface DerivationOptions {
  /** The candidates to derive, best first: rank 1 trains in derive/top1, and so on. */
  readonly candidates: readonly { readonly arch: number[]; readonly reward: number }[];
  readonly runDir: string;
  /** G steps of each derivation (search.derive.steps). */
  readonly steps: number;
  /** Starts the derivers, for `jobs` candidates left to train. */
  readonly derivers: (jobs: number) => Promise<readonly DeriveWorker[]>;
  /** Trains the candidates elsewhere instead of on the derivers (a worker pool: src/queue/derive-on-queue.ts). */
  readonly remote?: RemoteDerivation;
  readonly emit: (e: DeriveEvent) => void;
  readonly log: (line: string) => void;
  /** Where the progress bar over all derivations' G steps goes (stderr); absent: none. */
  readonly progress?: ProgressStream;
  /** Ends every derivation after its current step, with a checkpoint (SIGINT). */
  readonly signal?: AbortSignal;
}

export interface Derivation {
  /** The finished derivations, by rank. */
  readonly derived: DerivedResult[];
  /** Seconds the derivers worked in this process, summed over them. */
  readonly busySeconds: number;
}

/** One candidate to derive, in its folder of the run directory. */
export interface DeriveTask {
  readonly rank: number;
  readonly arch: number[];
  readonly reward: number;
  readonly dir: string;
}

/**
 * Derives `todo` elsewhere: each finished candidate's folder is filled and `finished` called once for it.
 * Resolves with the seconds its workers spent; rejects naming the candidates that failed, after the others ended.
 */
export type RemoteDerivation = (todo: readonly DeriveTask[], finished: (task: DeriveTask) => void) => Promise<number>;

/** Where candidate `rank` (1: the best) trains: derive/top1, and so on. */
export function derivationDir(runDir: string, rank: number): string {
  return join(runDir, 'derive', `top${rank}`);
}

export async function runDerivation(o: DerivationOptions): Promise<Derivation> {
  const jobs: DeriveTask[] = o.candidates.map((c, i) => ({ rank: i + 1, arch: c.arch, reward: c.reward, dir: derivationDir(o.runDir, i + 1) }));
  const derived: DerivedResult[] = [];
  // A derivation's result is what its folder's report says, however it was trained (here, on the pool, or before a resume).
  const record = (job: DeriveTask): boolean => {
    const done = finishedDerivation(job.dir);
    if (!done) return false;
    const { steps, scores } = done;
    const result: DerivedResult = {
      rank: job.rank, arch: formatArch(job.arch), words: describeArch(job.arch), proxyReward: job.reward, is: scores.is, fid: scores.fid,
      classes: scores.classes, heldOut: scores.heldOut, steps, dir: job.dir,
    };
    derived.push(result);
    o.emit({ type: 'search.derived', result });
    return true;
  };
  const recordFinished = (job: DeriveTask) => {
    if (!record(job)) throw fileError(join(job.dir, 'report.json'), 'the derivation finished without writing its report');
  };
  const todo = jobs.filter((job) => !record(job));
  let busySeconds = 0;
  if (todo.length > 0 && !o.signal?.aborted && o.remote) {
    busySeconds = await o.remote(todo, recordFinished);
  } else if (todo.length > 0 && !o.signal?.aborted) {
    const workers = await o.derivers(todo.length);
    // G steps each derivation stands at: for the progress bar over them all.
    const at = new Map(todo.map((j) => [j.rank, newestCheckpointStep(join(j.dir, 'checkpoints'))]));
    const active = new Set<DeriveTask>();
    const stepsDone = () => (jobs.length - todo.length) * o.steps + [...at.values()].reduce((a, b) => a + b, 0);
    const bar = o.progress ? new ProgressBar(o.progress, 'derive', jobs.length * o.steps, 'step', 250, stepsDone()) : null;
    const status = () => [...active].map((j) => `top${j.rank} ${at.get(j.rank)}/${o.steps}`).join('  ');

    const derive = async (w: DeriveWorker, job: DeriveTask) => {
      const from = at.get(job.rank)!;
      o.log(`deriving top${job.rank} ${formatArch(job.arch)} on ${w.id}: ${o.steps} G steps from scratch in ${job.dir}${from > 0 ? `, resuming at step ${from}` : ''}`);
      o.emit({ type: 'derive.started', actor: w.id, rank: job.rank, arch: job.arch, dir: job.dir });
      const t0 = Date.now();
      const last = { dLoss: Number.NaN, gLoss: Number.NaN };
      active.add(job);
      try {
        for (;;) {
          const chunk = await w.port.advance({ arch: job.arch, dir: job.dir }, (s) => {
            ({ dLoss: last.dLoss, gLoss: last.gLoss } = s);
            if (s.evaluated) o.emit({ type: 'derive.evaluated', actor: w.id, rank: job.rank, ...s.evaluated });
            at.set(job.rank, s.step);
            bar?.update(stepsDone(), status());
            return o.signal?.aborted ? 'stop' : 'continue';
          });
          if (chunk.scores) {
            o.emit({ type: 'derive.finished', actor: w.id, rank: job.rank, steps: chunk.step, seconds: (Date.now() - t0) / 1000, ...chunk.scores });
            return recordFinished(job);
          }
          o.emit({ type: 'derive.progress', actor: w.id, rank: job.rank, step: chunk.step, steps: chunk.steps, ...last });
          if (chunk.interrupted || o.signal?.aborted) return;
        }
      } finally {
        active.delete(job);
        busySeconds += (Date.now() - t0) / 1000;
      }
    };
    const queue = [...todo];
    await Promise.all(workers.map(async (w) => {
      for (let job = queue.shift(); job !== undefined && !o.signal?.aborted; job = queue.shift()) await derive(w, job);
    }));
    bar?.finish(stepsDone());
  }
  return { derived: derived.sort((a, b) => a.rank - b.rank), busySeconds };
}

/** What a derivation's folder says it finished with: null when it has no report yet or an interrupted one. */
function finishedDerivation(dir: string): { steps: number; scores: FinalScores } | null {
  const path = join(dir, 'report.json');
  if (!existsSync(path)) return null;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as TrainReport;
    // Reports written before class coverage was measured lack its fields.
    return !r.interrupted && r.scores ? { steps: r.steps, scores: { ...r.scores, classes: r.scores.classes ?? null, heldOut: r.scores.heldOut ?? null } } : null;
  } catch {
    throw fileError(path, 'damaged derivation report; delete it to retrain this architecture');
  }
}
