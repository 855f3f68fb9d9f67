import { StatusLine, formatBar } from '../util/progress-bar.js';
import type { ProgressStream } from '../util/output.js';

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
  return `${formatBar(p.bytes, p.total, width)}  ${mb(p.bytes)}/${mb(p.total)} MB  ${rate}`;
}

/** A transfer's progress on a stream (stderr), labelled with the file's name. */
export class TransferBar {
  private readonly status: StatusLine;

  constructor(out: ProgressStream, private readonly label: string, intervalMs = 200) {
    this.status = new StatusLine(out, intervalMs);
  }

  update(p: TransferProgress): void {
    this.status.draw(`${this.label} ${formatProgress(p)}`, p.total ? p.bytes / p.total : null);
  }

  done(p: TransferProgress): void {
    this.status.finish(`${this.label} ${formatProgress(p)}`);
  }
}
