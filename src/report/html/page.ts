/**
 * The page around a report: one HTML file with its styles inline and no script, readable offline in any
 * current browser, in the reader's light or dark scheme (prefers-color-scheme), and printable (print styles
 * drop the backgrounds and keep figures whole across page breaks).
 */
import type { Problem } from '../read-files.js';
import { esc } from './escape.js';
import { when } from './format.js';

const CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1d2330; --muted: #5b6475; --line: #d5d9e2; --panel: #f5f7fa;
  --band0: #eef2f8; --band1: #f8f9fb; --c0: #1f6feb; --c1: #d1495b; --c2: #2a9d5c; --c3: #b7791f; --c4: #7b4fd6; --c5: #0f8b8d;
  --ok: #2a9d5c; --warn: #b7791f; --bad: #c53030; --node: #ffffff; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #12151b; --fg: #e3e7ee; --muted: #9aa3b2; --line: #353c4a; --panel: #1a1f27; --band0: #1c2230; --band1: #161b24;
    --c0: #58a6ff; --c1: #ff7b72; --c2: #56d364; --c3: #e3b341; --c4: #b392f0; --c5: #39c5cf; --node: #1f2530; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 20px 24px 48px; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.sub, .note { color: var(--muted); } .note { font-size: 12.5px; }
code, .tokens { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.tokens { font-size: 14px; font-weight: 600; white-space: pre; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; color: #fff; background: var(--muted); }
.status.finished { background: var(--ok); } .status.in-progress { background: var(--c0); }
.status.failed { background: var(--bad); } .status.interrupted, .status.stopped { background: var(--warn); }
.problems { border: 1px solid var(--bad); border-radius: 6px; padding: 6px 12px; background: var(--panel); }
.problems li { margin: 2px 0; }
figure { margin: 8px 0 14px; break-inside: avoid; } .row > figure { flex: 0 1 540px; } figcaption { color: var(--muted); font-size: 12.5px; }
.row { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: var(--panel); break-inside: avoid; margin: 8px 0; max-width: 100%; overflow-x: auto; }
.card ul { margin: 4px 0; padding-left: 18px; } .arch-card { flex: 1 1 440px; max-width: 560px; }
img.grid { image-rendering: pixelated; border: 1px solid var(--line); background: #fff; }
img.thumb { width: 112px; height: auto; } img.large { width: 340px; height: auto; }
.strip { display: flex; flex-wrap: wrap; gap: 8px; } .strip figure { margin: 0; text-align: center; }
svg { max-width: 100%; height: auto; font-size: 11px; } svg.arch { font-size: 10px; }
svg text { fill: var(--fg); } svg .tick, svg .band-label, svg .axis-label, svg .col-title { fill: var(--muted); }
svg .col-title { font-weight: 600; font-size: 12px; } svg .empty { fill: var(--muted); font-size: 14px; }
svg .grid { stroke: var(--line); stroke-width: 1; } svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .band.b0 { fill: var(--band0); } svg .band.b1 { fill: var(--band1); }
svg .line { fill: none; stroke-width: 2; } svg .dashed { stroke-dasharray: 5 3; }
svg .marker { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 3 3; }
.s0 { stroke: var(--c0); fill: var(--c0); } .s1 { stroke: var(--c1); fill: var(--c1); } .s2 { stroke: var(--c2); fill: var(--c2); }
.s3 { stroke: var(--c3); fill: var(--c3); } .s4 { stroke: var(--c4); fill: var(--c4); } .s5 { stroke: var(--c5); fill: var(--c5); }
svg path.line { fill: none; }
svg .heat { fill: var(--c0); } svg .heat.reference { fill: var(--c2); } svg .value { font-size: 10.5px; }
svg .cell-low { fill: none; stroke: var(--bad); stroke-width: 1.5; } svg .tick.reference { font-style: italic; }
svg .node rect { fill: var(--node); stroke: var(--muted); stroke-width: 1; }
svg .node.norm rect { stroke: var(--c4); } svg .node.act rect { stroke: var(--c2); } svg .node.up rect { stroke: var(--c3); stroke-width: 1.6; }
svg .node.conv rect { stroke: var(--c0); stroke-width: 1.6; } svg .node.add rect { stroke: var(--fg); rx: 11; }
svg .node.io rect { fill: var(--panel); } svg .node.shortcut rect { stroke: var(--c1); }
svg .edge { fill: none; stroke: var(--muted); stroke-width: 1.3; } svg .edge.skip { stroke: var(--c5); stroke-dasharray: 5 3; stroke-width: 1.6; }
svg .edge.shortcut { stroke: var(--c1); stroke-width: 1.6; } svg .arrowhead { fill: var(--muted); }
svg .lane.even { fill: var(--band0); } svg .lane.odd { fill: var(--band1); } svg .busy { fill: var(--c0); }
svg .mark-line { stroke-width: 1; stroke-dasharray: 2 3; } svg .mark { stroke: var(--bg); stroke-width: 1; }
svg .error { fill: var(--bad); stroke: var(--bad); } svg .restart { fill: var(--warn); stroke: var(--warn); }
svg .reset { fill: var(--c4); stroke: var(--c4); } svg .resume { fill: var(--ok); stroke: var(--ok); } svg .stop { fill: var(--muted); stroke: var(--muted); }
details > summary { cursor: pointer; color: var(--muted); } pre { overflow-x: auto; font-size: 12px; background: var(--panel); padding: 8px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  :root { --bg: #fff; --fg: #000; --panel: #fff; --band0: #f2f2f2; --band1: #fff; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; } .card, figure, table { break-inside: avoid; }
  details > *:not(summary) { display: block; }
}
`;

export interface PageParts {
  readonly title: string;
  readonly subtitle: string;
  readonly state: string;
  readonly problems: readonly Problem[];
  readonly body: string;
  readonly generated: number;
}

export function page(p: PageParts): string {
  const problems = p.problems.length === 0 ? '' :
    `<section class="problems" id="problems"><h3>What is missing or damaged (${p.problems.length})</h3><ul>${p.problems
      .map((x) => `<li><code>${esc(x.where)}</code>: ${esc(x.what)}</li>`).join('')}</ul></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${esc(p.title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(p.title)} <span class="status ${esc(p.state.replace(/ /g, '-'))}">${esc(p.state)}</span></h1>
<div class="sub">${esc(p.subtitle)} · report written ${esc(when(p.generated))}; reload to see newer checkpoints</div></header>
${problems}
${p.body}
<footer>Written by <code>autogan report</code> (src/report) from the run directory's files; rebuild it with <code>autogan report DIR</code>.</footer>
</body></html>
`;
}
