/** Where work's words for people go: lines for a log, and progress bars on a stream. */

/** A stream progress is drawn on: a terminal (`isTTY`) is redrawn in place; a log or CI gets a line per tenth of the work. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

/** Where a job's words for people go. */
export interface JobOutput {
  /** Lines for people (the backend chosen, a resume, a reset); default: none. */
  readonly log?: (line: string) => void;
  /** Where progress bars are drawn (a terminal or a log stream); default: none. */
  readonly progress?: ProgressStream;
}

export const noLog = (): void => undefined;
