/**
 * events.jsonl as an RxJS stream, for `tail`: every complete event in order, then (with `follow`) new
 * ones as the run appends them, read by polling the file's size. A torn last line waits until its newline
 * arrives; the stream ends when the subscriber unsubscribes (Ctrl-C in `tail --follow`).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { Observable } from 'rxjs';
import { fileError } from '../errors.js';
import { parseEventLines } from './event-file.js';
import type { LogEvent } from './events.js';

export interface EventStreamOptions {
  readonly follow: boolean;
  readonly pollMs?: number;
  /** Called for complete lines that are not events. */
  readonly onBadLine?: (line: string) => void;
}

export function eventStream(path: string, opts: EventStreamOptions): Observable<LogEvent> {
  return new Observable<LogEvent>((sub) => {
    if (!existsSync(path)) {
      sub.error(fileError(path, 'no event log here (is this a run directory?)'));
      return;
    }
    let offset = 0;
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
    return () => {
      closed = true;
      if (timer) clearTimeout(timer);
    };
  });
}
