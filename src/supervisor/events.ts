/**
 * Where events go, and the runtime's own writes: the supervisor's event log is the one writer of events.jsonl,
 * and every event's payload is defined in src/protocol/events.ts. The conductor emits its events (losses,
 * sampled architectures, rewards, stages) through the same `EventSink`, under its own types.
 */
import type { RuntimeEvents, RuntimeEventType } from '../protocol/events.js';

/** Where events go. The supervisor's event log is the one writer of events.jsonl. */
export interface EventSink {
  emit(source: string, type: string, payload: unknown): void;
}

/** Emits a runtime event with its payload type checked. */
export function emitEvent<T extends RuntimeEventType>(sink: EventSink, source: string, type: T, payload: RuntimeEvents[T]): void {
  sink.emit(source, type, payload);
}
