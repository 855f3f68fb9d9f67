/**
 * The event log's records and the runtime's own event payloads. The conductor emits its events (losses,
 * sampled architectures, rewards, stages) through the same `EventSink`, under its own types.
 */
import type { Transport } from '../protocol/lifecycle.js';

/** One line of events.jsonl. `seq` counts from 1 with no gaps over the run's life, resumes included. */
export interface LogEvent {
  readonly seq: number;
  /** ISO 8601. */
  readonly time: string;
  /** `supervisor`, `conductor`, or an actor id (`trainer`, `evaluator-0`, …). */
  readonly source: string;
  readonly type: string;
  readonly payload: unknown;
}

/** Where events go. The supervisor's event log is the one writer of events.jsonl. */
export interface EventSink {
  emit(source: string, type: string, payload: unknown): void;
}

/** Payloads of the events the runtime itself writes, by type. */
export interface RuntimeEvents {
  /** `command`: this process's arguments after the script (`search --config …`). */
  'run.started': { runDir: string; command: string[]; resumed: boolean; backend: string; gpus: number[] | null; faults: string[] };
  /** Lines of events.jsonl that were not events when a resumed run opened it: kept as they are, named here. */
  'log.damaged': { path: string; lines: number[] };
  'actor.placed': {
    incarnation: number; kind: string; transport: Transport; pid: number; threadId: number;
    backend: string; tfBackend: string; cudaVisibleDevices: string | null;
  };
  'actor.exited': { incarnation: number; code: number | null; cause: string };
  'actor.hung': { incarnation: number; silentMs: number };
  /** At most once a minute per actor, from its heartbeats: what a soak watches for growth. */
  'actor.memory': { incarnation: number; tensors: number };
  /** A stretch of time with requests outstanding (src/supervisor/busy-spans.ts): the report's actor timeline. */
  'actor.busy': { from: string; seconds: number; busySeconds: number; requests: Record<string, number> };
  'actor.restarting': { attempt: number; delayMs: number; cause: string };
  'actor.restored': { incarnation: number; from: 'held state' | 'fresh start' };
  'actor.retry': { request: string; id: number };
  'actor.gave-up': { reason: string };
  'actor.error': { request: string | null; name: string; message: string; field: string | null };
  'actor.log': { line: string };
  'fault.injected': { fault: string; request: string; n: number };
  'trainer.reset': { resetIndex: number };
  'run.interrupted': { signal: string };
  'run.failed': { actor: string; message: string };
  'run.stopped': { reason: string };
}
export type RuntimeEventType = keyof RuntimeEvents;

/** Emits a runtime event with its payload type checked. */
export function emitEvent<T extends RuntimeEventType>(sink: EventSink, source: string, type: T, payload: RuntimeEvents[T]): void {
  sink.emit(source, type, payload);
}
