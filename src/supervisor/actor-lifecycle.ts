/**
 * An actor's lifecycle as a pure transition function: the handle (actor-handle.ts) reports what happened, and
 * acts on the states its actor enters. Each transition has its test in test/runtime-lifecycle.test.ts.
 *
 *   starting ──ready──▶ ready ⇄ busy          busy: a request is outstanding
 *      │                  │
 *      └─ silent too long ┴──▶ hung           the handle kills it
 *   starting, ready, busy, hung ──exited──▶ restarting ──spawned──▶ starting
 *                                      └──▶ error     the restart policy gave up, or the actor refused its input
 *   any but error ──halted, shut down──▶ stopped      error and stopped are final: later events change nothing
 */
import { INJECTED_CRASH_EXIT } from '../actors/exit-codes.js';
import { ActorGaveUpError, ActorInputError, type ActorFailure } from '../errors.js';
import type { Placement } from '../protocol/lifecycle.js';
import type { ExitInfo } from './actor-channel.js';
import { decideRestart, type RestartPolicy } from './restart-policy.js';

export type ActorStatus =
  /** `inputError`: the message of an input error the actor reported while starting; it exits next and is not restarted. */
  | { readonly status: 'starting'; readonly since: number; readonly inputError: string | null }
  | { readonly status: 'ready' | 'busy'; readonly placement: Placement; readonly lastSeen: number }
  | { readonly status: 'hung'; readonly wasReady: boolean; readonly silentMs: number }
  | { readonly status: 'restarting'; readonly attempt: number; readonly delayMs: number; readonly cause: string }
  | { readonly status: 'stopped'; readonly why: string; readonly cause: Error | null }
  | { readonly status: 'error'; readonly error: ActorFailure };

export interface Lifecycle {
  readonly status: ActorStatus;
  /** Incarnations spawned so far (the first is 1). */
  readonly incarnation: number;
  /** When the actor was restarted, for the restart policy's window. */
  readonly restarts: readonly number[];
}

export type LifecycleEvent =
  | { readonly type: 'spawned'; readonly now: number }
  | { readonly type: 'ready'; readonly placement: Placement; readonly now: number; readonly busy: boolean }
  /** Any message from the actor: it is alive. */
  | { readonly type: 'heard'; readonly now: number }
  | { readonly type: 'work'; readonly busy: boolean }
  | { readonly type: 'refused-input'; readonly message: string }
  /**
   * The watchdog's look, once per heartbeat interval; `lateMs` after its time when the supervisor itself did not run
   * meanwhile (the process suspended, a laptop asleep, its event loop blocked). Silence is counted only while the
   * supervisor runs: the actor's messages could not be heard in that time either.
   */
  | { readonly type: 'tick'; readonly now: number; readonly lateMs: number }
  | { readonly type: 'exited'; readonly cause: string; readonly now: number }
  | { readonly type: 'halted'; readonly why: string; readonly cause: Error | null };

export interface RuntimeTiming {
  /** Actors send a heartbeat this often. */
  readonly heartbeatMs: number;
  /** A ready or busy actor silent this long is hung: killed and restarted. */
  readonly hangTimeoutMs: number;
  /** An actor not ready this long after spawning failed to start. */
  readonly startTimeoutMs: number;
}

export interface LifecycleRules {
  /** The actor's id, for the errors that name it. */
  readonly id: string;
  readonly timing: RuntimeTiming;
  readonly policy: RestartPolicy;
}

/** An actor not spawned yet: requests made now wait for its first incarnation. */
export const NEW_ACTOR: Lifecycle = { status: { status: 'starting', since: 0, inputError: null }, incarnation: 0, restarts: [] };

/** Error and stopped: the actor is gone for good. */
export function isFinal(s: ActorStatus): s is Extract<ActorStatus, { status: 'stopped' | 'error' }> {
  return s.status === 'stopped' || s.status === 'error';
}

/** Ready or busy: the actor takes requests. */
export function isServing(s: ActorStatus): s is Extract<ActorStatus, { status: 'ready' | 'busy' }> {
  return s.status === 'ready' || s.status === 'busy';
}

export function transition(lc: Lifecycle, e: LifecycleEvent, rules: LifecycleRules): Lifecycle {
  const s = lc.status;
  if (isFinal(s)) return lc;
  const to = (status: ActorStatus, rest: Partial<Omit<Lifecycle, 'status'>> = {}): Lifecycle => ({ ...lc, ...rest, status });
  switch (e.type) {
    case 'spawned':
      return s.status === 'restarting' || lc.incarnation === 0 ? to({ status: 'starting', since: e.now, inputError: null }, { incarnation: lc.incarnation + 1 }) : lc;
    case 'ready':
      return s.status === 'starting' && lc.incarnation > 0 ? to({ status: e.busy ? 'busy' : 'ready', placement: e.placement, lastSeen: e.now }) : lc;
    case 'heard':
      return isServing(s) ? to({ ...s, lastSeen: e.now }) : lc;
    case 'work':
      return isServing(s) && (s.status === 'busy') !== e.busy ? to({ ...s, status: e.busy ? 'busy' : 'ready' }) : lc;
    case 'refused-input':
      return s.status === 'starting' ? to({ ...s, inputError: e.message }) : lc;
    case 'tick': {
      const late = Math.max(0, e.lateMs);
      if (s.status === 'starting' && lc.incarnation > 0) {
        const since = s.since + late;
        if (e.now - since > rules.timing.startTimeoutMs) return to({ status: 'hung', wasReady: false, silentMs: e.now - since });
        return late > 0 ? to({ ...s, since }) : lc;
      }
      if (isServing(s)) {
        const lastSeen = s.lastSeen + late;
        if (e.now - lastSeen > rules.timing.hangTimeoutMs) return to({ status: 'hung', wasReady: true, silentMs: e.now - lastSeen });
        return late > 0 ? to({ ...s, lastSeen }) : lc;
      }
      return lc;
    }
    case 'exited': {
      if (s.status === 'restarting' || lc.incarnation === 0) return lc;
      if (s.status === 'starting' && s.inputError !== null) return to({ status: 'error', error: new ActorInputError(rules.id, s.inputError) });
      const wasReady = s.status === 'hung' ? s.wasReady : s.status !== 'starting';
      const decision = decideRestart(rules.policy, lc.restarts, e.now, wasReady, e.cause);
      if (decision.action === 'give-up') return to({ status: 'error', error: new ActorGaveUpError(rules.id, decision.reason) });
      return to({ status: 'restarting', attempt: decision.attempt, delayMs: decision.delayMs, cause: e.cause }, { restarts: [...lc.restarts, e.now] });
    }
    case 'halted':
      return to({ status: 'stopped', why: e.why, cause: e.cause });
  }
}

/** Why an incarnation ended, for the log: the watchdog's kill, an injected crash, or the exit as reported. */
export function exitCause(s: ActorStatus, info: ExitInfo): string {
  if (s.status === 'hung') return 'hung (no heartbeat)';
  if (info.code === INJECTED_CRASH_EXIT) return `injected crash (exit ${info.code})`;
  return `exited with code ${info.code}${info.error ? `: ${info.error.split('\n')[0]}` : ''}`;
}
