/**
 * Reading events.jsonl: complete lines parse to events; a last line without its newline is torn (the writer
 * was killed mid-write) and skipped, never an error. Shared by the writer (to continue `seq` on resume)
 * and by `tail`.
 */
import { logEvent, type LogEvent } from '../protocol/events.js';
import { FieldError } from '../errors.js';

/** The event on `line`, or null when the line is not one (not JSON, or not an event's fields). */
function eventOrNull(line: string): LogEvent | null {
  try {
    return logEvent.parse(JSON.parse(line), 'event');
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof FieldError) return null;
    throw e;
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
    const event = eventOrNull(line);
    if (event) events.push(event);
    else {
      bad.push(line);
      badLines.push(i + 1);
    }
  });
  return { events, bad, badLines };
}
