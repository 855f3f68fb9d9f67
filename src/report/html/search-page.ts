/**
 * The report of a search run: the run itself (command, config, placement, wall time per phase), the search's
 * curves by stage, the sample grid of the best architecture after every iteration, the beam each stage kept,
 * the derived architectures trained from scratch, and a timeline of when each actor was busy and of what went
 * wrong (errors, restarts, resets, resumes).
 */
import { basename } from 'node:path';
import { formatArch } from '../../nn/arch.js';
import type { Problems } from '../read-files.js';
import type { IterationRow, SearchRunData } from '../search-data.js';
import { lineChart, type Band, type Marker } from '../svg/line-chart.js';
import { timeline, type Lane } from '../svg/timeline.js';
import { esc } from './escape.js';
import { duration, num, when } from './format.js';
import { page } from './page.js';
import { archCard, facts, gridFigure, section, spread, table } from './parts.js';
import { trainSections } from './train-sections.js';

const MAX_GRIDS = 24;
/** Best distinct architectures shown for a stage that hands no beam over (the last). */
const TOP_PER_STAGE = 3;

interface Cfg {
  seed?: number;
  data?: { dataset?: string };
  model?: { bottom?: number };
  search?: { strategy?: string; levels?: string; overlap?: boolean; reward?: string; iterations?: number[]; reset?: { enabled?: boolean } };
}

function stageBands(rows: readonly IterationRow[]): Band[] {
  const bands: Band[] = [];
  for (const r of rows) {
    const last = bands[bands.length - 1];
    if (last && last.label === `stage ${r.stage}`) bands[bands.length - 1] = { ...last, to: r.iteration + 0.5 };
    else bands.push({ from: r.iteration - 0.5, to: r.iteration + 0.5, label: `stage ${r.stage}` });
  }
  return bands;
}

function runSection(d: SearchRunData): string {
  const cfg = (d.config ?? {}) as Cfg;
  const s = cfg.search ?? {};
  const phases = d.final
    ? Object.entries(d.final.wallSeconds).map(([k, v]) => `${k} ${duration(v)}`).join(', ')
    : `so far, from the event log: training ${duration(sum(d.iterations.map((r) => r.trained?.seconds ?? 0)))}, scoring and controller ${duration(sum(d.iterations.map((r) => r.rewards?.seconds ?? 0)))}`;
  const derivation = sum(d.derived.map((x) => x.run.wallSeconds ?? 0));
  const device = d.final ? d.final.deviceSeconds : sum(d.iterations.map((r) => (r.trained?.seconds ?? 0) + (r.rewards?.seconds ?? 0))) + derivation;
  const commands = d.segments.map((g, i) => [
    String(i + 1), when(g.started), g.resumed ? 'resumed' : 'new', g.command ? { html: `<code>autogan ${esc(g.command.join(' '))}</code>` } : 'not logged (a run made before this was)',
    // The run writes its last report before it stops: a finished run's last process has not logged its end yet.
    g.backend, g.faults.join(', ') || '—', g.ended ?? (i < d.segments.length - 1 ? 'killed or crashed' : d.final ? 'done' : 'running, or killed'),
  ]);
  const placement = table(
    ['actor', 'kind', 'transport', 'pid', 'thread', 'backend', 'tfjs backend', 'CUDA_VISIBLE_DEVICES', 'incarnation', 'placed'],
    d.placements.map((p) => [p.actor, p.placed.kind, p.placed.transport, String(p.placed.pid), String(p.placed.threadId), p.placed.backend, p.placed.tfBackend, p.placed.cudaVisibleDevices ?? '—', String(p.placed.incarnation), when(p.time)]),
  );
  return facts([
    ['data set', cfg.data?.dataset ?? 'n/a'],
    ['seed', cfg.seed === undefined ? 'n/a' : String(cfg.seed)],
    ['search', `${s.strategy ?? '?'}, ${s.levels ?? '?'}-level, iterations ${JSON.stringify(s.iterations ?? [])} by stage, reward ${s.reward ?? '?'}, overlap ${s.overlap === undefined ? '?' : s.overlap ? 'on' : 'off'}`],
    ['events', `${d.events} in events.jsonl${d.timeRange ? `, ${when(d.timeRange.start)} to ${when(d.timeRange.end)}` : ''}`],
    ['wall time per phase', phases],
    // A finished run's phases above include it; while it runs, the derived runs' own wall time is all there is.
    ...(d.final ? [] : [['derivation', d.derived.length ? duration(derivation) : 'not started'] as [string, string]]),
    ['device-seconds', `${duration(device)} (shared training + scoring + derivation training)`],
    ['actor restarts', String(d.final?.restarts ?? d.incidents.filter((i) => i.type === 'actor.restarting').length)],
    ['dynamic resets', String(d.final?.resets ?? d.resets.length)],
    // With reset off, the detector only watched (src/search/collapse-watch.ts).
    ...(typeof d.final?.collapses === 'number' || (s.reset?.enabled === false && s.strategy !== 'random-independent') ? [['collapses seen, reset off', String(d.final?.collapses ?? d.collapses)] as [string, string]] : []),
  ]) + '<h3>Processes of the run</h3>' + table(['#', 'started', '', 'command', 'backend', 'faults', 'ended'], commands) +
    '<h3>Placement of each actor</h3>' + (d.placements.length ? placement : '<p class="note">No actor.placed events.</p>') +
    `<details><summary>the effective config (config.json)</summary><pre>${esc(JSON.stringify(d.config, null, 2))}</pre></details>`;
}

function curvesSection(d: SearchRunData): string {
  const rows = d.iterations;
  const bands = stageBands(rows);
  const markers: Marker[] = d.resets.map((r) => ({ x: r.iteration + 0.5, label: `reset #${r.count} after iteration ${r.iteration}` }));
  const scored = rows.filter((r) => r.rewards);
  const at = (f: (r: IterationRow) => number | null | undefined) => scored.map((r) => [r.iteration, f(r) ?? Number.NaN] as const);
  const reward = lineChart({
    title: 'Reward per iteration', xLabel: 'iteration', bands, markers, markerLegend: 'reset',
    series: [
      { label: 'mean reward', points: at((r) => mean(r.rewards!.rewards)) },
      { label: 'best reward', points: at((r) => Math.max(...r.rewards!.rewards)) },
    ],
  });
  const controller = lineChart({
    title: 'Controller per iteration', xLabel: 'iteration', bands, markers, markerLegend: 'reset',
    series: [
      { label: 'baseline', points: at((r) => r.rewards!.baseline) },
      { label: 'entropy', points: at((r) => r.rewards!.entropy) },
      { label: 'advantage', points: at((r) => r.rewards!.advantage), dashed: true },
    ],
  });
  const trained = rows.filter((r) => r.trained);
  const gan = lineChart({
    title: 'Shared GAN loss per iteration', xLabel: 'iteration', bands, markers, markerLegend: 'reset',
    series: [
      { label: 'D loss', points: trained.map((r) => [r.iteration, r.trained!.dLoss]) },
      { label: 'G loss', points: trained.map((r) => [r.iteration, r.trained!.gLoss]) },
    ],
  });
  const repeated = rows.filter((r) => r.runs > 1).map((r) => r.iteration);
  return `<div class="row"><figure>${reward}<figcaption>Mean and best reward of the children scored each iteration, stages shaded; dashed red lines: dynamic resets</figcaption></figure>
<figure>${controller}<figcaption>REINFORCE moving-average baseline, mean entropy of the sampled tokens, mean advantage (reward − baseline)</figcaption></figure>
<figure>${gan}<figcaption>Mean D and G hinge loss of the shared GAN over each iteration's minibatches</figcaption></figure></div>` +
    (repeated.length ? `<p class="note">Iterations ${repeated.join(', ')} were trained again after a resume; the curves show their last run.</p>` : '');
}

function gridsSection(d: SearchRunData, problems: Problems): string {
  const shown = d.grids.filter((g) => g.present);
  if (d.grids.length === 0) return '<p class="note">No sample grids yet (runs made before the report existed have none).</p>';
  const latest = shown[shown.length - 1];
  const bottom = (d.config as Cfg | null)?.model?.bottom ?? 4;
  const head = latest
    ? `<div class="row">${gridFigure(d.dir, latest.file, `iteration ${latest.iteration} (stage ${latest.stage}): best child ${formatArch(latest.arch)}`, problems, latest.file)}${archCard(latest.arch, 'latest', bottom, '<p>the best child of the latest iteration</p>')}</div>`
    : '';
  const strip = spread(shown, MAX_GRIDS).map((g) => gridFigure(d.dir, g.file, `it. ${g.iteration}`, problems, g.file, 'thumb')).join('');
  return `${head}<h3>Every iteration's best child on the same 64 latents${shown.length > MAX_GRIDS ? ` (${MAX_GRIDS} of ${shown.length}; all are in samples/)` : ''}</h3><div class="strip">${strip}</div>`;
}

function stagesSection(d: SearchRunData): string {
  const bottom = (d.config as Cfg | null)?.model?.bottom ?? 4;
  const stages = [...new Set(d.iterations.map((r) => r.stage))].sort();
  if (stages.length === 0) return '<p class="note">No iteration has been scored yet.</p>';
  return stages.map((stage) => {
    const beam = d.beams.find((b) => b.stage === stage);
    if (beam) {
      const cards = beam.kept.map((arch, i) => {
        const j = beam.candidates.findIndex((c) => c.join() === arch.join());
        return archCard(arch, `beam${stage}-${i}`, bottom, `<p>kept #${i + 1}, score ${num(beam.scores[j])}</p>`);
      });
      return `<h3>Stage ${stage}: the beam kept at its end (${beam.kept.length} of ${beam.candidates.length} candidates)</h3><div class="row">${cards.join('')}</div>`;
    }
    const best = bestOfStage(d.iterations.filter((r) => r.stage === stage));
    const cards = best.map((b, i) => archCard(b.arch, `top${stage}-${i}`, bottom, `<p>reward ${num(b.reward)} (iteration ${b.iteration})</p>`));
    return `<h3>Stage ${stage}: best children sampled</h3><div class="row">${cards.join('')}</div>`;
  }).join('') + (d.final?.candidates.length
    ? `<h3>Final candidates, scored on the final shared weights</h3>${table(['architecture', 'proxy reward'], [...d.final.candidates].sort((a, b) => b.reward - a.reward).map((c) => [{ html: `<span class="tokens">${esc(c.arch)}</span>` }, num(c.reward)]))}`
    : '');
}

function bestOfStage(rows: readonly IterationRow[]): { arch: number[]; reward: number; iteration: number }[] {
  const all = rows.flatMap((r) => (r.rewards ? r.rewards.archs.map((arch, i) => ({ arch, reward: r.rewards!.rewards[i]!, iteration: r.iteration })) : []));
  all.sort((a, b) => b.reward - a.reward);
  const seen = new Set<string>();
  return all.filter((x) => !seen.has(x.arch.join()) && seen.add(x.arch.join())).slice(0, TOP_PER_STAGE);
}

function derivedSection(d: SearchRunData, problems: Problems): string {
  if (d.derived.length === 0) return '<p class="note">Derivation has not started.</p>';
  const bottom = (d.config as Cfg | null)?.model?.bottom ?? 4;
  return d.derived.map((x) => {
    const r = x.result;
    const real = r?.heldOut ? ` (held-out real digits: IS ${num(r.heldOut.is?.mean)}, FID ${num(r.heldOut.fid)})` : '';
    const head = r ? `proxy reward ${num(r.proxyReward)}; trained ${r.steps} G steps: IS ${num(r.is?.mean)}, FID ${num(r.fid)}${real}` : x.run.status;
    return `<h3>top ${x.rank}: ${esc(head)} <a href="${esc(x.dir)}/report.html">(its own report)</a></h3>${trainSections(x.run, d.dir, `derived${x.rank}`, bottom, problems)}`;
  }).join('');
}

function timelineSection(d: SearchRunData): string {
  if (!d.timeRange) return '<p class="note">No events to draw.</p>';
  const actors = [...new Set([...d.placements.map((p) => p.actor), ...d.busy.map((b) => b.actor)])];
  const lanes: Lane[] = actors.map((actor) => ({
    label: actor,
    spans: d.busy.filter((b) => b.actor === actor).map((b) => ({
      from: b.from, to: b.to, fill: b.busySeconds / Math.max(1e-9, (b.to - b.from) / 1000),
      title: `${actor}: busy ${duration(b.busySeconds)} of ${duration((b.to - b.from) / 1000)} from ${when(b.from)}: ${Object.entries(b.requests).map(([k, n]) => `${k} ×${n}`).join(', ')}`,
    })),
  }));
  for (const x of d.derived) {
    if (x.run.updated === null || x.run.wallSeconds === null) continue;
    // Derivation trains in the search's own process, not an actor: its lane spans the training's wall time.
    lanes.push({ label: `derive top${x.rank}`, spans: [{ from: x.run.updated - x.run.wallSeconds * 1000, to: x.run.updated, fill: 1, title: `derivation of top ${x.rank}: ${duration(x.run.wallSeconds)}` }] });
  }
  const end = Math.max(d.timeRange.end, ...lanes.flatMap((l) => l.spans.map((s) => s.to)));
  const marks = d.incidents.flatMap((i) => (i.kind === 'info' ? [] : [{ t: i.time, kind: i.kind, title: `${when(i.time)} ${i.source}: ${i.text}` }]));
  const chart = timeline({ start: d.timeRange.start, end, lanes, marks });
  const rows = d.incidents.map((i) => [when(i.time), i.seq === null ? '' : `#${i.seq}`, i.source, i.type, i.text]);
  return `<figure>${chart}<figcaption>Busy spans of each actor (darker: more of the span was work; spans are logged as they end), and marks for errors (red), restarts (amber), resets (violet), resumes (green) and stops (grey)</figcaption></figure>` +
    (d.busy.length === 0 ? '<p class="note">This run logged no busy spans (runs made before they were logged have none).</p>' : '') +
    `<h3>Errors, restarts, resets and resumes</h3>${rows.length ? table(['time', 'event', 'source', 'type', 'what'], rows) : '<p class="note">None.</p>'}`;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function mean(xs: readonly number[]): number {
  return xs.length ? sum(xs) / xs.length : Number.NaN;
}

export function searchPage(d: SearchRunData, problems: Problems, now: number): string {
  const body = [
    section('run', 'The run', runSection(d)),
    section('curves', 'Search by iteration', curvesSection(d)),
    section('samples', 'Samples of the best architecture', gridsSection(d, problems)),
    section('stages', 'Best architectures of each stage', stagesSection(d)),
    section('derived', 'Derived architectures, trained from scratch', derivedSection(d, problems)),
    section('timeline', 'Timeline', timelineSection(d)),
  ].join('\n');
  return page({ title: `AutoGAN search: ${basename(d.dir)}`, subtitle: `${d.dir} — ${d.status.detail}`, state: d.status.state, problems: problems.list, body, generated: now });
}
