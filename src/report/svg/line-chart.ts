/**
 * A line chart as an SVG string: several series over a shared x axis, gaps where a value is not finite
 * (NaN losses of a collapsed GAN), vertical markers (resets, resumes) and shaded x ranges (search stages).
 * Colours come from CSS classes (s0, s1, …) so the page's light and dark themes and print styles apply.
 */
import { esc, px } from '../html/escape.js';
import { formatTick, linear, niceAxis } from './scale.js';

export type Point = readonly [number, number];

export interface Series {
  readonly label: string;
  readonly points: readonly Point[];
  readonly dashed?: boolean;
}

export interface Marker {
  readonly x: number;
  readonly label: string;
}

export interface Band {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

export interface LineChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly series: readonly Series[];
  readonly markers?: readonly Marker[];
  /** What the markers are, for the legend ("reset"). */
  readonly markerLegend?: string;
  readonly bands?: readonly Band[];
  readonly width?: number;
  readonly height?: number;
}

const M = { left: 56, right: 14, top: 26, bottom: 38 };
/** Series with at most this many points also get a dot per point, so single values and sparse curves show. */
const DOTS_UP_TO = 60;

/** The path of a series: a new subpath after every non-finite value. */
export function seriesPath(points: readonly Point[], x: (v: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (const [a, b] of points) {
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${px(x(a))},${px(y(b))}`;
    pen = true;
  }
  return d;
}

export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 540;
  const height = spec.height ?? 220;
  const finite = spec.series.flatMap((s) => s.points).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const head = `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(spec.title)}"><title>${esc(spec.title)}</title>`;
  if (finite.length === 0) {
    return `${head}<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no data yet</text></svg>`;
  }
  const xs = [...finite.map((p) => p[0]), ...(spec.markers ?? []).map((m) => m.x)];
  const xAxis = niceAxis(Math.min(...xs), Math.max(...xs), 6);
  const yAxis = niceAxis(Math.min(...finite.map((p) => p[1])), Math.max(...finite.map((p) => p[1])), 4);
  const x = linear(xAxis.min, xAxis.max, M.left, width - M.right);
  const y = linear(yAxis.min, yAxis.max, height - M.bottom, M.top);
  const parts: string[] = [head];
  (spec.bands ?? []).forEach((b, i) => {
    const x0 = Math.max(M.left, x(b.from));
    const x1 = Math.min(width - M.right, x(b.to));
    if (x1 <= x0) return;
    parts.push(`<rect class="band b${i % 2}" x="${px(x0)}" y="${M.top}" width="${px(x1 - x0)}" height="${px(height - M.top - M.bottom)}"/>`);
    parts.push(`<text class="band-label" x="${px(x0 + 3)}" y="${M.top + 11}">${esc(b.label)}</text>`);
  });
  for (const t of yAxis.ticks) {
    parts.push(`<line class="grid" x1="${M.left}" x2="${width - M.right}" y1="${px(y(t))}" y2="${px(y(t))}"/>`);
    parts.push(`<text class="tick" x="${M.left - 5}" y="${px(y(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  for (const t of xAxis.ticks) parts.push(`<text class="tick" x="${px(x(t))}" y="${height - M.bottom + 15}" text-anchor="middle">${formatTick(t)}</text>`);
  parts.push(`<line class="axis" x1="${M.left}" x2="${width - M.right}" y1="${height - M.bottom}" y2="${height - M.bottom}"/>`);
  parts.push(`<line class="axis" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${height - M.bottom}"/>`);
  parts.push(`<text class="axis-label" x="${(M.left + width - M.right) / 2}" y="${height - 6}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  for (const m of spec.markers ?? []) {
    parts.push(`<line class="marker" x1="${px(x(m.x))}" x2="${px(x(m.x))}" y1="${M.top}" y2="${height - M.bottom}"><title>${esc(m.label)}</title></line>`);
  }
  spec.series.forEach((s, i) => {
    const d = seriesPath(s.points, x, y);
    if (d) parts.push(`<path class="line s${i}${s.dashed ? ' dashed' : ''}" d="${d}"><title>${esc(s.label)}</title></path>`);
    if (s.points.length <= DOTS_UP_TO) {
      for (const [a, b] of s.points) {
        if (Number.isFinite(a) && Number.isFinite(b)) parts.push(`<circle class="dot s${i}" cx="${px(x(a))}" cy="${px(y(b))}" r="2.5"><title>${esc(`${s.label} ${formatTick(a)}: ${formatTick(b)}`)}</title></circle>`);
      }
    }
  });
  let lx = M.left;
  spec.series.forEach((s, i) => {
    parts.push(`<rect class="swatch s${i}" x="${lx}" y="8" width="12" height="4"/><text class="legend" x="${lx + 16}" y="14">${esc(s.label)}</text>`);
    lx += 26 + 6.5 * s.label.length;
  });
  if ((spec.markers ?? []).length > 0 && spec.markerLegend) {
    parts.push(`<line class="marker" x1="${lx}" x2="${lx + 12}" y1="10" y2="10"/><text class="legend" x="${lx + 16}" y="14">${esc(spec.markerLegend)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
