/**
 * Scores as the commands print them: a generator's IS and FID beside the held-out real images' own, and the share of
 * each class among its samples, so that a reader can tell what the numbers mean without looking them up.
 */
import { UNDER_DRAWN_SHARE } from '../metrics/class-coverage.js';
import type { HeldOutFigures } from '../metrics/held-out-figures.js';
import type { InceptionScore } from '../metrics/inception-score.js';

const pct = (share: number) => `${(100 * share).toFixed(1)}%`;

/** "IS 4.350 ± 0.120, FID 325.012" */
export function isFidText(is: InceptionScore | null, fid: number | null): string {
  return `IS ${is ? `${is.mean.toFixed(3)} ± ${is.std.toFixed(3)}` : 'n/a'}, FID ${fid?.toFixed(3) ?? 'n/a'}`;
}

/** "held-out real digits (2000): IS 9.203, FID 3.050", with the metrics that were measured. */
export function heldOutText(h: HeldOutFigures): string {
  const figures = [h.is && `IS ${h.is.mean.toFixed(3)}`, h.fid !== null && `FID ${h.fid.toFixed(3)}`].filter((x) => x);
  return `held-out real digits (${h.n}): ${figures.join(', ')}`;
}

/** "IS 4.350 ± 0.120, FID 325.012<detail>; held-out real digits (2000): IS 9.203, FID 3.050" (without the held-out part where there are none). */
export function scoresBesideReal(s: { is: InceptionScore | null; fid: number | null; heldOut?: HeldOutFigures | null }, detail = ''): string {
  return `${isFidText(s.is, s.fid)}${detail}${s.heldOut ? `; ${heldOutText(s.heldOut)}` : ''}`;
}

/** "classes drawn: 0 26.0%  1 5.1%  … 9 2.6%; under 5%: 9; held-out real digits 9.1–11.2% each" */
export function classesText(shares: readonly number[], heldOut: HeldOutFigures | null | undefined): string {
  const under = shares.flatMap((s, c) => (s < UNDER_DRAWN_SHARE ? [c] : []));
  const real = heldOut ? `; held-out real digits ${(100 * Math.min(...heldOut.shares)).toFixed(1)}–${pct(Math.max(...heldOut.shares))} each` : '';
  return `classes drawn: ${shares.map((s, c) => `${c} ${pct(s)}`).join('  ')}; under ${pct(UNDER_DRAWN_SHARE)}: ${under.length ? under.join(', ') : 'none'}${real}`;
}
