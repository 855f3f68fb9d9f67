/**
 * Class coverage in real runs (issue 24): a short `train` through the CLI records the digits drawn and D's verdict on
 * real digits at every evaluation (report.json, checkpoints, report.html, TensorBoard) and ends by printing its scores
 * beside the held-out real digits' and the share of each digit; a derivation logs each evaluation as a
 * `derive.evaluated` event and reports the same figures in its result.
 */
import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend } from '../src/backend/select.js';
import { classesText, scoresBesideReal } from '../src/cli/scores-text.js';
import { openFeatureNetwork } from '../src/metrics/open-feature-network.js';
import type { ClassCoverage, EvalPoint } from '../src/protocol/evaluation.js';
import { runDerivation } from '../src/search/derivation.js';
import type { DeriveEvent } from '../src/protocol/events.js';
import { Deriver, derivationSettingsOf } from '../src/search/deriver.js';
import { readCheckpointMeta } from '../src/util/checkpoint-file.js';
import { checkpointPath } from '../src/train/checkpoint-dir.js';
import { PROBE_PER_CLASS } from '../src/train/class-probe.js';
import type { TrainReport } from '../src/train/train-run.js';
import { readEventFile } from './support/tfevents-reader.js';
import { tinySearchConfig } from './support/tiny-search.js';

// The CLI as shipped: dist/ is built by `npm test` before the tests run.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const ARCH = '1 0 1 1  1 0 0 1 1  1 0 1 0 3';
const SAMPLES = 150;
const root = mkdtempSync(join(tmpdir(), 'agts-coverage-'));

const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as TrainReport;
const pct = (share: number) => `${(100 * share).toFixed(1)}%`;

/** Shares of the digits among `n` samples, and D's shares of its probe of real digits called real. */
function assertCoverage(c: ClassCoverage | null | undefined, n: number, what: string): void {
  assert.ok(c, `${what}: class coverage measured`);
  assert.is(c.shares.length, 10, what);
  assert.ok(c.shares.every((s) => Math.abs(s * n - Math.round(s * n)) < 1e-9), `${what}: shares are counts of ${n}: ${c.shares}`);
  assert.ok(Math.abs(c.shares.reduce((a, b) => a + b, 0) - 1) < 1e-9, `${what}: shares sum to 1`);
  assert.is(c.dReal.length, 10, what);
  for (const d of c.dReal) assert.ok(d !== null && Math.abs(d * PROBE_PER_CLASS - Math.round(d * PROBE_PER_CLASS)) < 1e-9, `${what}: ${d} is not a count of ${PROBE_PER_CLASS}`);
}

test.before(async () => {
  await startBackend('auto');
});

test('train: each evaluation records the digits drawn and D on real digits; the end prints them beside the held-out real digits\' figures', () => {
  const dir = join(root, 'train');
  const config = join(root, 'train.json');
  writeFileSync(config, JSON.stringify({
    seed: 3, data: { dataset: 'mnist' }, model: { latent: 16, gf: 8, df: 8 },
    train: { steps: 4, dBatch: 8, gBatch: 8, nCritic: 1, sampleEvery: 2, checkpointEvery: 2, evalEvery: 2 },
    eval: { samples: SAMPLES, features: 'digits', splits: 2 },
  }));
  const r = spawnSync(process.execPath, [MAIN, 'train', '--arch', ARCH, '--config', config, '--out', dir], { encoding: 'utf8', timeout: 300_000 });
  assert.is(r.status, 0, r.stderr);

  const { evals, scores } = report(dir);
  assert.equal(evals.map((e) => e.step), [2]);
  assertCoverage(evals[0]!.classes, SAMPLES, 'step 2');
  assertCoverage(scores!.classes, SAMPLES, 'final');
  const real = scores!.heldOut!;
  assert.is(real.n, 2000);
  assert.ok(real.is!.mean > 9 && real.fid! > 0 && real.fid! < 6, JSON.stringify(real));
  assert.ok(real.shares.every((s) => s > 0.07 && s < 0.14), `held-out digits are about 10 % each: ${real.shares}`);
  // A resumed run continues from the checkpoint's evaluations: they carry the same coverage.
  const saved = readCheckpointMeta(checkpointPath(join(dir, 'checkpoints'), 2)) as { evals: EvalPoint[] };
  assert.equal(saved.evals, evals);

  // The last lines: IS and FID beside the held-out real digits' figures, then the share of each digit.
  const lines = r.stdout.trim().split('\n');
  assert.is(lines[lines.length - 3], `IS ${scores!.is!.mean.toFixed(3)} ± ${scores!.is!.std.toFixed(3)}, FID ${scores!.fid!.toFixed(3)} on ${SAMPLES} samples (digits features); held-out real digits (2000): IS ${real.is!.mean.toFixed(3)}, FID ${real.fid!.toFixed(3)}`);
  const drawn = lines[lines.length - 2]!;
  assert.ok(drawn.startsWith(`classes drawn: ${scores!.classes!.shares.map((s, c) => `${c} ${pct(s)}`).join('  ')}; under 5.0%: `), drawn);
  assert.ok(drawn.endsWith(`; held-out real digits ${(100 * Math.min(...real.shares)).toFixed(1)}–${pct(Math.max(...real.shares))} each`), drawn);
  const under = scores!.classes!.shares.flatMap((s, c) => (s < 0.05 ? [c] : []));
  assert.ok(drawn.includes(`under 5.0%: ${under.length ? under.join(', ') : 'none'};`), drawn);
  assert.match(lines[lines.length - 1]!, /^report for people: .*report\.html$/);

  // report.html: the digits drawn per evaluation with the held-out row, and D's verdict per evaluation.
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  const maps = html.split('<svg class="heatmap"').slice(1).map((s) => s.slice(0, s.indexOf('</svg>')));
  assert.is(maps.length, 2, 'two class tables');
  const [shares, dReal] = maps as [string, string];
  const cells = (svg: string) => [...svg.matchAll(/<title>([^<]*), (\d): ([^<]*)<\/title>/g)].map((m) => [m[1], Number(m[2]), m[3]]);
  const percent = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(v < 0.1 ? 1 : 0)}%`);
  const rows = (label: string, values: readonly (number | null)[]) => values.map((v, c) => [label, c, percent(v)]);
  assert.match(shares, /Share of each digit among the samples/);
  assert.equal(cells(shares), [...rows('step 2', evals[0]!.classes!.shares), ...rows('final (4)', scores!.classes!.shares), ...rows('held-out real', real.shares)]);
  assert.is((shares.match(/class="cell-low"/g) ?? []).length - 1, [...evals[0]!.classes!.shares, ...scores!.classes!.shares].filter((s) => s < 0.05).length, 'under-drawn cells outlined (and the legend)');
  assert.match(dReal, /D calls real/);
  assert.equal(cells(dReal), [...rows('step 2', evals[0]!.classes!.dReal), ...rows('final (4)', scores!.classes!.dReal)]);
  assert.match(html, /the 2000 held-out real digits score IS \d\.\d{3}, FID \d\.\d{3}/);

  // TensorBoard: a share and a D verdict per digit, at the evaluation and at the end.
  const file = readdirSync(join(dir, 'tb')).find((f) => f.startsWith('events.out.tfevents.'))!;
  const tags = readEventFile(join(dir, 'tb', file)).flatMap((e) => e.values.map((v) => v.tag));
  for (let c = 0; c < 10; c++) {
    assert.is(tags.filter((t) => t === `classes/share_${c}`).length, 2, `classes/share_${c}`);
    assert.is(tags.filter((t) => t === `classes/d_real_${c}`).length, 2, `classes/d_real_${c}`);
  }
});

test('derivation: every evaluation is a derive.evaluated event, and the result carries the coverage and the held-out figures', async () => {
  const config = tinySearchConfig({ train: { evalEvery: 2, checkpointEvery: 2 }, search: { derive: { candidates: 3, topK: 1, steps: 4, checkpointEvery: 2 } } });
  const network = await openFeatureNetwork('digits', null);
  const runDir = join(root, 'search');
  try {
    const derive = async () => {
      const deriver = new Deriver(derivationSettingsOf(config), network.net, null, 'test', () => {});
      const events: DeriveEvent[] = [];
      try {
        const { derived } = await runDerivation({
          candidates: [{ arch: ARCH.split(/\s+/).map(Number), reward: 1 }], runDir, steps: 4,
          derivers: async () => [{ id: 'local', port: deriver }], emit: (e) => events.push(e), log: () => {},
        });
        return { derived, events };
      } finally {
        deriver.dispose();
      }
    };
    const before = tf.memory().numTensors;
    const { derived, events } = await derive();
    assert.is(tf.memory().numTensors, before);

    const saved = report(join(runDir, 'derive', 'top1'));
    const evaluated = events.filter((e) => e.type === 'derive.evaluated');
    assert.equal(evaluated.map(({ type, actor, rank, ...point }) => [type, actor, rank, point]), saved.evals.map((p) => ['derive.evaluated', 'local', 1, p]));
    assert.is(evaluated.length, 1);
    assertCoverage(saved.evals[0]!.classes, config.eval.samples, 'step 2');

    const result = derived[0]!;
    assert.equal([result.classes, result.heldOut], [saved.scores!.classes, saved.scores!.heldOut]);
    assertCoverage(result.classes, config.eval.samples, 'final');
    assert.equal(events.filter((e) => e.type === 'search.derived'), [{ type: 'search.derived', result }]);
    // No FID without reference statistics: the held-out figures have what the run measured.
    assert.is(result.heldOut!.fid, null);
    assert.match(scoresBesideReal(result), /^IS \d+\.\d{3} ± \d+\.\d{3}, FID n\/a; held-out real digits \(2000\): IS 9\.\d{3}$/);
    assert.match(classesText(result.classes!.shares, result.heldOut), /^classes drawn: 0 \d+\.\d%( {2}\d \d+\.\d%){9}; under 5\.0%: [^;]+; held-out real digits \d+\.\d–\d+\.\d% each$/);

    // Derived again (a resumed search): the result is read from the finished folder, nothing is trained.
    const again = await derive();
    assert.equal(again.derived, derived);
    assert.equal(again.events.map((e) => e.type), ['search.derived']);
  } finally {
    network.net.dispose();
  }
});

test.run();
