/** Progress lines on a stream (stderr), for counted work and for transfers. */
import type { ProgressStream } from './output.js';

/** A duration for people: 42s, 3m05s, 2h10m; "?" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatBar(done: number, total: number, width = 24): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(frac * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)}%`;
}

/**
 * A status line that changes as work goes on: on a terminal it is redrawn in place at most every `intervalMs`;
 * elsewhere (logs, CI) it is written once per tenth of the work, so logs stay short.
 */
export class StatusLine {
  private lastDraw = 0;
  private lastDecile = -1;

  constructor(
    private readonly out: ProgressStream,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `fraction` of the work done; null when the total is unknown, which only a terminal shows. */
  draw(text: string, fraction: number | null): void {
    if (this.out.isTTY) {
      const t = this.now();
      if (t - this.lastDraw < this.intervalMs) return;
      this.lastDraw = t;
      this.out.write(`\r${text}\x1b[K`);
      return;
    }
    if (fraction === null) return;
    const decile = Math.floor(10 * fraction);
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    this.out.write(`${text}\n`);
  }

  finish(text: string): void {
    this.out.write(`${this.out.isTTY ? '\r' : ''}${text}${this.out.isTTY ? '\x1b[K' : ''}\n`);
  }
}

/** Progress of counted work: bar, percentage, count, rate, ETA and a caller's suffix (losses, a best score). */
export class ProgressBar {
  private readonly status: StatusLine;
  private readonly start: number;

  constructor(
    out: ProgressStream,
    private readonly label: string,
    private readonly total: number,
    private readonly unit = 'it',
    intervalMs = 250,
    /** Work already done before this bar started (a resumed run): excluded from the rate. */
    private readonly startDone = 0,
    private readonly now: () => number = Date.now,
  ) {
    this.status = new StatusLine(out, intervalMs, now);
    this.start = this.now();
  }

  line(done: number, suffix = ''): string {
    const secs = (this.now() - this.start) / 1000;
    const rate = secs > 0 ? (done - this.startDone) / secs : 0;
    const eta = rate > 0 ? (this.total - done) / rate : Number.NaN;
    return `${this.label} ${formatBar(done, this.total)}  ${done}/${this.total}  ${rate.toFixed(2)} ${this.unit}/s  ETA ${formatDuration(eta)}${suffix ? `  ${suffix}` : ''}`;
  }

  update(done: number, suffix = ''): void {
    this.status.draw(this.line(done, suffix), done / Math.max(1, this.total));
  }

  finish(done: number, suffix = ''): void {
    this.status.finish(this.line(done, suffix));
  }
}
