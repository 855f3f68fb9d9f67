/**
 * The sections of a training run (a `train` run's whole report, and each derived architecture in a search's
 * report): the architecture, D and G loss over steps, IS and FID over steps (train.evalEvery and the final
 * scores) beside the held-out real images' own, the digits drawn and D's verdict on real digits per evaluation
 * (with the digit classifier), the sample grids over steps, the final grid, and how to take the generator elsewhere.
 */
import { relative } from 'node:path';
import { UNDER_DRAWN_SHARE } from '../../metrics/class-coverage.js';
import type { ClassCoverage } from '../../protocol/evaluation.js';
import type { Problems } from '../read-files.js';
import { heatmap } from '../svg/heatmap.js';
import { lineChart } from '../svg/line-chart.js';
import type { TrainRunData } from '../train-data.js';
import { esc } from './escape.js';
import { duration, num } from './format.js';
import { archCard, facts, gridFigure, spread } from './parts.js';

/** Grids over steps shown per run; the rest stay in samples/. */
const MAX_GRIDS = 16;
/** Evaluations shown in the class tables per run (always the first and the last). */
const MAX_COVERAGE_ROWS = 20;

/** IS and FID points over steps: the periodic evaluations, then the final scores at the last step. */
export function scoreCurves(run: TrainRunData): { is: [number, number][]; fid: [number, number][] } {
  const points = [...run.evals, ...(run.scores ? [{ step: run.step, is: run.scores.is, fid: run.scores.fid }] : [])];
  return {
    is: points.filter((p) => p.is !== null).map((p) => [p.step, p.is!.mean]),
    fid: points.filter((p) => p.fid !== null).map((p) => [p.step, p.fid!]),
  };
}

/** A path as one shell word: quoted when it holds anything a shell would read. */
function shellWord(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** The `autogan export` command for this run's generator, once it has a checkpoint. */
function exportHint(run: TrainRunData): string {
  if (run.step === 0) return '';
  const cmd = `autogan export --checkpoint ${shellWord(run.dir)} --out ${shellWord(`${run.dir}-export`)}`;
  return `<h3>Take the generator elsewhere</h3>
<p>Its EMA generator (the newest checkpoint) as a tfjs GraphModel and an ONNX model (opset 17), with check.json and a page that draws:</p>
<pre>${esc(cmd)}</pre>
<p class="note">Open <code>index.html</code> in the export's folder to see it draw; <code>--format tfjs</code> or <code>onnx</code> writes one of the two; docs/export.md says more.</p>`;
}

/**
 * The digits drawn and D's share of real digits called real, per evaluation and at the end, beside the held-out real
 * digits' shares: empty for a run whose evaluations measured no classes (another feature network, or an older run).
 */
export function coverageSection(run: TrainRunData): string {
  const measured: { label: string; classes: ClassCoverage }[] = [
    ...run.evals.flatMap((e) => (e.classes ? [{ label: `step ${e.step}`, classes: e.classes }] : [])),
    ...(run.scores?.classes ? [{ label: `final (${run.step})`, classes: run.scores.classes }] : []),
  ];
  if (measured.length === 0) return '';
  const rows = spread(measured, MAX_COVERAGE_ROWS);
  const columns = measured[0]!.classes.shares.map((_, c) => String(c));
  const real = run.scores?.heldOut;
  const shares = heatmap({
    title: 'Share of each digit among the samples', columns, low: UNDER_DRAWN_SHARE, lowLegend: `under ${100 * UNDER_DRAWN_SHARE} %`,
    rows: [...rows.map((r) => ({ label: r.label, values: r.classes.shares })), ...(real ? [{ label: 'held-out real', values: real.shares, reference: true }] : [])],
  });
  const dReal = heatmap({ title: 'D calls real: held-out digits with D(x) > 0', columns, max: 1, rows: rows.map((r) => ({ label: r.label, values: r.classes.dReal })) });
  return `<h3>Digits drawn, per evaluation${measured.length > MAX_COVERAGE_ROWS ? ` (${MAX_COVERAGE_ROWS} of ${measured.length})` : ''}</h3>
<div class="row"><figure>${shares}<figcaption>The digit classifier's reading of the evaluated samples (fixed latents), per digit; last row: the ${real ? real.n : ''} held-out real digits read the same way. Outlined: drawn in under ${100 * UNDER_DRAWN_SHARE} % of the samples</figcaption></figure>
<figure>${dReal}<figcaption>Per digit, the share of a fixed probe of held-out real digits (the same number of each) that D scores above 0, the hinge loss's margin for real: a digit D rejects is one G is not pushed towards</figcaption></figure></div>`;
}

export function trainSections(run: TrainRunData, root: string, id: string, bottom: number, problems: Problems): string {
  const rel = relative(root, run.dir) || '.';
  const where = (f: string) => (rel === '.' ? f : `${rel}/${f}`);
  const real = run.scores?.heldOut;
  const scores = run.scores
    ? `<p>Final scores on ${run.scores.n} samples (${esc(run.scores.features)} features): <b>IS ${num(run.scores.is?.mean)} ± ${num(run.scores.is?.std)}</b>, <b>FID ${num(run.scores.fid)}</b>` +
      `${real ? `; the ${real.n} held-out real digits score IS ${num(real.is?.mean)}, FID ${num(real.fid)}` : ''}</p>`
    : '<p class="note">No final scores yet.</p>';
  const info = facts([
    ['status', run.status],
    ['steps', `${run.step}${run.targetSteps !== null ? ` of ${run.targetSteps}` : ''}`],
    ['wall time', run.wallSeconds === null ? 'n/a' : duration(run.wallSeconds)],
    ['speed', run.stepsPerSecond === null ? 'n/a' : `${num(run.stepsPerSecond, 2)} steps/s`],
    ['backend', run.backend ?? 'n/a'],
  ]);
  const arch = run.arch ? archCard(run.arch, id, bottom, scores) : `<p class="note">The architecture is unknown (${esc(where('config.json'))} missing or damaged).</p>${scores}`;
  const losses = lineChart({
    title: 'D and G loss over G steps', xLabel: 'G step',
    series: [{ label: 'D loss', points: run.history.map((h) => [h.step, h.dLoss]) }, { label: 'G loss', points: run.history.map((h) => [h.step, h.gLoss]) }],
  });
  const curves = scoreCurves(run);
  // The held-out real digits' figure as a dashed level across the evaluated steps: what the curve is heading for.
  const level = (label: string, points: [number, number][], v: number | null | undefined) =>
    points.length > 0 && v !== null && v !== undefined ? [{ label, points: [[points[0]![0], v], [points[points.length - 1]![0], v]] as [number, number][], dashed: true }] : [];
  const isChart = lineChart({ title: 'Inception Score over G steps', xLabel: 'G step', series: [{ label: 'IS', points: curves.is }, ...level('held-out real digits', curves.is, real?.is?.mean)] });
  const fidChart = lineChart({ title: 'FID over G steps', xLabel: 'G step', series: [{ label: 'FID', points: curves.fid }, ...level('held-out real digits', curves.fid, real?.fid)] });
  const stepGrids = run.samples.filter((s) => s.step !== null);
  const final = run.samples.find((s) => s.step === null);
  const strip = spread(stepGrids, MAX_GRIDS).map((s) => gridFigure(run.dir, s.file, `step ${s.step}`, problems, where(s.file), 'thumb')).join('');
  return `<div class="row"><div>${info}</div>${arch}</div>
<div class="row"><figure>${losses}<figcaption>Mean D and G hinge loss of the logged steps</figcaption></figure>
<figure>${isChart}<figcaption>Periodic (train.evalEvery) and final IS of the EMA generator, fixed latents${real ? '; dashed: the held-out real digits\' IS' : ''}</figcaption></figure>
<figure>${fidChart}<figcaption>Periodic and final FID against the training data's statistics${real ? '; dashed: the held-out real digits\' FID' : ''}</figcaption></figure></div>
${coverageSection(run)}
<h3>Sample grids over steps${stepGrids.length > MAX_GRIDS ? ` (${MAX_GRIDS} of ${stepGrids.length}; all are in ${esc(where('samples/'))})` : ''}</h3>
<div class="strip">${strip || '<p class="note">None yet.</p>'}</div>
<h3>Final grid</h3>${final ? gridFigure(run.dir, final.file, 'final samples of the EMA generator', problems, where(final.file)) : '<p class="note">Not yet drawn.</p>'}
${exportHint(run)}`;
}
