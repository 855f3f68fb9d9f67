/**
 * `startActorSystem`: the runtime the search conductor runs on. It plans the placement, opens the run's
 * event log, starts one supervised actor per placement, and returns the four ports, the event sink, the
 * supervisor's lifecycle events and the run's controls (reset on collapse, derivation's actors, shutdown).
 *
 * @example
 * const sys = await startActorSystem({ runDir, actorConfig, seed: 0, gpus: null, backend: 'blas' });
 * const archs = await sys.ports.controller.sample({ count: 8 });
 * sys.events.emit('conductor', 'search.sampled', { archs });
 * await sys.shutdown('done');
 */
import { EventEmitter } from 'eventemitter3';
import { chooseOpenBlasCore } from '../backend/blas/openblas-core.js';
import type { BackendName } from '../backend/select.js';
import type { ActorFailure } from '../errors.js';
import { nameSeed } from '../nn/params.js';
import type { ActorKind } from '../protocol/channels.js';
import type { ControllerPort, DeriveWorker, EvaluatorPort, ResetterPort, SharedTrainerPort } from '../search/ports.js';
import { spawnActor, type ActorChannel } from './actor-channel.js';
import { ActorHandle } from './actor-handle.js';
import type { ActorStatus, RuntimeTiming } from './actor-lifecycle.js';
import { realClock, type Clock } from './clock.js';
import { EventLog } from './event-log.js';
import { emitEvent, type EventSink } from './events.js';
import { FaultPlan, type FaultSpec } from './faults.js';
import { checkGpus, planDerivers, planPlacement, type ActorPlacement } from './placement.js';
import { portOf, splitAcross, withInputErrors } from './port-proxies.js';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy.js';
import type { RunDir } from './run-dir.js';
import { defaultLogicModules } from '../actors/logic-modules.js';
import { redactCredentials } from '../util/redact.js';

export const DEFAULT_TIMING: RuntimeTiming = {
  heartbeatMs: 1000,
  // Generous: a tfjs kernel blocks its thread, and one scoring batch at search width can take minutes on a CPU.
  hangTimeoutMs: 10 * 60_000,
  startTimeoutMs: 5 * 60_000,
};

export interface ActorSystemOptions {
  readonly runDir: RunDir;
  /** Each search actor kind's config slice (JSON), handed to its logic's `createLogic` (derivers get theirs from `startDerivers`). */
  readonly actorConfig: Record<Exclude<ActorKind, 'deriver'>, unknown>;
  /** The run's seed; each actor gets its own, derived from it and the actor's id. */
  readonly seed: number;
  /** `--gpus`: GPU indices, or null for threads only. */
  readonly gpus: readonly number[] | null;
  readonly backend: BackendName;
  readonly faults?: readonly FaultSpec[];
  /** Evaluator actors (default: one per GPU after the first, at least one). */
  readonly evaluators?: number;
  /** Logic module URL per kind (tests pass fixtures); default: the real logic beside each actor shell. */
  readonly logicModules?: Partial<Record<ActorKind, string>>;
  readonly timing?: Partial<RuntimeTiming>;
  readonly policy?: Partial<RestartPolicy>;
  readonly clock?: Clock;
  /** Spawns one actor incarnation (default: a worker thread or a forked process per placement). */
  readonly spawn?: (p: ActorPlacement) => ActorChannel;
}

/** The supervisor's lifecycle events, as `system.lifecycle` emits them. */
export interface SupervisorEvents {
  /** An actor's status changed (src/supervisor/actor-lifecycle.ts): `restarting`, `hung`, `error`, … */
  status: [actorId: string, status: ActorStatus, before: ActorStatus];
  /** The supervisor gave up on an actor; the run cannot go on. */
  failed: [error: ActorFailure];
  /** Every actor is stopped and the log closed. */
  stopped: [reason: string];
}

export interface ActorSystem {
  readonly ports: { controller: ControllerPort; trainer: SharedTrainerPort; evaluator: EvaluatorPort; resetter: ResetterPort };
  readonly events: EventSink;
  /**
   * @example
   * sys.lifecycle.on('status', (id, s) => s.status === 'restarting' && console.log(`${id}: ${s.cause}`));
   */
  readonly lifecycle: EventEmitter<SupervisorEvents>;
  /** Every actor's placement, the derivers' once they are started. */
  readonly placements: readonly ActorPlacement[];
  /** Resolves with the error when the supervisor gives up on an actor (the run must stop). */
  readonly failure: Promise<ActorFailure>;
  statuses(): Record<string, ActorStatus>;
  /** Actor restarts the supervisor made over the run's life: this process's and those its event log records from earlier ones. */
  restarts(): number;
  /** Restart-on-collapse (paper §3.4): fresh shared weights and optimizers; the controller is kept. */
  resetSharedTrainer(resetIndex: number): Promise<void>;
  /**
   * Derivation's workers, once the search is done: `count` supervised Derivers (one per GPU with `gpus`, else
   * threads), each given `config`. The SharedTrainer and the Evaluators are shut down first: their work is done,
   * and they hold what the derivers need (a GPU's memory, the cores).
   */
  startDerivers(count: number, config: unknown): Promise<DeriveWorker[]>;
  /** Shuts the SharedTrainer and the Evaluators down once the search is done (startDerivers does it first). */
  releaseSearchActors(): Promise<void>;
  /** Stops every actor, writes a last event and closes the log. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

/** What supervising a set of actors takes, whichever actors they are. */
type SupervisionOptions = Pick<ActorSystemOptions, 'runDir' | 'seed' | 'gpus' | 'backend' | 'faults' | 'logicModules' | 'timing' | 'policy' | 'clock' | 'spawn'>;

/**
 * The supervision every actor of a process shares: the event log (opened with `run.started`), the fault plan,
 * timing and restart policy, and one rule: an actor lost means the others are halted and the run fails.
 */
function supervise(opts: SupervisionOptions) {
  if (opts.gpus !== null) checkGpus(opts.gpus, opts.backend);
  // Before a worker thread or a per-GPU process can load OpenBLAS: only this thread's setting reaches them.
  chooseOpenBlasCore();
  const clock = opts.clock ?? realClock;
  const log = EventLog.open(opts.runDir.events, clock);
  const resumed = log.lastSeq > 0;
  const faults = new FaultPlan(opts.faults ?? []);
  const timing = { ...DEFAULT_TIMING, ...opts.timing };
  const policy = { ...DEFAULT_RESTART_POLICY, ...opts.policy };
  const modules = { ...defaultLogicModules(), ...opts.logicModules };
  const lifecycle = new EventEmitter<SupervisorEvents>();
  let restarts = log.openedCount('actor.restarting');
  const failure = new Promise<ActorFailure>((resolve) => lifecycle.once('failed', resolve));
  emitEvent(log, 'supervisor', 'run.started', {
    // A queue's URL may carry a password (--redis redis://user:pass@host): the log keeps the command without it.
    runDir: opts.runDir.root, command: process.argv.slice(2).map(redactCredentials), resumed, backend: opts.backend, gpus: opts.gpus ? [...opts.gpus] : null,
    faults: (opts.faults ?? []).map((f) => `${f.fault}:${f.actor}@${f.at}`),
  });
  if (log.damagedLines.length > 0) emitEvent(log, 'supervisor', 'log.damaged', { path: log.path, lines: log.damagedLines });

  const handles: ActorHandle<ActorKind>[] = [];
  const onStatus = (id: string, s: ActorStatus, before: ActorStatus) => {
    if (s.status === 'restarting') restarts += 1;
    lifecycle.emit('status', id, s, before);
    if (s.status !== 'error') return;
    // One actor lost means the run cannot go on: stop the others so every waiting call fails at once.
    for (const h of handles) if (h.id !== id) h.halt(s.error);
    emitEvent(log, 'supervisor', 'run.failed', { actor: id, message: s.error.message });
    lifecycle.emit('failed', s.error);
  };
  const make = <K extends ActorKind>(kind: K, p: ActorPlacement, config: unknown): ActorHandle<K> => {
    const h = new ActorHandle(kind, {
      placement: p,
      init: { logicModule: modules[kind], config, seed: nameSeed(opts.seed, p.id), backend: opts.backend },
      timing, policy, clock, events: log, faults,
      spawn: opts.spawn ?? ((pl) => spawnActor(pl.transport, pl.cudaVisibleDevices)),
    });
    h.on('status', (s, before) => onStatus(h.id, s, before));
    handles.push(h);
    return h;
  };
  /** Starts derivers on their planned placements; a deriver's port turns its input errors back into InputErrors. */
  const startDerivers = async (planned: readonly ActorPlacement[], config: unknown): Promise<DeriveWorker[]> => {
    const derivers = planned.map((p) => make('deriver', p, config));
    await Promise.all(derivers.map((h) => h.start()));
    return derivers.map((h) => ({ id: h.id, port: withInputErrors(portOf(h)) }));
  };
  let closed = false;
  const shutdown = async (reason: string) => {
    if (closed) return;
    closed = true;
    await Promise.all(handles.map((h) => h.shutdown()));
    emitEvent(log, 'supervisor', 'run.stopped', { reason });
    log.close();
    lifecycle.emit('stopped', reason);
  };
  /** Starts `started` (the actors made so far); a failed start shuts everything down again. */
  const start = async (started: readonly ActorHandle<ActorKind>[]) => {
    try {
      await Promise.all(started.map((h) => h.start()));
    } catch (e) {
      await shutdown(`start failed: ${(e as Error).message}`);
      throw e;
    }
  };
  return { log, lifecycle, failure, handles, make, startDerivers, start, shutdown, restarts: () => restarts };
}

export async function startActorSystem(opts: ActorSystemOptions): Promise<ActorSystem> {
  const sup = supervise(opts);
  const placements = planPlacement(opts.gpus, opts.evaluators);
  const only = <K extends Exclude<ActorKind, 'deriver'>>(kind: K): ActorHandle<K> => sup.make(kind, placements.find((p) => p.kind === kind)!, opts.actorConfig[kind] ?? null);
  const controller = only('controller');
  const resetter = only('resetter');
  const trainer = only('trainer');
  const evaluators = placements.filter((p) => p.kind === 'evaluator').map((p) => sup.make('evaluator', p, opts.actorConfig.evaluator ?? null));
  await sup.start(sup.handles);
  const trainerPort = portOf(trainer);
  const releaseSearchActors = async () => void (await Promise.all([trainer, ...evaluators].map((h) => h.shutdown())));
  return {
    ports: { controller: portOf(controller), trainer: trainerPort, evaluator: splitAcross(evaluators.map(portOf)), resetter: portOf(resetter) },
    events: sup.log,
    lifecycle: sup.lifecycle,
    placements,
    failure: sup.failure,
    statuses: () => Object.fromEntries(sup.handles.map((h) => [h.id, h.status])),
    restarts: sup.restarts,
    async resetSharedTrainer(resetIndex) {
      emitEvent(sup.log, 'supervisor', 'trainer.reset', { resetIndex });
      await trainerPort.reset({ resetIndex });
    },
    releaseSearchActors,
    async startDerivers(count, config) {
      await releaseSearchActors();
      const planned = planDerivers(opts.gpus, count);
      placements.push(...planned);
      return sup.startDerivers(planned, config);
    },
    shutdown: sup.shutdown,
  };
}

/** Supervised Derivers alone, with the placement and supervision of a search's: what a queue worker runs a derivation on. */
export interface DeriverPool {
  readonly derivers: readonly DeriveWorker[];
  readonly events: EventSink;
  readonly placements: readonly ActorPlacement[];
  /** Resolves with the error when the supervisor gives up on a deriver. */
  readonly failure: Promise<ActorFailure>;
  restarts(): number;
  shutdown(reason: string): Promise<void>;
}

export async function startDeriverPool(opts: SupervisionOptions & { readonly count: number; readonly config: unknown }): Promise<DeriverPool> {
  const sup = supervise(opts);
  const placements = planDerivers(opts.gpus, opts.count);
  try {
    const derivers = await sup.startDerivers(placements, opts.config);
    return { derivers, events: sup.log, placements, failure: sup.failure, restarts: sup.restarts, shutdown: sup.shutdown };
  } catch (e) {
    await sup.shutdown(`start failed: ${(e as Error).message}`);
    throw e;
  }
}
