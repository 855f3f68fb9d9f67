/**
 * A timeline as an SVG string: one lane per actor with the spans it was busy (opacity: the share of the span
 * spent working), and marks for what happened (errors, restarts, resets, resumes) on a lane of their own. Time
 * runs from the run's first event; the unit follows the length (seconds, minutes, hours).
 */
import { esc, px } from '../html/escape.js';
import { formatTick, linear, niceAxis } from './scale.js';

export interface Span {
  /** Epoch milliseconds. */
  readonly from: number;
  readonly to: number;
  /** 0..1: how much of the span was work. */
  readonly fill: number;
  readonly title: string;
}

export interface Lane {
  readonly label: string;
  readonly spans: readonly Span[];
}

export type MarkKind = 'error' | 'restart' | 'reset' | 'resume' | 'stop';

export interface Mark {
  readonly t: number;
  readonly kind: MarkKind;
  readonly title: string;
}

export interface TimelineSpec {
  readonly start: number;
  readonly end: number;
  readonly lanes: readonly Lane[];
  readonly marks: readonly Mark[];
  readonly width?: number;
}

const LABEL_W = 110;
const LANE_H = 20;
const TOP = 8;

/** The unit that keeps a duration of `seconds` readable. */
export function timeUnit(seconds: number): { name: string; seconds: number } {
  if (seconds <= 600) return { name: 's', seconds: 1 };
  if (seconds <= 36_000) return { name: 'min', seconds: 60 };
  return { name: 'h', seconds: 3600 };
}

export function timeline(spec: TimelineSpec): string {
  const width = spec.width ?? 900;
  const rows = [...spec.lanes.map((l) => l.label), 'events'];
  const height = TOP + rows.length * LANE_H + 36;
  const total = Math.max(1e-3, (spec.end - spec.start) / 1000);
  const unit = timeUnit(total);
  const axis = niceAxis(0, total / unit.seconds, 8);
  const x = linear(axis.min * unit.seconds * 1000 + spec.start, axis.max * unit.seconds * 1000 + spec.start, LABEL_W, width - 10);
  const laneY = (i: number) => TOP + i * LANE_H;
  const parts = [`<svg class="timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="actor timeline"><title>actor timeline</title>`];
  rows.forEach((label, i) => {
    parts.push(`<rect class="lane ${i % 2 ? 'odd' : 'even'}" x="${LABEL_W}" y="${laneY(i)}" width="${width - 10 - LABEL_W}" height="${LANE_H}"/>`);
    parts.push(`<text class="lane-label" x="${LABEL_W - 6}" y="${laneY(i) + 14}" text-anchor="end">${esc(label)}</text>`);
  });
  spec.lanes.forEach((lane, i) => {
    for (const s of lane.spans) {
      const x0 = x(s.from);
      const w = Math.max(1, x(s.to) - x0);
      parts.push(`<rect class="busy" x="${px(x0)}" y="${laneY(i) + 3}" width="${px(w)}" height="${LANE_H - 6}" fill-opacity="${px(0.25 + 0.75 * Math.min(1, Math.max(0, s.fill)))}"><title>${esc(s.title)}</title></rect>`);
    }
  });
  const ey = laneY(spec.lanes.length) + LANE_H / 2;
  for (const m of spec.marks) {
    const mx = x(m.t);
    parts.push(`<line class="mark-line ${m.kind}" x1="${px(mx)}" x2="${px(mx)}" y1="${TOP}" y2="${ey}"/>`);
    parts.push(`<circle class="mark ${m.kind}" cx="${px(mx)}" cy="${px(ey)}" r="4.5"><title>${esc(m.title)}</title></circle>`);
  }
  const base = TOP + rows.length * LANE_H;
  for (const t of axis.ticks) {
    const tx = x(spec.start + t * unit.seconds * 1000);
    parts.push(`<line class="axis" x1="${px(tx)}" x2="${px(tx)}" y1="${base}" y2="${base + 4}"/><text class="tick" x="${px(tx)}" y="${base + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  parts.push(`<text class="axis-label" x="${(LABEL_W + width) / 2}" y="${height - 4}" text-anchor="middle">time since the run began (${unit.name})</text></svg>`);
  return parts.join('');
}
