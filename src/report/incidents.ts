/**
 * The events of a run's log that the report lists and marks on its timeline: errors, restarts, resets, resumes
 * and stops, each as a short sentence.
 */
import type { LogEvent } from '../protocol/events.js';
import type { MarkKind } from './svg/timeline.js';

export interface Incident {
  readonly time: number;
  readonly seq: number | null;
  readonly source: string;
  readonly type: string;
  readonly kind: MarkKind | 'info';
  readonly text: string;
}

/** Short text for an incident of the log, and how the timeline marks it. */
export function incidentOf(e: LogEvent): { kind: Incident['kind']; text: string } | null {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  switch (e.type) {
    case 'actor.error': return { kind: 'error', text: `${s(p.name)}${p.request ? ` in ${s(p.request)}` : ''}: ${s(p.message)}` };
    case 'actor.exited': return { kind: 'error', text: `exited (incarnation ${s(p.incarnation)}): ${s(p.cause)}` };
    case 'actor.hung': return { kind: 'error', text: `hung: silent ${s(p.silentMs)} ms` };
    case 'actor.gave-up': return { kind: 'error', text: `gave up: ${s(p.reason)}` };
    case 'actor.restarting': return { kind: 'restart', text: `restarting (attempt ${s(p.attempt)}, after ${s(p.delayMs)} ms): ${s(p.cause)}` };
    case 'actor.restored': return { kind: 'restart', text: `restored from ${s(p.from)} (incarnation ${s(p.incarnation)})` };
    case 'actor.retry': return { kind: 'restart', text: `retried ${s(p.request)}` };
    case 'fault.injected': return { kind: 'error', text: `fault injected: ${s(p.fault)} on ${s(p.request)} (#${s(p.n)})` };
    case 'trainer.reset': return { kind: 'info', text: `shared GAN re-created (reset ${s(p.resetIndex)})` };
    case 'search.reset': return { kind: 'reset', text: `dynamic reset #${s(p.resets)} after iteration ${s(p.iteration)} (stage ${s(p.stage)})` };
    case 'run.started': return p.resumed ? { kind: 'resume', text: `resumed (backend ${s(p.backend)})` } : null;
    case 'run.interrupted': return { kind: 'stop', text: `interrupted by ${s(p.signal)}` };
    case 'run.stopped': return { kind: 'stop', text: `stopped: ${s(p.reason)}` };
    case 'run.failed': return { kind: 'error', text: `failed: ${s(p.actor)}: ${s(p.message)}` };
    case 'log.damaged': return { kind: 'error', text: `the log had lines that are not events: ${s(p.lines)}` };
    default: return null;
  }
}
