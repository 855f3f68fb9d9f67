/**
 * Axis arithmetic for the report's charts: "nice" tick values (1, 2, 2.5 or 5 times a power of ten) that cover a
 * data range, a linear map from data to pixels, and short tick labels.
 */

export interface Axis {
  readonly min: number;
  readonly max: number;
  readonly ticks: number[];
}

const STEPS = [1, 2, 2.5, 5, 10];

/** About `count` ticks at a nice spacing, from a multiple at or below `lo` to one at or above `hi`. */
export function niceAxis(lo: number, hi: number, count = 5): Axis {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { min: 0, max: 1, ticks: [0, 0.5, 1] };
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    // One value: a range around it, so the line sits in the middle of the plot.
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = STEPS.find((s) => s * mag >= raw)! * mag;
  const min = Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; min + i * step <= max + step * 1e-9; i++) ticks.push(roundTo(min + i * step, step));
  return { min, max, ticks };
}

/** Removes the float dust of repeated additions (0.30000000000000004 → 0.3) at the tick spacing's precision. */
function roundTo(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(v.toFixed(Math.min(20, digits)));
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A tick label: at most 4 significant digits, exponents for very large or small values, no "-0". */
export function formatTick(v: number): string {
  if (v === 0 || Object.is(v, -0)) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}
