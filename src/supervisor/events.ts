/**
 * The event log's records and the runtime's own event payloads, as schemas: the writers' types are inferred
 * from them, and readers (the report, `tail`) check what they read against the same ones. The conductor emits
 * its events (losses, sampled architectures, rewards, stages) through the same `EventSink`, under its own types.
 */
import { placement } from '../protocol/lifecycle.js';
import { anything, arr, bool, finite, int, intIn, natural, nullable, obj, objWith, oneOf, record, str, type Infer } from '../util/schema.js';

/** One line of events.jsonl. Fields a newer writer adds are left unread, so an older reader still reads its lines. */
export const logEvent = objWith({
  /** Counts from 1 with no gaps over the run's life, resumes included. */
  seq: int,
  /** ISO 8601. */
  time: str,
  /** `supervisor`, `conductor`, or an actor id (`trainer`, `evaluator-0`, …). */
  source: str,
  type: str,
  payload: anything,
});
export type LogEvent = Infer<typeof logEvent>;

/** Where events go. The supervisor's event log is the one writer of events.jsonl. */
export interface EventSink {
  emit(source: string, type: string, payload: unknown): void;
}

/** Payloads of the events the runtime itself writes, by type. */
export const runtimeEventSchemas = {
  /** `command`: this process's arguments after the script (`search --config …`). */
  'run.started': obj({ runDir: str, command: arr(str), resumed: bool, backend: str, gpus: nullable(arr(int)), faults: arr(str) }),
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
export type RuntimeEvents = { [T in keyof typeof runtimeEventSchemas]: Infer<(typeof runtimeEventSchemas)[T]> };
export type RuntimeEventType = keyof RuntimeEvents;

/** Emits a runtime event with its payload type checked. */
export function emitEvent<T extends RuntimeEventType>(sink: EventSink, source: string, type: T, payload: RuntimeEvents[T]): void {
  sink.emit(source, type, payload);
}
