import type { Observable } from 'rxjs';
import type { RunEvent } from '../protocol/events.js';
import { eventStream } from '../supervisor/event-stream.js';
import { runDirPaths } from '../supervisor/run-dir.js';

export interface TailOptions {
  /** Keep emitting events as the run writes them, until unsubscribed (default: the events so far, then complete). */
  readonly follow?: boolean;
  /** Complete lines of the log that are not events (a damaged file); default: skipped silently. */
  readonly onBadLine?: (line: string) => void;
}

/**
 * A run directory's events, from its first: `autogan tail` and library callers read them here.
 *
 * @example
 * tailEvents('runs/smoke', { follow: true }).pipe(filter((e) => e.type === 'search.rewards')).subscribe(console.log);
 */
export function tailEvents(dir: string, opts: TailOptions = {}): Observable<RunEvent> {
  // The log's lines are the runtime's own writes (src/supervisor/event-log.ts): their payloads are as typed.
  return eventStream(runDirPaths(dir).events, { follow: opts.follow ?? false, onBadLine: opts.onBadLine }) as Observable<RunEvent>;
}
