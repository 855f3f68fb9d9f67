/**
 * A table of shares as an SVG heat map: a row per evaluation (or per reference), a column per class, each cell
 * shaded by its value and labelled with it in percent. Cells below a threshold (an under-drawn class) are outlined,
 * so a class that a generator drops shows as a red column down the rows.
 */
import { esc, px } from '../html/escape.js';

export interface HeatRow {
  readonly label: string;
  /** Shares in [0, 1]; null: not measured (drawn as a dash). */
  readonly values: readonly (number | null)[];
  /** A reference row (the held-out real images), set apart from the measured rows above it. */
  readonly reference?: boolean;
}

export interface HeatmapSpec {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly HeatRow[];
  /** The value shaded fullest (default: the largest value shown, so that small differences still show). */
  readonly max?: number;
  /** Cells below this are outlined (default none). */
  readonly low?: number;
  /** What an outlined cell means, for the legend. */
  readonly lowLegend?: string;
}

const M = { left: 92, right: 8, top: 44, bottom: 8 };
const CELL = { w: 44, h: 20 };
/** Gap above the first reference row. */
const GAP = 6;

export function heatmap(spec: HeatmapSpec): string {
  const width = M.left + spec.columns.length * CELL.w + M.right;
  const gaps = spec.rows.some((r) => r.reference) && spec.rows.some((r) => !r.reference) ? GAP : 0;
  const height = M.top + spec.rows.length * CELL.h + gaps + M.bottom;
  const head = `<svg class="heatmap" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(spec.title)}"><title>${esc(spec.title)}</title>`;
  const shown = spec.rows.flatMap((r) => r.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const max = spec.max ?? Math.max(1e-9, ...shown);
  const parts: string[] = [head, `<text class="col-title" x="${M.left}" y="14">${esc(spec.title)}</text>`];
  spec.columns.forEach((c, j) => parts.push(`<text class="tick" x="${px(M.left + (j + 0.5) * CELL.w)}" y="${M.top - 6}" text-anchor="middle">${esc(c)}</text>`));
  if (spec.low !== undefined && spec.lowLegend) {
    const x = width - M.right - 16 - 6.5 * spec.lowLegend.length;
    parts.push(`<rect class="cell-low" x="${px(x)}" y="20" width="12" height="9"/><text class="legend" x="${px(x + 16)}" y="28">${esc(spec.lowLegend)}</text>`);
  }
  let y = M.top;
  spec.rows.forEach((r, i) => {
    if (r.reference && i > 0 && !spec.rows[i - 1]!.reference) y += GAP;
    parts.push(`<text class="tick${r.reference ? ' reference' : ''}" x="${M.left - 6}" y="${px(y + CELL.h / 2 + 4)}" text-anchor="end">${esc(r.label)}</text>`);
    r.values.forEach((v, j) => {
      const x = M.left + j * CELL.w;
      const text = v === null ? '—' : `${(100 * v).toFixed(v < 0.1 ? 1 : 0)}%`;
      const opacity = v === null || !Number.isFinite(v) ? 0 : Math.min(1, Math.max(0, v / max)) * 0.6;
      const low = v !== null && spec.low !== undefined && v < spec.low;
      parts.push(`<g class="cell"><title>${esc(`${r.label}, ${spec.columns[j]}: ${text}`)}</title>` +
        `<rect class="heat${r.reference ? ' reference' : ''}" x="${px(x + 1)}" y="${px(y + 1)}" width="${CELL.w - 2}" height="${CELL.h - 2}" fill-opacity="${opacity.toFixed(3)}"/>` +
        (low ? `<rect class="cell-low" x="${px(x + 1.5)}" y="${px(y + 1.5)}" width="${CELL.w - 3}" height="${CELL.h - 3}"/>` : '') +
        `<text class="value" x="${px(x + CELL.w / 2)}" y="${px(y + CELL.h / 2 + 4)}" text-anchor="middle">${text}</text></g>`);
    });
    y += CELL.h;
  });
  parts.push('</svg>');
  return parts.join('');
}
