/** How far a transfer has got. */
export interface TransferProgress {
  /** Bytes of the whole file present so far, including a resumed part. */
  bytes: number;
  /** Size of the whole file, when the server said. */
  total: number | null;
  /** Bytes per second received in this session. */
  rate: number;
}

/** One line: a bar, the percentage, bytes done of total and the rate, e.g. "[#####-----]  50.0%  85.0/170.0 MB  4.2 MB/s". */
export function formatProgress(p: TransferProgress, width = 30): string {
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const rate = `${mb(p.rate)} MB/s`;
  if (p.total === null || p.total <= 0) return `${mb(p.bytes)} MB  ${rate}`;
  const frac = Math.min(1, p.bytes / p.total);
  const filled = Math.round(frac * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)}%  ${mb(p.bytes)}/${mb(p.total)} MB  ${rate}`;
}

/**
 * Draws progress on a stream (stderr): redrawn in place at most every `intervalMs` on a terminal,
 * one line per 10% otherwise (logs stay short).
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastDecile = -1;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly label: string,
    private readonly intervalMs = 200,
  ) {}

  update(p: TransferProgress, now = Date.now()): void {
    if (this.out.isTTY) {
      if (now - this.lastDraw < this.intervalMs) return;
      this.lastDraw = now;
      this.out.write(`\r${this.label} ${formatProgress(p)}\x1b[K`);
    } else if (p.total) {
      const decile = Math.floor((10 * p.bytes) / p.total);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      this.out.write(`${this.label} ${formatProgress(p)}\n`);
    }
  }

  done(p: TransferProgress): void {
    this.out.write(`${this.out.isTTY ? '\r' : ''}${this.label} ${formatProgress(p)}${this.out.isTTY ? '\x1b[K' : ''}\n`);
  }
}
