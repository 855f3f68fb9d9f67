/**
 * events.jsonl as an RxJS stream, for `tail` and a running search's events: every complete event in order,
 * then (with `follow`) new ones as the run appends them, read by polling the file's size. A torn last line
 * waits until its newline arrives; the stream ends when the subscriber unsubscribes (Ctrl-C in
 * `tail --follow`), or once `until` settles and the events written by then are read.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { Observable } from 'rxjs';
import { fileError } from '../errors.js';
import type { LogEvent } from '../protocol/events.js';
import { parseEventLines } from './event-file.js';

export interface EventStreamOptions {
  readonly follow: boolean;
  readonly pollMs?: number;
  /** Called for complete lines that are not events. */
  readonly onBadLine?: (line: string) => void;
  /** Byte offset of the first line to read (a line's start, e.g. `completeLength` before a run appends). */
  readonly startAt?: number;
  /** With `follow`: the writer's end (a job's result, fulfilled or not), after which the stream completes. */
  readonly until?: PromiseLike<unknown>;
}

/** The length of `path`'s complete lines: where the next event appended will start (0 when there is no file). */
export function completeLength(path: string): number {
  return existsSync(path) ? readFileSync(path).lastIndexOf(0x0a) + 1 : 0;
}

export function eventStream(path: string, opts: EventStreamOptions): Observable<LogEvent> {
  return new Observable<LogEvent>((sub) => {
    if (!existsSync(path)) {
      sub.error(fileError(path, 'no event log here (is this a run directory?)'));
      return;
    }
    let offset = opts.startAt ?? 0;
    let timer: NodeJS.Timeout | null = null;
    let closed = false;
    const readNew = () => {
      const size = statSync(path).size;
      if (size < offset) offset = 0; // truncated (a torn line cut on resume): read again
      if (size === offset) return;
      const buf = Buffer.alloc(size - offset);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buf, 0, buf.length, offset);
      } finally {
        closeSync(fd);
      }
      // Whole lines only, cut in bytes: a line still being written may end inside a multi-byte character, and
      // is read again, whole, once its newline is there.
      const end = buf.lastIndexOf(0x0a) + 1;
      offset += end;
      const chunk = parseEventLines(buf.toString('utf8', 0, end));
      for (const line of chunk.bad) opts.onBadLine?.(line);
      for (const e of chunk.events) sub.next(e);
    };
    try {
      readNew();
    } catch (e) {
      sub.error(e);
      return;
    }
    if (!opts.follow) {
      sub.complete();
      return;
    }
    const tick = () => {
      try {
        readNew();
      } catch (e) {
        return sub.error(e);
      }
      // The events just emitted may have ended the subscription (take(n)): then no further poll.
      if (!closed) timer = setTimeout(tick, opts.pollMs ?? 250);
    };
    timer = setTimeout(tick, opts.pollMs ?? 250);
    const last = () => {
      if (closed) return;
      if (timer) clearTimeout(timer);
      try {
        readNew();
      } catch (e) {
        return sub.error(e);
      }
      sub.complete();
    };
    opts.until?.then(last, last);
    return () => {
      closed = true;
      if (timer) clearTimeout(timer);
    };
  });
}
