/**
 * One supervised actor: spawns incarnations of it (thread or process), answers its messages, watches its
 * heartbeats, and replaces it as its lifecycle (actor-lifecycle.ts) and the restart policy say. Callers see
 * `call(type, args)`, typed from the actor's method table, that settles once with the result or an error,
 * whatever happened to the worker. Nothing here knows one kind from another: what differs is in the table.
 *
 * State held for restarts: the argument of the last `restore`, the result of the last `state`, and, after
 * each request the table marks `captureState`, a fresh `state` taken right after it; the request's caller is
 * answered once that capture is in, so a death in between retries the request.
 */
import { EventEmitter } from 'eventemitter3';
import { PROTOCOL_VERSION, idOf, type ActorState, type ArgsOf, type MethodSpec, type RequestFault, type ResultOf, type StreamItemOf, type StreamVerdict } from '../protocol/base.js';
import { channels, type ActorKind, type ChannelOf } from '../protocol/channels.js';
import type { RuntimeEvents, RuntimeEventType } from '../protocol/events.js';
import { message, parseActorMessage, streamItemOf, type ActorInit, type ActorMessage, type Placement } from '../protocol/lifecycle.js';
import { ActorRequestError, FieldError, RunStoppedError, type ActorFailure } from '../errors.js';
import type { ActorChannel, ExitInfo } from './actor-channel.js';
import { NEW_ACTOR, exitCause, isFinal, isServing, transition, type ActorStatus, type Lifecycle, type LifecycleEvent, type RuntimeTiming } from './actor-lifecycle.js';
import { BusyTracker } from './busy-spans.js';
import type { Clock } from './clock.js';
import { emitEvent, type EventSink } from './events.js';
import type { FaultPlan } from './faults.js';
import type { ActorPlacement } from './placement.js';
import type { RestartPolicy } from './restart-policy.js';

/** How often an actor's tensor count goes into the event log. */
const MEMORY_EVENT_MS = 60_000;

interface Pending {
  readonly id: number;
  readonly type: string;
  readonly args: object;
  /** The supervisor's own request (a state capture or a restore), not a caller's. */
  readonly internal: boolean;
  readonly fault: RequestFault | undefined;
  /** Fault injection: send a malformed copy of the request under id −n before its first send. */
  readonly malformed: number | null;
  /** Times sent so far (a death of the actor while in flight costs one). */
  sends: number;
  /** The result, kept while the state capture that follows it is in flight. */
  held: { value: unknown } | null;
  readonly onItem: ((item: unknown) => StreamVerdict) | undefined;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** One incarnation's transport and its watchdog. */
interface Incarnation {
  readonly channel: ActorChannel;
  cancelWatch(): void;
}

export interface ActorHandleDeps {
  readonly placement: ActorPlacement;
  readonly init: Pick<ActorInit, 'logicModule' | 'config' | 'seed' | 'backend'>;
  readonly timing: RuntimeTiming;
  readonly policy: RestartPolicy;
  readonly clock: Clock;
  readonly events: EventSink;
  readonly faults: FaultPlan;
  readonly spawn: (p: ActorPlacement) => ActorChannel;
}

export interface ActorHandleEvents {
  /** The actor's status changed. */
  status: [status: ActorStatus, before: ActorStatus];
}

type AnySpec = MethodSpec<unknown, unknown>;

export class ActorHandle<K extends ActorKind> extends EventEmitter<ActorHandleEvents> {
  private life: Lifecycle = NEW_ACTOR;
  /** Lifecycle events not yet applied; the first is being applied. */
  private readonly lifeEvents: LifecycleEvent[] = [];
  private current: Incarnation | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private heldState: ActorState | null = null;
  private lastMemoryEvent = Number.NEGATIVE_INFINITY;
  private readonly busy: BusyTracker;
  private readonly table: Record<string, AnySpec>;

  constructor(readonly kind: K, private readonly deps: ActorHandleDeps) {
    super();
    this.table = channels[kind] as unknown as Record<string, AnySpec>;
    this.busy = new BusyTracker(deps.clock, (s) =>
      this.record('actor.busy', { from: new Date(s.from).toISOString(), seconds: (s.to - s.from) / 1000, busySeconds: s.busySeconds, requests: s.requests }),
    );
  }

  get id(): string {
    return this.deps.placement.id;
  }

  get status(): ActorStatus {
    return this.life.status;
  }

  /** Spawns the first incarnation; resolves when it is ready, rejects if it never gets there. */
  start(): Promise<void> {
    const started = new Promise<void>((resolve, reject) => {
      const watch = (s: ActorStatus) => {
        if (isServing(s)) resolve();
        else if (isFinal(s)) reject(s.status === 'error' ? s.error : (s.cause ?? new RunStoppedError(s.why)));
        else return;
        this.off('status', watch);
      };
      this.on('status', watch);
    });
    this.spawn();
    return started;
  }

  /** Sends a request of this actor's table; settles with its checked result or an error. */
  call<T extends keyof ChannelOf<K> & string>(
    type: T,
    args: ArgsOf<ChannelOf<K>, T>,
    onItem?: (item: StreamItemOf<ChannelOf<K>, T>) => StreamVerdict,
  ): Promise<ResultOf<ChannelOf<K>, T>> {
    return this.request(type, args as object, false, onItem as Pending['onItem']) as Promise<ResultOf<ChannelOf<K>, T>>;
  }

  /** Ends this actor now, because `cause` ended the run: pending calls fail with it. */
  halt(cause: ActorFailure): void {
    if (isFinal(this.life.status)) return;
    this.apply({ type: 'halted', why: cause.message, cause });
    this.failAll(cause);
    this.current?.channel.kill();
  }

  /** Asks the actor to finish and exit; kills it when it does not within `graceMs`. */
  async shutdown(graceMs = 5000): Promise<void> {
    if (isFinal(this.life.status)) return;
    const ch = this.current?.channel;
    this.apply({ type: 'halted', why: `${this.id} has shut down`, cause: null });
    this.failAll(new RunStoppedError(`${this.id} is shutting down`));
    if (!ch) return;
    await new Promise<void>((resolve) => {
      const cancel = this.deps.clock.setTimeout(() => (ch.kill(), resolve()), graceMs);
      ch.exit$.subscribe(() => (cancel(), resolve()));
      ch.send(message('supervisor.shutdown', {}));
    });
  }

  /** Writes one of this actor's runtime events to the run's log. */
  private record<T extends RuntimeEventType>(type: T, payload: RuntimeEvents[T]): void {
    emitEvent(this.deps.events, this.id, type, payload);
  }

  private get stateRequest(): string {
    return `${this.kind}.state`;
  }

  private get restoreRequest(): string | null {
    return `${this.kind}.restore` in this.table ? `${this.kind}.restore` : null;
  }

  /**
   * Feeds the lifecycle an event. Events that its consequences raise (a request settled while resuming) wait
   * until this one's are done, so that listeners see the statuses in the order they were entered.
   */
  private apply(e: LifecycleEvent): void {
    this.lifeEvents.push(e);
    if (this.lifeEvents.length > 1) return;
    try {
      for (let next = e; next !== undefined; next = this.lifeEvents[0]) {
        const before = this.life.status;
        this.life = transition(this.life, next, { id: this.id, timing: this.deps.timing, policy: this.deps.policy });
        if (this.life.status.status !== before.status) {
          this.enter(this.life.status, before);
          this.emit('status', this.life.status, before);
        }
        this.lifeEvents.shift();
      }
    } finally {
      this.lifeEvents.length = 0; // a listener that threw leaves no event behind to block the next ones
    }
  }

  /** What the handle does on entering a status. */
  private enter(s: ActorStatus, before: ActorStatus): void {
    switch (s.status) {
      case 'ready':
      case 'busy':
        if (before.status === 'starting') this.onReady(s.placement);
        return;
      case 'hung':
        this.record('actor.hung', { incarnation: this.life.incarnation, silentMs: s.silentMs });
        return this.current?.channel.kill();
      case 'restarting':
        this.record('actor.restarting', { attempt: s.attempt, delayMs: s.delayMs, cause: s.cause });
        this.deps.clock.setTimeout(() => this.life.status.status === 'restarting' && this.spawn(), s.delayMs);
        return;
      case 'error':
        // The supervisor (actor-system.ts) stops the run on this status; the checkpoints are left as they are.
        this.record('actor.gave-up', { reason: s.error.reason });
        this.failAll(s.error);
        return this.current?.channel.kill();
    }
  }

  private request(type: string, args: object, internal: boolean, onItem?: Pending['onItem']): Promise<unknown> {
    const s = this.life.status;
    if (s.status === 'error') return Promise.reject(s.error);
    if (s.status === 'stopped') return Promise.reject(s.cause ?? new RunStoppedError(s.why));
    return new Promise((resolve, reject) => {
      const injected = internal ? { fault: undefined, malformed: null } : this.injectedFaults(type);
      const p: Pending = { id: this.nextId++, type, args, internal, ...injected, sends: 0, held: null, onItem, resolve, reject };
      if (type === this.restoreRequest) this.heldState = (args as { state: ActorState }).state;
      this.pending.set(p.id, p);
      this.busy.begin(type);
      this.apply({ type: 'work', busy: true });
      if (isServing(s)) this.send(p);
    });
  }

  /** The faults (--fault) that the conductor's next request to this kind carries. */
  private injectedFaults(type: string): { fault: RequestFault | undefined; malformed: number | null } {
    const { n, faults } = this.deps.faults.next(this.kind);
    for (const fault of faults) this.record('fault.injected', { fault, request: type, n });
    return { fault: faults.find((f): f is RequestFault => f !== 'malformed'), malformed: faults.includes('malformed') ? n : null };
  }

  private send(p: Pending): void {
    p.sends += 1;
    p.held = null;
    const first = p.sends === 1; // a retry never repeats an injected fault
    const ch = this.current?.channel;
    // A copy with a field the schema does not know, under an id no caller waits for.
    if (first && p.malformed !== null) ch?.send({ v: PROTOCOL_VERSION, type: p.type, id: -p.malformed, args: { ...p.args, injected: 'malformed' } });
    ch?.send({ v: PROTOCOL_VERSION, type: p.type, id: p.id, args: p.args, ...(first && p.fault ? { fault: p.fault } : {}) });
  }

  private settle(p: Pending, error: Error | null, value?: unknown): void {
    if (this.pending.delete(p.id)) {
      this.busy.end();
      this.apply({ type: 'work', busy: this.pending.size > 0 });
    }
    if (error) p.reject(error);
    else p.resolve(value);
  }

  private failAll(error: Error): void {
    for (const p of [...this.pending.values()]) this.settle(p, error);
    this.busy.flush();
    this.current?.cancelWatch();
  }

  private spawn(): void {
    const ch = this.deps.spawn(this.deps.placement);
    this.apply({ type: 'spawned', now: this.deps.clock.now() });
    const inc = this.life.incarnation;
    this.current = { channel: ch, cancelWatch: this.watch(inc) };
    ch.messages$.subscribe((raw) => inc === this.life.incarnation && this.onRaw(raw));
    ch.exit$.subscribe((info) => inc === this.life.incarnation && this.onExit(info));
    ch.send(message('supervisor.init', { actorId: this.id, kind: this.kind, heartbeatMs: this.deps.timing.heartbeatMs, ...this.deps.init }));
  }

  /** The watchdog of incarnation `inc`: a look once per heartbeat interval while it starts or serves. */
  private watch(inc: number): () => void {
    let cancel = () => {};
    let due = 0;
    const schedule = () => {
      due = this.deps.clock.now() + this.deps.timing.heartbeatMs;
      cancel = this.deps.clock.setTimeout(look, this.deps.timing.heartbeatMs);
    };
    const look = () => {
      if (inc !== this.life.incarnation) return;
      const now = this.deps.clock.now();
      this.apply({ type: 'tick', now, lateMs: now - due });
      const s = this.life.status.status;
      if (s === 'starting' || s === 'ready' || s === 'busy') schedule();
    };
    schedule();
    return () => cancel();
  }

  private onRaw(raw: unknown): void {
    this.apply({ type: 'heard', now: this.deps.clock.now() });
    let msg: ActorMessage;
    try {
      msg = parseActorMessage(raw);
    } catch (e) {
      return this.malformed(raw, e);
    }
    switch (msg.type) {
      case 'actor.ready':
        return this.apply({ type: 'ready', placement: msg.placement, now: this.deps.clock.now(), busy: this.pending.size > 0 });
      case 'actor.heartbeat': {
        const now = this.deps.clock.now();
        if (msg.tensors < 0 || now - this.lastMemoryEvent < MEMORY_EVENT_MS) return;
        this.lastMemoryEvent = now;
        return this.record('actor.memory', { incarnation: this.life.incarnation, tensors: msg.tensors });
      }
      case 'actor.log':
        return this.record('actor.log', { line: msg.line });
      case 'actor.result':
        return this.onResult(msg.id, msg.result);
      case 'actor.error': {
        const p = msg.id === null ? undefined : this.pending.get(msg.id);
        this.record('actor.error', { request: p?.type ?? null, ...msg.error });
        if (msg.id === null && msg.error.name === 'InputError') this.apply({ type: 'refused-input', message: msg.error.message });
        if (p) this.settle(p, new ActorRequestError(this.id, p.type, msg.error));
        return;
      }
      default:
        // An item streamed during request `msg.id`, for its caller, who may answer that the request stop.
        if (this.pending.get(msg.id)?.onItem?.(streamItemOf(msg)) === 'stop') this.current?.channel.send(message(`${this.kind}.stop`, { id: msg.id }));
    }
  }

  private malformed(raw: unknown, e: unknown): void {
    const field = e instanceof FieldError ? e.field : null;
    const text = `rejected malformed message from ${this.id}: ${(e as Error).message}`;
    this.record('actor.error', { request: null, name: 'MalformedMessage', message: text, field });
    const id = idOf(raw);
    const p = id === null ? undefined : this.pending.get(id);
    if (p) this.settle(p, new ActorRequestError(this.id, p.type, { name: 'MalformedMessage', message: text, field }));
  }

  private onResult(id: number, value: unknown): void {
    const p = this.pending.get(id);
    if (!p) return this.record('actor.error', { request: null, name: 'UnexpectedResult', message: `no request ${id} is waiting`, field: 'id' });
    const spec = this.table[p.type]!;
    let result: unknown;
    try {
      result = spec.result.parse(value, 'result');
    } catch (e) {
      return this.malformed({ id }, e);
    }
    if (p.type === this.stateRequest) this.heldState = result as ActorState;
    if (p.internal || !spec.captureState) return this.settle(p, null, result);
    p.held = { value: result };
    this.request(this.stateRequest, {}, true).then(
      () => p.held && this.settle(p, null, p.held.value),
      () => undefined, // the actor died during the capture: `p` is retried after the restart
    );
  }

  private onReady(placement: Placement): void {
    this.record('actor.placed', { incarnation: this.life.incarnation, kind: this.kind, ...placement });
    if (this.life.incarnation > 1) this.resume();
    else for (const p of this.pending.values()) this.send(p);
  }

  /** After a restart: restore the held state, then resend what the dead incarnation left unanswered. */
  private resume(): void {
    // The dead incarnation's state captures are void: their requests are retried and captured again.
    for (const p of [...this.pending.values()]) if (p.internal) this.settle(p, new Error(`${this.id} restarted`));
    const retry = [...this.pending.values()];
    const restore = this.restoreRequest;
    const restored = restore !== null && this.heldState !== null;
    if (restored) this.request(restore, { state: this.heldState }, true).catch(() => undefined);
    this.record('actor.restored', { incarnation: this.life.incarnation, from: restored ? 'held state' : 'fresh start' });
    for (const p of retry) {
      if (p.sends > this.deps.policy.retriesPerRequest) {
        this.settle(p, new Error(`${this.id}: ${p.type} was in flight through ${p.sends} deaths of the actor; not retried again`));
        continue;
      }
      if (p.sends > 0) this.record('actor.retry', { request: p.type, id: p.id });
      this.send(p);
    }
  }

  private onExit(info: ExitInfo): void {
    this.current?.cancelWatch();
    this.current = null;
    const s = this.life.status;
    if (isFinal(s)) return;
    const cause = exitCause(s, info);
    this.record('actor.exited', { incarnation: this.life.incarnation, code: info.code, cause });
    this.apply({ type: 'exited', cause, now: this.deps.clock.now() });
  }
}
