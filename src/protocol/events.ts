/**
 * Every event a run writes to its log (events.jsonl): the line that carries one (`logEvent`), and one schema per
 * type for its payload. The writers' types are inferred from these schemas (the supervisor's and the actors'
 * runtime events, the conductor's, the derivation's, the worker pool's); the report checks what it reads against
 * the same ones, and the library's Observables (a running search's events, `tailEvents`) are typed by them.
 * A newer writer may add fields to a line, never to a payload. Numbers that may be NaN (losses, rewards and
 * scores of a collapsed GAN) are written by JSON as null and read back as NaN (`measured`).
 */
import { anything, arr, bool, finite, int, intIn, literal, natural, nullable, obj, objWith, oneOf, optional, record, str, type Infer, type Schema } from '../util/schema.js';
import { archTokens, stage } from './base.js';
import { classCoverage, evalPoint, heldOutFigures } from './evaluation.js';
import { placement } from './lifecycle.js';
import { inceptionScore, savedLoss as measured } from './saved-state.js';

/** One line of events.jsonl. Fields a newer writer adds are left unread, so an older reader still reads its lines. */
export const logEvent = objWith({
  /** Counts from 1 with no gaps over the run's life, resumes included. */
  seq: int,
  /** ISO 8601. */
  time: str,
  /** `supervisor`, `conductor`, `queue`, or an actor id (`trainer`, `evaluator-0`, `deriver-1`, …). */
  source: str,
  type: str,
  payload: anything,
});
export type LogEvent = Infer<typeof logEvent>;

/** What the runtime itself writes: the supervisor and the actors' handles. */
const runtimeEvents = {
  /** `command`: this process's arguments after the script (`search --config …`); runs made before it was logged lack it. */
  'run.started': obj({ runDir: str, command: optional(arr(str)), resumed: bool, backend: str, gpus: nullable(arr(int)), faults: arr(str) }),
  /** Lines of events.jsonl that were not events when a resumed run opened it: kept as they are, named here. */
  'log.damaged': obj({ path: str, lines: arr(intIn(1)) }),
  'actor.placed': obj({ incarnation: natural, kind: str, ...placement.shape }),
  'actor.exited': obj({ incarnation: natural, code: nullable(int), cause: str }),
  'actor.hung': obj({ incarnation: natural, silentMs: finite }),
  /** At most once a minute per actor, from its heartbeats: what a soak watches for growth. */
  'actor.memory': obj({ incarnation: natural, tensors: intIn(-1) }),
  /** A stretch of time with requests outstanding (src/supervisor/busy-spans.ts): the report's actor timeline. */
  'actor.busy': obj({ from: str, seconds: finite, busySeconds: finite, requests: record(natural) }),
  'actor.restarting': obj({ attempt: natural, delayMs: finite, cause: str }),
  'actor.restored': obj({ incarnation: natural, from: oneOf(['held state', 'fresh start']) }),
  'actor.retry': obj({ request: str, id: int }),
  'actor.gave-up': obj({ reason: str }),
  'actor.error': obj({ request: nullable(str), name: str, message: str, field: nullable(str) }),
  'actor.log': obj({ line: str }),
  'fault.injected': obj({ fault: str, request: str, n: natural }),
  'trainer.reset': obj({ resetIndex: natural }),
  'run.interrupted': obj({ signal: str }),
  'run.failed': obj({ actor: str, message: str }),
  'run.stopped': obj({ reason: str }),
};

/** The search's events (the conductor's, the derivation's, the pool's) carry their own type inside the payload. */
const tag = <T extends string>(type: T) => literal(type);

/** The conductor's (src/search/conductor.ts): one search iteration's training and scoring, stages and beams. */
const conductorEvents = {
  'search.stage': obj({ type: tag('search.stage'), stage, prefixes: arr(archTokens) }),
  'search.trained': obj({
    type: tag('search.trained'), iteration: natural, stage, dLoss: measured, gLoss: measured, minibatches: natural, stoppedEarly: bool, seconds: finite,
  }),
  'search.rewards': obj({
    type: tag('search.rewards'), iteration: natural, stage, archs: arr(archTokens), rewards: arr(measured), baseline: measured, entropy: measured,
    // Runs made before these were logged lack them.
    advantage: optional(measured), policyLoss: optional(measured), seconds: finite,
  }),
  'search.reset': obj({ type: tag('search.reset'), iteration: natural, stage, resets: natural }),
  /**
   * With reset off: a collapse the detector saw at the iteration's `minibatch` (from 0), which nothing acted on;
   * `collapses` counts them over the run (src/search/collapse-watch.ts).
   */
  'search.collapse': obj({ type: tag('search.collapse'), iteration: natural, stage, minibatch: natural, collapses: natural }),
  'search.beam': obj({ type: tag('search.beam'), stage, candidates: arr(archTokens), scores: arr(measured), kept: arr(archTokens) }),
  /** The final candidates, sampled from the final policy and scored on the final shared weights. */
  'search.candidates': obj({ type: tag('search.candidates'), archs: arr(archTokens), rewards: arr(measured) }),
};

/** A derived architecture's result: trained from scratch in `dir` for `steps` G steps, then scored. */
export const derivedResult = obj({
  rank: natural, arch: str, words: arr(str), proxyReward: measured, is: nullable(inceptionScore), fid: nullable(measured), steps: natural, dir: str,
  // With the digit classifier: the final samples' class coverage, and the held-out real digits' own figures beside
  // which `is` and `fid` are read. Runs made before class coverage was measured lack these.
  classes: optional(nullable(classCoverage)), heldOut: optional(nullable(heldOutFigures)),
});
export type DerivedResult = Infer<typeof derivedResult>;

/** The derivation's (src/search/derivation.ts); `actor` is the deriver (or pool worker) that did the work, and the line's source. */
const derivationEvents = {
  'derive.started': obj({ type: tag('derive.started'), actor: str, rank: intIn(1), arch: archTokens, dir: str }),
  /** At every checkpoint, with the losses of the last step. */
  'derive.progress': obj({ type: tag('derive.progress'), actor: str, rank: intIn(1), step: natural, steps: natural, dLoss: measured, gLoss: measured }),
  /** At every periodic evaluation (train.evalEvery), as the derivation's report.json records it. */
  'derive.evaluated': obj({ type: tag('derive.evaluated'), actor: str, rank: intIn(1), ...evalPoint.shape }),
  'derive.finished': obj({
    type: tag('derive.finished'), actor: str, rank: intIn(1), steps: natural, seconds: finite, is: nullable(inceptionScore), fid: nullable(measured),
  }),
  'search.derived': obj({ type: tag('search.derived'), result: derivedResult }),
};

/** The pool's (src/queue/derive-on-queue.ts), beside derive.*: `job` is the BullMQ job id. */
const queueEvents = {
  /** `attached`: the job was already in the queue (a resumed coordinator), so it was not enqueued again. */
  'queue.submitted': obj({ type: tag('queue.submitted'), job: str, rank: intIn(1), attached: bool }),
  /** A worker took the job; `from` is the G step its folder resumed at (0: from scratch). */
  'queue.started': obj({ type: tag('queue.started'), job: str, worker: str, from: natural }),
  'queue.recorded': obj({ type: tag('queue.recorded'), job: str, worker: str, files: natural, bytes: natural, overheadSeconds: finite }),
  'queue.failed': obj({ type: tag('queue.failed'), job: str, rank: intIn(1), attempts: natural, error: str }),
};

const table = {
  ...runtimeEvents,
  ...conductorEvents,
  /** Each iteration's sample grid: its best child on fixed latents, drawn from the weights it was scored on. */
  'search.samples': obj({ type: tag('search.samples'), iteration: natural, stage, arch: archTokens, file: str }),
  ...derivationEvents,
  ...queueEvents,
};

export type EventType = keyof typeof table;
export type PayloadOf<T extends EventType> = Infer<(typeof table)[T]>;
/** Each event type's payload schema. */
export const eventSchemas: { readonly [T in EventType]: Schema<PayloadOf<T>> } = table;

export type RuntimeEventType = keyof typeof runtimeEvents;
export type RuntimeEvents = { [T in RuntimeEventType]: PayloadOf<T> };
/** What the conductor reports, for the event log and progress display. */
export type SearchEvent = PayloadOf<keyof typeof conductorEvents>;
export type DeriveEvent = PayloadOf<keyof typeof derivationEvents>;
export type QueueEvent = PayloadOf<keyof typeof queueEvents>;
/** What a search run reports: the conductor's events, each iteration's sample grid, the derivations. */
export type SearchRunEvent = SearchEvent | PayloadOf<'search.samples'> | DeriveEvent;

/** A line of events.jsonl whose payload is its type's. */
export type RunEvent = { [T in EventType]: Omit<LogEvent, 'type' | 'payload'> & { readonly type: T; readonly payload: PayloadOf<T> } }[EventType];
export type RunEventType = RunEvent['type'];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(table, type);
}
