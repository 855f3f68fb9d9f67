/**
 * Reading events.jsonl: complete lines parse to events; a last line without its newline is torn (the writer
 * was killed mid-write) and skipped, never an error. Shared by the writer (to continue `seq` on resume)
 * and by `tail`.
 */
import type { LogEvent } from './events.js';

function isEvent(v: unknown): v is LogEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return Number.isInteger(e.seq) && typeof e.time === 'string' && typeof e.source === 'string' && typeof e.type === 'string' && 'payload' in e;
}

function jsonOrNull(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

export interface ParsedChunk {
  readonly events: LogEvent[];
  /** Complete lines that are not events (reported, not fatal). */
  readonly bad: string[];
  /** Their line numbers in `text`, from 1. */
  readonly badLines: number[];
}

/** Parses the complete lines of `text`; what follows the last newline (a line still being written) is left out. */
export function parseEventLines(text: string): ParsedChunk {
  const end = text.lastIndexOf('\n');
  const complete = end < 0 ? '' : text.slice(0, end);
  const events: LogEvent[] = [];
  const bad: string[] = [];
  const badLines: number[] = [];
  complete.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const v = jsonOrNull(line);
    if (isEvent(v)) events.push(v);
    else {
      bad.push(line);
      badLines.push(i + 1);
    }
  });
  return { events, bad, badLines };
}
