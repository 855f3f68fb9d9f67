/**
 * A progress line on a stream (stderr): bar, percentage, count, rate, ETA and a caller's suffix
 * (losses, bytes). On a terminal it redraws in place at most every `intervalMs`; elsewhere (logs, CI) it
 * writes one line per 10 %, so logs stay short.
 */
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

export class ProgressBar {
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly start: number;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
    private readonly total: number,
    private readonly unit = 'it',
    private readonly intervalMs = 250,
    /** Work already done before this bar started (a resumed run): excluded from the rate. */
    private readonly startDone = 0,
    private readonly now: () => number = Date.now,
  ) {
    this.start = this.now();
  }

  line(done: number, suffix = ''): string {
    const secs = (this.now() - this.start) / 1000;
    const rate = secs > 0 ? (done - this.startDone) / secs : 0;
    const eta = rate > 0 ? (this.total - done) / rate : Number.NaN;
    return `${this.label} ${formatBar(done, this.total)}  ${done}/${this.total}  ${rate.toFixed(2)} ${this.unit}/s  ETA ${formatDuration(eta)}${suffix ? `  ${suffix}` : ''}`;
  }

  update(done: number, suffix = ''): void {
    const t = this.now();
    if (this.out.isTTY) {
      if (t - this.lastDraw < this.intervalMs) return;
      this.lastDraw = t;
      this.out.write(`\r${this.line(done, suffix)}\x1b[K`);
      return;
    }
    const decile = Math.floor((10 * done) / Math.max(1, this.total));
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    this.out.write(`${this.line(done, suffix)}\n`);
  }

  finish(done: number, suffix = ''): void {
    this.out.write(`${this.out.isTTY ? '\r' : ''}${this.line(done, suffix)}${this.out.isTTY ? '\x1b[K' : ''}\n`);
  }
}
