/**
 * When an actor was busy, for the report's timeline: from its first outstanding request to its last answer.
 * Spans closer than `mergeGapMs` are merged, and a span is cut every `maxSpanMs`, so that an actor answering
 * thousands of tiny requests (the Resetter, once per minibatch) writes about one event a minute, not one per
 * request, and an hour-long request shows up while it runs; `busySeconds` keeps how much of a span was work.
 */
import type { Clock } from './clock.js';

export interface BusySpan {
  /** Epoch milliseconds. */
  readonly from: number;
  readonly to: number;
  /** Seconds within [from, to] with at least one request outstanding. */
  readonly busySeconds: number;
  /** Requests begun in the span, by type. */
  readonly requests: Record<string, number>;
}

export interface BusyOptions {
  readonly mergeGapMs: number;
  readonly maxSpanMs: number;
}

export const DEFAULT_BUSY: BusyOptions = { mergeGapMs: 250, maxSpanMs: 60_000 };

interface OpenSpan {
  from: number;
  to: number;
  busyMs: number;
  /** When the current stretch of outstanding requests began. */
  since: number;
  requests: Record<string, number>;
}

export class BusyTracker {
  private outstanding = 0;
  private span: OpenSpan | null = null;
  private cancelClose: (() => void) | null = null;
  private cancelCut: (() => void) | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (span: BusySpan) => void,
    private readonly opts: BusyOptions = DEFAULT_BUSY,
  ) {}

  begin(request: string): void {
    this.cancelClose?.();
    this.cancelClose = null;
    const now = this.clock.now();
    if (!this.span) this.open(now);
    const s = this.span!;
    if (this.outstanding === 0) s.since = now;
    this.outstanding += 1;
    s.requests[request] = (s.requests[request] ?? 0) + 1;
  }

  end(): void {
    if (this.outstanding === 0 || !this.span) return;
    this.outstanding -= 1;
    if (this.outstanding > 0) return;
    const now = this.clock.now();
    this.span.to = now;
    this.span.busyMs += now - this.span.since;
    this.cancelClose = this.clock.setTimeout(() => this.flush(), this.opts.mergeGapMs);
  }

  /** Emits the open span, cut at now when requests are outstanding (the actor stops, or the run ends). */
  flush(): void {
    this.cancelClose?.();
    this.cancelCut?.();
    this.cancelClose = this.cancelCut = null;
    const s = this.span;
    if (!s) return;
    this.span = null;
    this.close(s, this.clock.now());
    this.outstanding = 0;
  }

  private open(now: number): void {
    this.span = { from: now, to: now, busyMs: 0, since: now, requests: {} };
    this.cancelCut = this.clock.setTimeout(() => this.cut(), this.opts.maxSpanMs);
  }

  /** A span reached its longest: emitted, and one goes on from now if requests are still outstanding. */
  private cut(): void {
    this.cancelCut = null;
    const s = this.span;
    if (!s) return;
    if (this.outstanding === 0) return this.flush();
    const now = this.clock.now();
    this.close(s, now);
    this.open(now);
  }

  private close(s: OpenSpan, now: number): void {
    if (this.outstanding > 0) {
      s.to = now;
      s.busyMs += now - s.since;
    }
    this.emit({ from: s.from, to: s.to, busySeconds: s.busyMs / 1000, requests: s.requests });
  }
}
