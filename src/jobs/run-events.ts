/**
 * The events of a run's log (events.jsonl) as one typed union, by `type`: the runtime's own (the supervisor
 * and its actors, src/supervisor/events.ts) and the search's (the conductor and the derivation, whose payload
 * is the event itself). Narrowing on `type` gives the payload's fields. Payloads are as the run wrote them:
 * a number that was NaN (the loss of a collapsed GAN) reads back as null, since JSON has no NaN.
 */
import type { SearchRunEvent } from '../search/search-run.js';
import type { LogEvent, RuntimeEvents } from '../supervisor/events.js';

type EventOf<T extends string, P> = Omit<LogEvent, 'type' | 'payload'> & { readonly type: T; readonly payload: P };

export type RuntimeRunEvent = { [T in keyof RuntimeEvents]: EventOf<T, RuntimeEvents[T]> }[keyof RuntimeEvents];
export type SearchLogEvent = { [T in SearchRunEvent['type']]: EventOf<T, Extract<SearchRunEvent, { type: T }>> }[SearchRunEvent['type']];

/** One line of events.jsonl. */
export type RunEvent = RuntimeRunEvent | SearchLogEvent;
export type RunEventType = RunEvent['type'];
