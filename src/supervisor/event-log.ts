/**
 * The run's event log, `events.jsonl`: one JSON object per line, `{seq, time, source, type, payload}`,
 * appended by one writer (the supervisor, in the main thread) with synchronous writes, so an event is in
 * the file, in order, before `emit` returns, and a reader can follow the file while the run writes it.
 * Opening an existing log continues its `seq` and cuts a torn last line (left by a kill mid-write) away;
 * complete lines that are not events (a damaged file) are kept as they are and their numbers reported.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { writeError } from '../util/write-error.js';
import { realClock, type Clock } from './clock.js';
import { parseEventLines } from './event-file.js';
import type { EventSink } from './events.js';

export class EventLog implements EventSink {
  private fd: number | null;
  private seq: number;

  private constructor(
    readonly path: string,
    fd: number,
    lastSeq: number,
    /** The file's length: this log is its one writer, so it is known without asking the file system. */
    private size: number,
    /** Lines of the file as opened that are not events, numbered from 1. */
    readonly damagedLines: number[],
    /** Events of each type the file held as opened: what earlier processes of a resumed run wrote. */
    private readonly openedTypes: ReadonlyMap<string, number>,
    private readonly clock: Clock,
  ) {
    this.fd = fd;
    this.seq = lastSeq;
  }

  /** Opens (or creates) the log at `path` for appending. */
  static open(path: string, clock: Clock = realClock): EventLog {
    let lastSeq = 0;
    let size = 0;
    let damagedLines: number[] = [];
    const openedTypes = new Map<string, number>();
    if (existsSync(path)) {
      const bytes = readFileSync(path);
      // Cut in bytes, not characters: a damaged line may hold invalid UTF-8, whose decoding changes its length.
      const end = bytes.lastIndexOf(0x0a) + 1;
      if (end < bytes.length) truncateSync(path, end);
      const { events, badLines } = parseEventLines(bytes.toString('utf8', 0, end));
      lastSeq = events.length > 0 ? events[events.length - 1]!.seq : 0;
      damagedLines = badLines;
      size = end;
      for (const e of events) openedTypes.set(e.type, (openedTypes.get(e.type) ?? 0) + 1);
    }
    return new EventLog(path, openSync(path, 'a'), lastSeq, size, damagedLines, openedTypes, clock);
  }

  /** How many events of `type` the file held when it was opened. */
  openedCount(type: string): number {
    return this.openedTypes.get(type) ?? 0;
  }

  get lastSeq(): number {
    return this.seq;
  }

  emit(source: string, type: string, payload: unknown): void {
    if (this.fd === null) throw new Error(`${this.path}: event log is closed (event ${type} from ${source})`);
    this.seq += 1;
    const line = JSON.stringify({ seq: this.seq, time: new Date(this.clock.now()).toISOString(), source, type, payload }) + '\n';
    const bytes = Buffer.from(line);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (e) {
      // A full disk can take half a line: cut it, so the log stays whole lines for readers and for a resume.
      this.seq -= 1;
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // the reader and the next open skip a torn last line anyway
      }
      throw writeError(this.path, e);
    }
    this.size += bytes.length;
  }

  /** Flushes to disk and closes; later emits are errors. */
  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}
