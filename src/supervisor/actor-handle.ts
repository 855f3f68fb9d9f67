/**
 * One supervised actor: spawns incarnations of it (thread or process), answers its messages, watches its
 * heartbeats, and replaces it by the rules of restart-policy.ts. Callers see `call(type, args)`, typed from
 * the actor's channel, that settles once with the result or an error, whatever happened to the worker.
 *
 * State held for restarts: the argument of the last `restore`, the result of the last `state`, and, after
 * each request that changes a cheap actor's state (CAPTURE below), a fresh `state` taken right after it; the
 * request's caller is answered once that capture is in, so a death in between retries the request.
 */
import type { ActorState } from '../search/ports.js';
import { PROTOCOL_VERSION, idOf, type ArgsOf, type RequestFault, type ResultOf } from '../protocol/base.js';
import { channels, type ActorKind, type ChannelOf, type StreamItemOf } from '../protocol/channels.js';
import { ActorGaveUpError, ActorInputError, ActorRequestError, RunStoppedError, type ActorFailure } from '../protocol/errors.js';
import { message, parseActorMessage, type ActorInit, type ActorMessage, type Placement } from '../protocol/lifecycle.js';
import { FieldError } from '../protocol/schema.js';
import { INJECTED_CRASH_EXIT } from '../actors/exit-codes.js';
import type { ActorChannel, ExitInfo } from './actor-channel.js';
import { BusyTracker } from './busy-spans.js';
import type { Clock } from './clock.js';
import { emitEvent, type EventSink } from './events.js';
import type { FaultPlan } from './faults.js';
import type { ActorPlacement } from './placement.js';
import { decideRestart, type RestartPolicy } from './restart-policy.js';

/** How often an actor's tensor count goes into the event log. */
const MEMORY_EVENT_MS = 60_000;

export type ActorStatus =
  | { readonly status: 'starting'; readonly incarnation: number }
  | { readonly status: 'active'; readonly incarnation: number; readonly placement: Placement }
  | { readonly status: 'restarting'; readonly attempt: number; readonly delayMs: number }
  | { readonly status: 'done' }
  | { readonly status: 'error'; readonly error: Error }
  | { readonly status: 'stopped'; readonly why: string; readonly cause: Error | null };

export interface RuntimeTiming {
  /** Actors send a heartbeat this often. */
  readonly heartbeatMs: number;
  /** An active actor silent this long is hung: killed and restarted. */
  readonly hangTimeoutMs: number;
  /** An actor not ready this long after spawning failed to start. */
  readonly startTimeoutMs: number;
}

/** Requests after which the supervisor takes the actor's state (those that change it and are cheap to copy). */
const CAPTURE: Record<ActorKind, readonly string[]> = {
  controller: ['controller.beginStage', 'controller.sample', 'controller.update'],
  resetter: ['resetter.push', 'resetter.clear'],
  // The trainer's weights are large: held from checkpoints (state/restore) and after a reset only.
  trainer: ['trainer.reset'],
  evaluator: [],
  // A derivation's state is its checkpoints on disk: a restarted deriver resumes from them.
  deriver: [],
};

interface Pending {
  readonly id: number;
  readonly type: string;
  readonly args: object;
  readonly internal: boolean;
  fault: RequestFault | undefined;
  /** Times sent so far (a death of the actor while in flight costs one). */
  sends: number;
  /** The result, kept while the state capture that follows it is in flight. */
  held: { value: unknown } | null;
  resolve(v: unknown): void;
  reject(e: Error): void;
  /** Sees what the actor streams while this request runs; `stop` asks it to end the request early. */
  onStream?: (item: unknown, stop: () => void) => void;
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
  /** Called once when the policy gives up on this actor. */
  readonly onGiveUp: (e: ActorFailure) => void;
}

export class ActorHandle<K extends ActorKind> {
  private state_: ActorStatus = { status: 'starting', incarnation: 0 };
  private channel: ActorChannel | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private heldState: ActorState | null = null;
  private readonly restarts: number[] = [];
  private incarnation = 0;
  private wasReady = false;
  private hung = false;
  private lastSeen = 0;
  private lastMemoryEvent = Number.NEGATIVE_INFINITY;
  private spawnedAt = 0;
  private cancelWatch: (() => void) | null = null;
  private firstReady: { resolve(): void; reject(e: Error): void } | null = null;
  /** The message of an input error the actor reported while starting: it exits next, and is not restarted. */
  private startupInputError: string | null = null;
  private readonly busy: BusyTracker;

  constructor(readonly kind: K, private readonly deps: ActorHandleDeps) {
    this.busy = new BusyTracker(deps.clock, (s) =>
      emitEvent(deps.events, this.id, 'actor.busy', { from: new Date(s.from).toISOString(), seconds: (s.to - s.from) / 1000, busySeconds: s.busySeconds, requests: s.requests }),
    );
  }

  get id(): string {
    return this.deps.placement.id;
  }

  get status(): ActorStatus {
    return this.state_;
  }

  /** Spawns the first incarnation; resolves when it is ready. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstReady = { resolve, reject };
      this.spawn();
    });
  }

  /** Sends a request of this actor's channel; settles with its checked result or an error. */
  call<T extends keyof ChannelOf<K> & string>(
    type: T,
    args: ArgsOf<ChannelOf<K>, T>,
    opts: { onStream?: (item: StreamItemOf<K>, stop: () => void) => void } = {},
  ): Promise<ResultOf<ChannelOf<K>, T>> {
    return this.request(type, args as object, false, opts.onStream as Pending['onStream']) as Promise<ResultOf<ChannelOf<K>, T>>;
  }

  private request(type: string, args: object, internal: boolean, onStream?: Pending['onStream']): Promise<unknown> {
    const st = this.state_;
    switch (st.status) {
      case 'error':
        return Promise.reject(st.error);
      case 'done':
        return Promise.reject(new RunStoppedError(`${this.id} has shut down`));
      case 'stopped':
        return Promise.reject(st.cause ?? new RunStoppedError(st.why));
      case 'starting':
      case 'active':
      case 'restarting':
        break;
    }
    return new Promise((resolve, reject) => {
      const p: Pending = { id: this.nextId++, type, args, internal, fault: undefined, sends: 0, held: null, resolve, reject, ...(onStream ? { onStream } : {}) };
      if (!internal) this.applyFaults(p);
      if (type === `${this.kind}.restore`) this.heldState = (args as { state: ActorState }).state;
      this.pending.set(p.id, p);
      this.busy.begin(type);
      if (st.status === 'active') this.send(p);
    });
  }

  private applyFaults(p: Pending): void {
    const { n, faults } = this.deps.faults.next(this.kind);
    for (const fault of faults) {
      emitEvent(this.deps.events, this.id, 'fault.injected', { fault, request: p.type, n });
      if (fault === 'malformed') {
        // A copy of the request with a field the schema does not know, under an id no caller waits for.
        const bad = { v: PROTOCOL_VERSION, type: p.type, id: -n, args: { ...p.args, injected: 'malformed' } };
        this.afterReady(() => this.channel?.send(bad));
      } else p.fault ??= fault;
    }
  }

  private readyCallbacks: (() => void)[] = [];
  private afterReady(fn: () => void): void {
    if (this.state_.status === 'active') fn();
    else this.readyCallbacks.push(fn);
  }

  private send(p: Pending): void {
    p.sends += 1;
    p.held = null;
    const fault = p.sends === 1 ? p.fault : undefined; // a retry never repeats the injected fault
    this.channel?.send({ v: PROTOCOL_VERSION, type: p.type, id: p.id, args: p.args, ...(fault ? { fault } : {}) });
  }

  private spawn(): void {
    this.incarnation += 1;
    const inc = this.incarnation;
    this.wasReady = false;
    this.hung = false;
    this.state_ = { status: 'starting', incarnation: inc };
    const ch = this.deps.spawn(this.deps.placement);
    this.channel = ch;
    this.spawnedAt = this.lastSeen = this.deps.clock.now();
    ch.messages$.subscribe((raw) => inc === this.incarnation && this.onRaw(raw));
    ch.exit$.subscribe((info) => inc === this.incarnation && this.onExit(info));
    ch.send(message('supervisor.init', {
      actorId: this.id, kind: this.kind, heartbeatMs: this.deps.timing.heartbeatMs, ...this.deps.init,
    }));
    this.watch();
  }

  /** The watchdog: a starting actor must be ready in time, an active one must keep talking. */
  private watch(): void {
    const { heartbeatMs, hangTimeoutMs, startTimeoutMs } = this.deps.timing;
    this.cancelWatch = this.deps.clock.setTimeout(() => {
      const now = this.deps.clock.now();
      const st = this.state_;
      if (st.status === 'starting' && now - this.spawnedAt > startTimeoutMs) {
        this.hung = true;
        emitEvent(this.deps.events, this.id, 'actor.hung', { incarnation: this.incarnation, silentMs: now - this.spawnedAt });
        return this.channel?.kill();
      }
      if (st.status === 'active' && now - this.lastSeen > hangTimeoutMs) {
        this.hung = true;
        emitEvent(this.deps.events, this.id, 'actor.hung', { incarnation: this.incarnation, silentMs: now - this.lastSeen });
        return this.channel?.kill();
      }
      if (st.status === 'starting' || st.status === 'active') this.watch();
    }, heartbeatMs);
  }

  private onRaw(raw: unknown): void {
    this.lastSeen = this.deps.clock.now();
    let msg: ActorMessage;
    try {
      msg = parseActorMessage(raw);
    } catch (e) {
      return this.malformed(raw, e);
    }
    switch (msg.type) {
      case 'actor.ready':
        return this.onReady(msg.placement);
      case 'actor.heartbeat': {
        const now = this.deps.clock.now();
        if (msg.tensors < 0 || now - this.lastMemoryEvent < MEMORY_EVENT_MS) return;
        this.lastMemoryEvent = now;
        return emitEvent(this.deps.events, this.id, 'actor.memory', { incarnation: this.incarnation, tensors: msg.tensors });
      }
      case 'actor.log':
        return emitEvent(this.deps.events, this.id, 'actor.log', { line: msg.line });
      case 'actor.result':
        return this.onResult(msg.id, msg.result);
      case 'actor.error': {
        const p = msg.id === null ? undefined : this.pending.get(msg.id);
        emitEvent(this.deps.events, this.id, 'actor.error', { request: p?.type ?? null, ...msg.error });
        if (msg.id === null && msg.error.name === 'InputError' && !this.wasReady) this.startupInputError = msg.error.message;
        if (p) this.settle(p, new ActorRequestError(this.id, p.type, msg.error));
        return;
      }
      case 'trainer.loss':
        return this.streamed(msg.id, msg.loss, 'trainer.stop');
      case 'deriver.step':
        return this.streamed(msg.id, msg.step, 'deriver.stop');
    }
  }

  /** An item streamed during request `id`, for its caller; `stop` is the message that ends such a request early. */
  private streamed(id: number, item: unknown, stop: 'trainer.stop' | 'deriver.stop'): void {
    this.pending.get(id)?.onStream?.(item, () => this.channel?.send(message(stop, { id })));
  }

  private malformed(raw: unknown, e: unknown): void {
    const field = e instanceof FieldError ? e.field : null;
    const text = `rejected malformed message from ${this.id}: ${(e as Error).message}`;
    emitEvent(this.deps.events, this.id, 'actor.error', { request: null, name: 'MalformedMessage', message: text, field });
    const id = idOf(raw);
    const p = id === null ? undefined : this.pending.get(id);
    if (p) this.settle(p, new ActorRequestError(this.id, p.type, { name: 'MalformedMessage', message: text, field }));
  }

  private onResult(id: number, value: unknown): void {
    const p = this.pending.get(id);
    if (!p) return emitEvent(this.deps.events, this.id, 'actor.error', { request: null, name: 'UnexpectedResult', message: `no request ${id} is waiting`, field: 'id' });
    const spec = (channels[this.kind] as Record<string, { result: { parse(v: unknown, path: string): unknown } }>)[p.type]!;
    let result: unknown;
    try {
      result = spec.result.parse(value, 'result');
    } catch (e) {
      return this.malformed({ id }, e);
    }
    if (p.type === `${this.kind}.state`) this.heldState = result as ActorState;
    if (!p.internal && CAPTURE[this.kind].includes(p.type)) {
      p.held = { value: result };
      const capture = this.request(`${this.kind}.state`, {}, true);
      capture.then(
        () => p.held && this.settle(p, null, p.held.value),
        () => undefined, // the actor died during the capture: `p` is retried after the restart
      );
      return;
    }
    this.settle(p, null, result);
  }

  private settle(p: Pending, error: Error | null, value?: unknown): void {
    if (this.pending.delete(p.id)) this.busy.end();
    if (error) p.reject(error);
    else p.resolve(value);
  }

  private onReady(placement: Placement): void {
    this.wasReady = true;
    this.state_ = { status: 'active', incarnation: this.incarnation, placement };
    emitEvent(this.deps.events, this.id, 'actor.placed', { incarnation: this.incarnation, kind: this.kind, ...placement });
    if (this.incarnation > 1) this.resume();
    else for (const p of this.pending.values()) this.send(p);
    for (const fn of this.readyCallbacks.splice(0)) fn();
    this.firstReady?.resolve();
    this.firstReady = null;
  }

  /** After a restart: restore the held state, then resend what the dead incarnation left unanswered. */
  private resume(): void {
    // The dead incarnation's state captures are void: their requests are retried and captured again.
    for (const p of [...this.pending.values()]) if (p.internal) this.settle(p, new Error(`${this.id} restarted`));
    const restored = `${this.kind}.restore` in channels[this.kind] && this.heldState !== null;
    const retry = [...this.pending.values()];
    if (restored) {
      const p: Pending = {
        id: this.nextId++, type: `${this.kind}.restore`, args: { state: this.heldState }, internal: true,
        fault: undefined, sends: 0, held: null, resolve: () => undefined, reject: () => undefined,
      };
      this.pending.set(p.id, p);
      this.busy.begin(p.type);
      this.send(p);
    }
    emitEvent(this.deps.events, this.id, 'actor.restored', { incarnation: this.incarnation, from: restored ? 'held state' : 'fresh start' });
    for (const p of retry) {
      if (p.sends > this.deps.policy.retriesPerRequest) {
        this.settle(p, new Error(`${this.id}: ${p.type} was in flight through ${p.sends} deaths of the actor; not retried again`));
        continue;
      }
      if (p.sends > 0) emitEvent(this.deps.events, this.id, 'actor.retry', { request: p.type, id: p.id });
      this.send(p);
    }
  }

  private onExit(info: ExitInfo): void {
    this.cancelWatch?.();
    this.channel = null;
    const st = this.state_;
    if (st.status === 'done' || st.status === 'stopped' || st.status === 'error') return;
    const cause = this.hung
      ? 'hung (no heartbeat)'
      : info.code === INJECTED_CRASH_EXIT
        ? `injected crash (exit ${info.code})`
        : `exited with code ${info.code}${info.error ? `: ${info.error.split('\n')[0]}` : ''}`;
    emitEvent(this.deps.events, this.id, 'actor.exited', { incarnation: this.incarnation, code: info.code, cause });
    if (this.startupInputError !== null) return this.giveUp(new ActorInputError(this.id, this.startupInputError));
    const now = this.deps.clock.now();
    const decision = decideRestart(this.deps.policy, this.restarts, now, this.wasReady, cause);
    switch (decision.action) {
      case 'give-up':
        return this.giveUp(new ActorGaveUpError(this.id, decision.reason));
      case 'restart':
        this.restarts.push(now);
        this.state_ = { status: 'restarting', attempt: decision.attempt, delayMs: decision.delayMs };
        emitEvent(this.deps.events, this.id, 'actor.restarting', { attempt: decision.attempt, delayMs: decision.delayMs, cause });
        this.deps.clock.setTimeout(() => this.state_.status === 'restarting' && this.spawn(), decision.delayMs);
    }
  }

  private giveUp(error: ActorFailure): void {
    emitEvent(this.deps.events, this.id, 'actor.gave-up', { reason: error.reason });
    this.halt({ status: 'error', error }, error);
    this.firstReady?.reject(error);
    this.firstReady = null;
    this.deps.onGiveUp(error);
  }

  /** Ends this actor now (another actor failed, or the run stops): pending calls fail with `error`. */
  halt(status: ActorStatus & { status: 'error' | 'stopped' }, error: Error): void {
    this.state_ = status;
    this.cancelWatch?.();
    for (const p of [...this.pending.values()]) this.settle(p, error);
    this.busy.flush();
    this.channel?.kill();
    this.channel = null;
  }

  /** Asks the actor to finish and exit; kills it when it does not within `graceMs`. */
  async shutdown(graceMs = 5000): Promise<void> {
    const ch = this.channel;
    const st = this.state_;
    if (st.status === 'done' || st.status === 'stopped' || st.status === 'error') return;
    this.state_ = { status: 'done' };
    this.cancelWatch?.();
    for (const p of [...this.pending.values()]) this.settle(p, new RunStoppedError(`${this.id} is shutting down`));
    this.busy.flush();
    if (!ch) return;
    await new Promise<void>((resolve) => {
      const cancel = this.deps.clock.setTimeout(() => (ch.kill(), resolve()), graceMs);
      ch.exit$.subscribe(() => (cancel(), resolve()));
      ch.send(message('supervisor.shutdown', {}));
    });
    this.channel = null;
  }
}
