/**
 * The worker pool's messages (src/queue): what a coordinator puts on the queue for a worker, what the worker
 * reports while it runs (a job's progress) and what it answers. They cross machines through Redis and may come
 * from another version of this program, so each is versioned and checked; a payload that does not validate is
 * rejected by the worker, naming the field.
 */
import { RUN_CONFIG_SCHEMA, type RunConfig } from '../config/run-config.js';
import { complete } from '../config/schema.js';
import { wholeArch, deriveStep, finalScores } from './deriver.js';
import { FieldError } from '../errors.js';
import { finite, intIn, isRecord, literal, natural, obj, oneOf, str, type Infer, type Schema } from '../util/schema.js';

/** Bumped on any incompatible change of a payload, progress report or result. */
export const QUEUE_PROTOCOL_VERSION = 1;
const v = literal(QUEUE_PROTOCOL_VERSION);

/** A run's whole effective config, as the coordinator saved it: every key present. */
const runConfig: Schema<RunConfig> = complete(RUN_CONFIG_SCHEMA);

/** The kinds of job; a job's BullMQ name is its kind. */
export const QUEUE_JOB_KINDS = ['derive', 'study-run'] as const;
export type QueueJobKind = (typeof QUEUE_JOB_KINDS)[number];

/**
 * A derivation (paper §4): train candidate `rank` of a run from scratch for `config.search.derive.steps` G steps
 * and score it. `run` is the coordinator's run key, which with the rank names the job.
 */
const deriveJob = obj({ v, kind: literal('derive'), run: str, rank: intIn(1), arch: wholeArch, config: runConfig });
export type DeriveJobData = Infer<typeof deriveJob>;

/** A study's run folder name: `<arm>-seed<N>`. */
const studyRunName: Schema<string> = {
  parse(value, path) {
    const name = str.parse(value, path);
    if (!/^[a-z][a-z-]*-seed\d+$/.test(name)) throw new FieldError(path, `expected a study run's name such as full-seed3, got ${JSON.stringify(name.slice(0, 40))}`);
    return name;
  },
};

/**
 * One run of a study (an arm × a seed): an ordinary search with derivation, of `config`, in a folder that
 * travels back to the study directory as runs/`name`. `run` is the study's key.
 */
const studyRunJob = obj({ v, kind: literal('study-run'), run: str, name: studyRunName, config: runConfig });
export type StudyRunJobData = Infer<typeof studyRunJob>;
export type QueueJobData = DeriveJobData | StudyRunJobData;

/**
 * What a worker reports while a job runs: it took the job (`from`: the step, or a search's iteration, of the
 * checkpoint it resumes from; 0 when it starts afresh), then a derivation's every checkpoint.
 */
const jobProgress: Schema<JobProgress> = {
  parse(value, path) {
    if (isRecord(value) && value.at === 'started') return obj({ v, at: literal('started'), worker: str, from: natural }).parse(value, path);
    return obj({ v, at: literal('checkpoint'), worker: str, ...deriveStep.shape, bytes: natural }).parse(value, path);
  },
};
export type JobProgress =
  | { v: typeof QUEUE_PROTOCOL_VERSION; at: 'started'; worker: string; from: number }
  /** `bytes`: what the checkpoint's transfer to Redis sent. */
  | ({ v: typeof QUEUE_PROTOCOL_VERSION; at: 'checkpoint'; worker: string; bytes: number } & Infer<typeof deriveStep>);

/** A finished derivation; its folder (report, samples, newest checkpoint) waits in Redis beside it. */
const deriveResult = obj({ v, worker: str, step: natural, steps: intIn(1), scores: finalScores, seconds: finite, overheadSeconds: finite });
export type DeriveJobResult = Infer<typeof deriveResult>;

/** A finished study run; its folder (the run directory) waits in Redis beside it. */
const studyRunResult = obj({ v, worker: str, seconds: finite, overheadSeconds: finite });
export type StudyRunJobResult = Infer<typeof studyRunResult>;

/** Checks a job as a worker takes it: its name is its kind, and its data must fit that kind's payload. */
export function parseQueueJob(name: string, data: unknown): QueueJobData {
  const kind = oneOf(QUEUE_JOB_KINDS).parse(name, 'name');
  return kind === 'derive' ? deriveJob.parse(data, 'payload') : studyRunJob.parse(data, 'payload');
}

export function parseJobProgress(value: unknown): JobProgress {
  return jobProgress.parse(value, 'progress');
}

export function parseDeriveResult(value: unknown): DeriveJobResult {
  return deriveResult.parse(value, 'result');
}

export function parseStudyRunResult(value: unknown): StudyRunJobResult {
  return studyRunResult.parse(value, 'result');
}
