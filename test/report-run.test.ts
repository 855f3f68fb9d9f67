/**
 * The report of real runs, from one smoke-sized search run through the CLI with an evaluator crash and a NaN
 * fault (a restart and a dynamic reset), SIGKILLed part way and resumed: its report while it ran, after the kill
 * (no report.json yet), at the end in headless chromium, with a damaged event line and a missing grid, as a run
 * made before the report existed, and its TensorBoard files.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkInBrowser, chromium, requireChromium } from './support/chromium.js';
import { cli } from './support/kill.js';
import { readEventFile } from './support/tfevents-reader.js';

const root = mkdtempSync(join(tmpdir(), 'agts-report-'));
const run = join(root, 'run');
const config = join(root, 'smoke.json');
writeFileSync(config, JSON.stringify({
  seed: 7, data: { dataset: 'mnist' }, model: { latent: 16, gf: 8, df: 8 },
  train: { dBatch: 16, gBatch: 16, nCritic: 2, emaDecay: 0.9, sampleEvery: 2, checkpointEvery: 2, evalEvery: 2 },
  eval: { samples: 130, features: 'digits', splits: 2 },
  search: {
    gf: 8, df: 8, iterations: [2, 2, 2], minibatches: 4, controllerSteps: 3, childSamples: 40, beamCandidates: 3, beamKeep: 2,
    reset: { enabled: true, window: 20, threshold: 1e-3 }, derive: { candidates: 3, topK: 1, steps: 6, checkpointEvery: 2 },
  },
}));

const html = (dir: string, name = 'report.html') => readFileSync(join(dir, name), 'utf8');
const copy = (to: string) => (cpSync(run, join(root, to), { recursive: true }), join(root, to));
const eventLines = (dir: string) => readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l !== '');

/** Starts the search; once iteration 2's sample grid is logged, keeps the report the run wrote and SIGKILLs it. */
function searchUntilKilled(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/main.js', 'search', '--config', config, '--out', run, '--backend', 'blas',
      '--fault', 'crash:evaluator@2', '--fault', 'nan:trainer@5'], { stdio: 'ignore' });
    let live = '';
    const poll = setInterval(() => {
      if (!existsSync(join(run, 'events.jsonl')) || !readFileSync(join(run, 'events.jsonl'), 'utf8').includes('"type":"search.samples","iteration":2')) return;
      clearInterval(poll);
      live = html(run);
      child.kill('SIGKILL');
    }, 25);
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
      if (signal !== 'SIGKILL') reject(new Error(`the search ended (${_code}) before it could be killed`));
      else resolve(live);
    });
  });
}

// In the tests, not in a before hook: uvu reports a failing hook as a bare count, without its message.
test('while it runs, the run keeps its report.html: in progress, curves so far, the restart and the reset', async () => {
  const liveReport = await searchUntilKilled();
  assert.match(liveReport, /class="status in-progress">in progress</);
  assert.match(liveReport, /no report.json yet/);
  assert.match(liveReport, /restarting \(attempt 1/);
  assert.match(liveReport, /dynamic reset #1/);
  assert.ok(existsSync(join(run, 'tb', 'cursor.json')), 'tb/ is written as the run goes');
});

test('a killed run (no report.json) reports as in progress; `autogan report` rebuilds it', () => {
  const dir = copy('killed');
  rmSync(join(dir, 'report.html'));
  const r = cli('report', dir);
  assert.is(r.status, 0, r.stderr);
  const page = html(dir);
  assert.match(page, />in progress</);
  assert.match(page, /Derivation has not started/);
  assert.ok(!existsSync(join(dir, 'report.json')));
});

test('resumed to the end: both processes, the lost one named, restarts, resets, every section', () => {
  const r = cli('search', '--resume', run, '--backend', 'blas');
  assert.is(r.status, 0, r.stderr);
  const page = html(run);
  assert.match(page, />finished</);
  assert.match(page, /ended without stopping \(killed or crashed\)/);
  assert.match(page, />resumed</);
  assert.match(page, /injected crash/);
  assert.match(page, /dynamic reset #1/);
  assert.match(page, /<line class="marker"/, 'resets marked on the curves');
  for (const id of ['run', 'curves', 'samples', 'stages', 'derived', 'timeline']) assert.match(page, new RegExp(`<section id="${id}">`));
  assert.match(html(join(run, 'derive', 'top1')), />finished</);
  const derived = cli('report', join(run, 'derive', 'top1'), '--out', join(root, 'top1.html'));
  assert.is(derived.status, 0, derived.stderr);
  assert.match(derived.stdout, /wrote the train report/);
  assert.match(html(root, 'top1.html'), /AutoGAN training: top1/);
});

test('in chromium: every chart, diagram, grid and the timeline has data; a screenshot and a printout', async () => {
  requireChromium();
  const shot = join(root, 'report.png');
  const pdf = join(root, 'report.pdf');
  // The three chromium runs at once.
  const [checks] = await Promise.all([checkInBrowser(html(run), `() => ({
    charts: [...document.querySelectorAll('svg.chart')].map((s) => ({
      title: s.getAttribute('aria-label'), empty: !!s.querySelector('.empty'),
      length: [...s.querySelectorAll('path.line')].reduce((a, p) => a + p.getTotalLength(), 0), dots: s.querySelectorAll('circle.dot').length,
    })),
    diagrams: [...document.querySelectorAll('svg.arch')].map((s) => ({ nodes: s.querySelectorAll('g.node').length, width: s.getBBox().width })),
    images: [...document.images].map((i) => ({ ok: i.complete && i.naturalWidth > 0, data: i.src.startsWith('data:image/png;base64,') })),
    busy: document.querySelectorAll('svg.timeline rect.busy').length,
    busyLanes: new Set([...document.querySelectorAll('svg.timeline rect.busy')].map((r) => r.getAttribute('y'))).size,
    marks: [...document.querySelectorAll('svg.timeline circle.mark')].map((m) => m.getAttribute('class')),
  })`, root) as Promise<{
    charts: { title: string; empty: boolean; length: number; dots: number }[]; diagrams: { nodes: number; width: number }[];
    images: { ok: boolean; data: boolean }[]; busy: number; busyLanes: number; marks: string[];
  }>,
    chromium(join(run, 'report.html'), `--screenshot=${shot}`, '--window-size=1280,2400'),
    chromium(join(run, 'report.html'), `--print-to-pdf=${pdf}`, '--no-pdf-header-footer'),
  ]);
  assert.ok(checks.charts.length >= 6, `${checks.charts.length} charts`);
  for (const c of checks.charts) assert.ok(!c.empty && (c.length > 0 || c.dots > 0), `${c.title}: no data`);
  assert.ok(checks.diagrams.length >= 5, `${checks.diagrams.length} diagrams`);
  for (const d of checks.diagrams) assert.ok(d.nodes >= 13 && d.width > 100, JSON.stringify(d));
  assert.ok(checks.images.length >= 8, `${checks.images.length} images`);
  assert.ok(checks.images.every((i) => i.ok && i.data), 'every grid is an inline PNG that decoded');
  // How many spans there are depends on the machine's pace (spans closer than the merge gap become one: 10 on a
  // loaded 2-core machine, more on a quiet one), so what is checked is that every working actor's lane has them.
  assert.ok(checks.busyLanes >= 4 && checks.busy >= checks.busyLanes, `${checks.busy} busy spans in ${checks.busyLanes} lanes`);
  for (const kind of ['error', 'restart', 'reset', 'resume']) assert.ok(checks.marks.includes(`mark ${kind}`), `a ${kind} mark in ${checks.marks}`);
  assert.ok(statSync(shot).size > 50_000, 'a screenshot with content');
  const text = readFileSync(pdf, 'latin1');
  assert.ok(text.startsWith('%PDF') && (text.match(/\/Type\s*\/Page[^s]/g) ?? []).length >= 3, 'printed on several pages');
  console.log(`  screenshot: ${shot}`);
});

test('a damaged event line and a missing grid: the report names both and shows the rest', () => {
  const dir = copy('damaged');
  const lines = eventLines(dir);
  lines.splice(20, 0, '{"seq": 21, "time": "garbage');
  writeFileSync(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
  unlinkSync(join(dir, 'samples', 'iteration-000001.png'));
  const r = cli('report', dir, '--out', join(root, 'damaged.html'));
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /events\.jsonl line 21: not an event/);
  assert.match(r.stderr, /samples\/iteration-000001\.png: missing/);
  const page = html(root, 'damaged.html');
  assert.match(page, /<section class="problems" id="problems">/);
  assert.match(page, /<code>samples\/iteration-000001\.png<\/code>: missing/);
  assert.match(page, />finished</);
  assert.ok(!page.includes('no data yet'), 'the curves are still drawn');
  assert.ok(!existsSync(join(dir, 'report.html')) || statSync(join(dir, 'report.html')).mtimeMs < statSync(join(root, 'damaged.html')).mtimeMs, '--out leaves the run alone');
});

test('a run made before the report existed: no busy spans, grids, evaluations or tb/, and it still renders', () => {
  const dir = copy('old');
  const old = eventLines(dir).filter((l) => !/"type":"(actor\.busy|search\.samples)"/.test(l)).map((l) => l.replace(/"command":\[[^\]]*\],/, '').replace(/,"advantage":[^,]*,"policyLoss":[^,]*/, ''));
  writeFileSync(join(dir, 'events.jsonl'), `${old.join('\n')}\n`);
  for (const f of ['report.html', 'tb', 'samples', 'derive/top1/tb', 'derive/top1/report.html']) rmSync(join(dir, f), { recursive: true });
  const report = JSON.parse(readFileSync(join(dir, 'derive/top1/report.json'), 'utf8'));
  delete report.evals;
  writeFileSync(join(dir, 'derive/top1/report.json'), JSON.stringify(report));
  const r = cli('report', dir);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '', 'nothing is missing that such a run ever had');
  const page = html(dir);
  assert.match(page, /No sample grids yet/);
  assert.match(page, /logged no busy spans/);
  assert.match(page, /not logged \(a run made before this was\)/);
  assert.ok(readdirSync(join(dir, 'tb')).some((f) => f.startsWith('events.out.tfevents.')));
});

test('TensorBoard: the search and its derived run, every logged item once across the kill, the resume and `report`', () => {
  const tags = (dir: string) => {
    const file = readdirSync(join(dir, 'tb')).find((f) => f.startsWith('events.out.tfevents.'))!;
    return readEventFile(join(dir, 'tb', file)).flatMap((e) => e.values.map((v) => v.tag));
  };
  assert.is(cli('report', run).status, 0);
  const search = tags(run);
  for (const t of ['shared_gan/d_loss', 'shared_gan/g_loss', 'search/reward_mean', 'search/reward_best', 'controller/baseline', 'controller/entropy', 'controller/advantage', 'search/resets', 'samples/best_architecture', 'derived/is', 'derived/fid']) {
    assert.ok(search.includes(t), `${t} in the search's tb/`);
  }
  const logged = eventLines(run).filter((l) => l.includes('"type":"search.samples"')).length;
  assert.is(search.filter((t) => t === 'samples/best_architecture').length, logged, 'one image per search.samples event');
  const derived = tags(join(run, 'derive', 'top1'));
  for (const t of ['train/d_loss', 'train/g_loss', 'eval/is', 'eval/fid', 'samples/ema_generator']) assert.ok(derived.includes(t), `${t} in derive/top1/tb`);
  // Evaluations at steps 2 and 4 (train.evalEvery) and the final one at 6.
  assert.is(derived.filter((t) => t === 'eval/is').length, 3);
});

test('autogan report: --help, and bad input named with exit 2', () => {
  const help = cli('report', '--help');
  assert.is(help.status, 0);
  assert.match(help.stdout, /Usage: autogan report RUN_DIR/);
  const none = cli('report');
  assert.is(none.status, 2);
  assert.match(none.stderr, /report: expects one run directory, got 0/);
  const missing = cli('report', join(root, 'nope'));
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /nope: no such run directory/);
  const empty = mkdtempSync(join(root, 'empty-'));
  const notRun = cli('report', empty);
  assert.is(notRun.status, 2);
  assert.match(notRun.stderr, /is not a run directory/);
  const badOut = cli('report', run, '--out', join(root, 'no', 'such', 'x.html'));
  assert.is(badOut.status, 2);
  assert.match(badOut.stderr, /--out: .* does not exist/);
});

test.run();
