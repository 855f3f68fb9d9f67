/**
 * `startActorSystem`: the runtime the search conductor runs on. It plans the placement, opens the run's
 * event log, starts one supervised actor per placement, and returns the four ports, the event sink and
 * the run's controls (reset on collapse, derivation's actors, interrupt, shutdown).
 *
 * @example
 * const sys = await startActorSystem({ runDir, actorConfig, seed: 0, gpus: null, backend: 'blas' });
 * const archs = await sys.ports.controller.sample(8);
 * sys.events.emit('conductor', 'search.sampled', { archs });
 * await sys.shutdown('done');
 */
import { chooseOpenBlasCore } from '../backend/blas/openblas-core.js';
import type { BackendName } from '../backend/select.js';
import { nameSeed } from '../nn/params.js';
import type { ActorKind } from '../protocol/channels.js';
import type { ActorFailure } from '../protocol/errors.js';
import type { ControllerPort, DeriveWorker, EvaluatorPort, ResetterPort, SharedTrainerPort } from '../search/ports.js';
import { spawnActor, type ActorChannel } from './actor-channel.js';
import { ActorHandle, type ActorStatus, type RuntimeTiming } from './actor-handle.js';
import { realClock, type Clock } from './clock.js';
import { EventLog } from './event-log.js';
import { emitEvent, type EventSink } from './events.js';
import { FaultPlan, type FaultSpec } from './faults.js';
import { checkGpus, planDerivers, planPlacement, type ActorPlacement } from './placement.js';
import { controllerProxy, deriverProxy, evaluatorProxy, resetterProxy, trainerProxy } from './port-proxies.js';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy.js';
import type { RunDir } from './run-dir.js';
import { defaultLogicModules } from '../actors/logic-modules.js';

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
  /** SIGINT/SIGTERM handling; null leaves signals alone (tests, or a caller with its own). */
  readonly interrupts?: InterruptOptions | null;
  /** Spawns one actor incarnation (default: a worker thread or a forked process per placement). */
  readonly spawn?: (p: ActorPlacement) => ActorChannel;
}

export interface InterruptOptions {
  /** Writes the conductor's checkpoint; called once on the first signal, while the actors still answer. */
  readonly checkpoint: () => Promise<void>;
  readonly signals?: NodeJS.EventEmitter;
  readonly exit?: (code: number) => void;
}

export interface ActorSystem {
  readonly ports: { controller: ControllerPort; trainer: SharedTrainerPort; evaluator: EvaluatorPort; resetter: ResetterPort };
  readonly events: EventSink;
  /** Every actor's placement, the derivers' once they are started. */
  readonly placements: readonly ActorPlacement[];
  /** Raised by SIGINT/SIGTERM: the conductor stops taking work at its next step. */
  readonly interrupted: AbortSignal;
  /** Resolves with the error when the supervisor gives up on an actor (the run must stop). */
  readonly failure: Promise<ActorFailure>;
  statuses(): Record<string, ActorStatus>;
  /** Restart-on-collapse (paper §3.4): fresh shared weights and optimizers; the controller is kept. */
  resetSharedTrainer(resetIndex: number): Promise<void>;
  /**
   * Derivation's workers, once the search is done: `count` supervised Derivers (one per GPU with `gpus`, else
   * threads), each given `config`. The SharedTrainer and the Evaluators are shut down first: their work is done,
   * and they hold what the derivers need (a GPU's memory, the cores).
   */
  startDerivers(count: number, config: unknown): Promise<DeriveWorker[]>;
  /** Stops every actor, writes a last event and closes the log. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

export async function startActorSystem(opts: ActorSystemOptions): Promise<ActorSystem> {
  if (opts.gpus !== null) checkGpus(opts.gpus, opts.backend);
  // Before a worker thread or a per-GPU process can load OpenBLAS: only this thread's setting reaches them.
  chooseOpenBlasCore();
  const placements = planPlacement(opts.gpus, opts.evaluators);
  const clock = opts.clock ?? realClock;
  const log = EventLog.open(opts.runDir.events, clock);
  const resumed = log.lastSeq > 0;
  const faults = new FaultPlan(opts.faults ?? []);
  const timing = { ...DEFAULT_TIMING, ...opts.timing };
  const policy = { ...DEFAULT_RESTART_POLICY, ...opts.policy };
  const modules = { ...defaultLogicModules(), ...opts.logicModules };
  const interruptCtl = new AbortController();
  let failed: (e: ActorFailure) => void = () => undefined;
  const failure = new Promise<ActorFailure>((resolve) => (failed = resolve));
  emitEvent(log, 'supervisor', 'run.started', {
    runDir: opts.runDir.root, command: process.argv.slice(2), resumed, backend: opts.backend, gpus: opts.gpus ? [...opts.gpus] : null,
    faults: (opts.faults ?? []).map((f) => `${f.fault}:${f.actor}@${f.at}`),
  });
  if (log.damagedLines.length > 0) emitEvent(log, 'supervisor', 'log.damaged', { path: log.path, lines: log.damagedLines });

  const handles: ActorHandle<ActorKind>[] = [];
  const onGiveUp = (e: ActorFailure) => {
    // One actor lost means the run cannot go on: stop the others so every waiting call fails at once.
    for (const h of handles) if (h.id !== e.actorId) h.halt({ status: 'stopped', why: e.message, cause: e }, e);
    emitEvent(log, 'supervisor', 'run.failed', { actor: e.actorId, message: e.message });
    failed(e);
  };
  const make = <K extends ActorKind>(kind: K, p: ActorPlacement, config: unknown): ActorHandle<K> => {
    const h = new ActorHandle(kind, {
      placement: p,
      init: { logicModule: modules[kind], config, seed: nameSeed(opts.seed, p.id), backend: opts.backend },
      timing, policy, clock, events: log, faults, onGiveUp,
      spawn: opts.spawn ?? ((pl) => spawnActor(pl.transport, pl.cudaVisibleDevices)),
    });
    handles.push(h);
    return h;
  };
  const only = <K extends Exclude<ActorKind, 'deriver'>>(kind: K): ActorHandle<K> => make(kind, placements.find((p) => p.kind === kind)!, opts.actorConfig[kind] ?? null);
  const controller = only('controller');
  const resetter = only('resetter');
  const trainer = only('trainer');
  const evaluators = placements.filter((p) => p.kind === 'evaluator').map((p) => make('evaluator', p, opts.actorConfig.evaluator ?? null));

  let closed = false;
  const shutdown = async (reason: string) => {
    if (closed) return;
    closed = true;
    await Promise.all(handles.map((h) => h.shutdown()));
    emitEvent(log, 'supervisor', 'run.stopped', { reason });
    log.close();
    detachSignals();
  };
  const detachSignals = opts.interrupts ? onInterrupt(opts.interrupts, log, interruptCtl, shutdown) : () => undefined;

  try {
    await Promise.all(handles.map((h) => h.start()));
  } catch (e) {
    await shutdown(`start failed: ${(e as Error).message}`);
    throw e;
  }
  const trainerPort = trainerProxy(trainer, interruptCtl.signal);
  return {
    ports: { controller: controllerProxy(controller), trainer: trainerPort, evaluator: evaluatorProxy(evaluators), resetter: resetterProxy(resetter) },
    events: log,
    placements,
    interrupted: interruptCtl.signal,
    failure,
    statuses: () => Object.fromEntries(handles.map((h) => [h.id, h.status])),
    async resetSharedTrainer(resetIndex) {
      emitEvent(log, 'supervisor', 'trainer.reset', { resetIndex });
      await trainerPort.reset(resetIndex);
    },
    async startDerivers(count, config) {
      await Promise.all([trainer, ...evaluators].map((h) => h.shutdown()));
      const planned = planDerivers(opts.gpus, count);
      placements.push(...planned);
      const derivers = planned.map((p) => make('deriver', p, config));
      await Promise.all(derivers.map((h) => h.start()));
      return derivers.map((h) => ({ id: h.id, port: deriverProxy(h) }));
    },
    shutdown,
  };
}

/**
 * SIGINT/SIGTERM: stop taking work (raise `interrupted`), have the conductor write its checkpoint, stop
 * the actors, flush the log, exit 130. A second signal exits at once.
 */
function onInterrupt(o: InterruptOptions, log: EventLog, ctl: AbortController, shutdown: (why: string) => Promise<void>): () => void {
  const signals = o.signals ?? process;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const handler = (signal: string) => {
    if (ctl.signal.aborted) return exit(130);
    ctl.abort();
    emitEvent(log, 'supervisor', 'run.interrupted', { signal });
    o.checkpoint()
      .catch((e: unknown) => emitEvent(log, 'supervisor', 'actor.error', { request: 'checkpoint', name: 'CheckpointError', message: String((e as Error)?.message ?? e), field: null }))
      .then(() => shutdown(`interrupted by ${signal}`))
      .finally(() => exit(130));
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  return () => {
    signals.off('SIGINT', onInt);
    signals.off('SIGTERM', onTerm);
  };
}
