/**
 * The sections of a training run (a `train` run's whole report, and each derived architecture in a search's
 * report): the architecture, D and G loss over steps, IS and FID over steps (train.evalEvery and the final
 * scores), the sample grids over steps, the final grid, and how to take the generator elsewhere.
 */
import { relative } from 'node:path';
import type { Problems } from '../read-files.js';
import { lineChart } from '../svg/line-chart.js';
import type { TrainRunData } from '../train-data.js';
import { esc } from './escape.js';
import { duration, num } from './format.js';
import { archCard, facts, gridFigure, spread } from './parts.js';

/** Grids over steps shown per run; the rest stay in samples/. */
const MAX_GRIDS = 16;

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

export function trainSections(run: TrainRunData, root: string, id: string, bottom: number, problems: Problems): string {
  const rel = relative(root, run.dir) || '.';
  const where = (f: string) => (rel === '.' ? f : `${rel}/${f}`);
  const scores = run.scores
    ? `<p>Final scores on ${run.scores.n} samples (${esc(run.scores.features)} features): <b>IS ${num(run.scores.is?.mean)} ± ${num(run.scores.is?.std)}</b>, <b>FID ${num(run.scores.fid)}</b></p>`
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
  const isChart = lineChart({ title: 'Inception Score over G steps', xLabel: 'G step', series: [{ label: 'IS', points: curves.is }] });
  const fidChart = lineChart({ title: 'FID over G steps', xLabel: 'G step', series: [{ label: 'FID', points: curves.fid }] });
  const stepGrids = run.samples.filter((s) => s.step !== null);
  const final = run.samples.find((s) => s.step === null);
  const strip = spread(stepGrids, MAX_GRIDS).map((s) => gridFigure(run.dir, s.file, `step ${s.step}`, problems, where(s.file), 'thumb')).join('');
  return `<div class="row"><div>${info}</div>${arch}</div>
<div class="row"><figure>${losses}<figcaption>Mean D and G hinge loss of the logged steps</figcaption></figure>
<figure>${isChart}<figcaption>Periodic (train.evalEvery) and final IS of the EMA generator, fixed latents</figcaption></figure>
<figure>${fidChart}<figcaption>Periodic and final FID against the training data's statistics</figcaption></figure></div>
<h3>Sample grids over steps${stepGrids.length > MAX_GRIDS ? ` (${MAX_GRIDS} of ${stepGrids.length}; all are in ${esc(where('samples/'))})` : ''}</h3>
<div class="strip">${strip || '<p class="note">None yet.</p>'}</div>
<h3>Final grid</h3>${final ? gridFigure(run.dir, final.file, 'final samples of the EMA generator', problems, where(final.file)) : '<p class="note">Not yet drawn.</p>'}
${exportHint(run)}`;
}
