/**
 * Fault injection for the runtime's tests and for trying a run's resilience: `--fault SPEC`, repeatable.
 *
 *   SPEC  := KIND ':' ACTOR '@' N
 *   KIND  := crash      the actor exits (code 70) on receiving its Nth request
 *          | hang       the actor blocks its thread on its Nth request (heartbeats stop)
 *          | nan        the trainer reports NaN losses throughout its Nth request (a train request)
 *          | malformed  the supervisor sends the actor a malformed copy of its Nth request first
 *   ACTOR := controller | trainer | evaluator | resetter | deriver
 *   N     := 1, 2, …: requests from the conductor to actors of that kind, counted over the whole run;
 *            retries and the supervisor's own state requests are not counted. Each spec fires once.
 *            A deriver's requests are checkpoint intervals of the derivations (all of them, in the order sent):
 *            crash:deriver@3 kills a deriver part-way through derivation, which resumes from a checkpoint.
 *
 * Example: `--fault crash:trainer@5 --fault hang:evaluator@2`.
 */
import { InputError, quote } from '../errors.js';
import { ACTOR_KINDS, STREAMS, type ActorKind } from '../protocol/channels.js';

/** The kinds whose streamed items a `nan` fault can poison (their tables say how): the trainer's losses. */
const NAN_KINDS: readonly ActorKind[] = [...STREAMS.values()].filter((s) => s.poisoned).map((s) => s.kind);

export const FAULT_KINDS = ['crash', 'hang', 'nan', 'malformed'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  readonly fault: FaultKind;
  readonly actor: ActorKind;
  readonly at: number;
}

export function parseFaultSpec(spec: string): FaultSpec {
  const m = /^([a-z]+):([a-z]+)@(\d+)$/.exec(spec);
  const bad = (why: string) => new InputError(`--fault ${quote(spec)}: ${why} (expected KIND:ACTOR@N, e.g. crash:trainer@5)`);
  if (!m) throw bad('not of the form KIND:ACTOR@N');
  const [, fault, actor, n] = m as unknown as [string, string, string, string];
  if (!(FAULT_KINDS as readonly string[]).includes(fault)) throw bad(`unknown fault "${fault}"; one of ${FAULT_KINDS.join('|')}`);
  if (!(ACTOR_KINDS as readonly string[]).includes(actor)) throw bad(`unknown actor "${actor}"; one of ${ACTOR_KINDS.join('|')}`);
  if (fault === 'nan' && !NAN_KINDS.includes(actor as ActorKind)) throw bad(`only the ${NAN_KINDS.join(' and the ')} reports losses`);
  const at = Number(n);
  if (at < 1) throw bad('N counts from 1');
  if (!Number.isSafeInteger(at)) throw bad(`N is beyond ${Number.MAX_SAFE_INTEGER}`);
  return { fault: fault as FaultKind, actor: actor as ActorKind, at };
}

/** Counts each kind's requests and says which fault, if any, the next one carries. */
export class FaultPlan {
  private readonly counts = new Map<ActorKind, number>();
  private readonly pending: FaultSpec[];

  constructor(specs: readonly FaultSpec[]) {
    this.pending = [...specs];
  }

  /** Call once per conductor request to an actor of `kind`; returns the faults it must carry (each spec once). */
  next(kind: ActorKind): { n: number; faults: FaultKind[] } {
    const n = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, n);
    const fired = this.pending.filter((f) => f.actor === kind && f.at === n);
    for (const f of fired) this.pending.splice(this.pending.indexOf(f), 1);
    return { n, faults: fired.map((f) => f.fault) };
  }
}
