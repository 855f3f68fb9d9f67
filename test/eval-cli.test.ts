import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend } from '../src/backend/select.js';
import { resolveConfig } from '../src/config/run-config.js';
import { shippedDigitWeightsPath } from '../src/metrics/digits/digit-weights-file.js';
import { saveGaussianStats } from '../src/metrics/gaussian-stats-file.js';
import type { InceptionScore } from '../src/metrics/inception-score.js';
import { openFeatureNetwork } from '../src/metrics/open-feature-network.js';
import { finalScoresSeed, runTraining } from '../src/train/train-run.js';
import { tempDir } from './support/datafiles.js';
import { randomStats } from './support/gaussians.js';

// The CLI as shipped: dist/ is built by `npm test` before the tests run.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const dir = tempDir('eval-cli');
const runDir = join(dir, 'run');
let checkpoint = '';
/** The training run's own Inception Score of its final EMA generator, on 150 images of the final-scores latents. */
let trainedIs: InceptionScore;

function evalCli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, 'eval', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test.before(async () => {
  const backend = await startBackend('auto');
  const config = resolveConfig({
    seed: 3,
    data: { dataset: 'mnist' },
    model: { latent: 16, gf: 8, df: 8 },
    train: { steps: 2, dBatch: 8, gBatch: 8, nCritic: 1, sampleEvery: 100, checkpointEvery: 100 },
    eval: { samples: 150, features: 'digits', splits: 5 },
  }, 'eval-cli test config');
  const digits = await openFeatureNetwork('digits', null);
  try {
    const report = await runTraining({
      config, arch: [1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 3], outDir: runDir, resume: false, backend: backend.name, log: () => {}, progress: process.stderr,
      scoring: { net: digits.net, reference: null, n: 150, splits: 5 },
    });
    checkpoint = report.checkpoint;
    trainedIs = report.scores!.is!;
  } finally {
    digits.net.dispose();
  }
});

test('eval --json scores a train checkpoint; FID reference statistics are cached in the run directory', () => {
  const r = evalCli('--checkpoint', checkpoint, '--metrics', 'is,fid', '--n', '150', '--batch', '64', '--json');
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    is: { mean: number; std: number }; fid: number; n: number; step: number; features: string;
    shares: number[]; heldOut: { n: number; is: { mean: number }; fid: number; shares: number[] };
  };
  assert.is(out.n, 150);
  assert.is(out.step, 2);
  assert.is(out.features, 'digits');
  assert.ok(Number.isFinite(out.fid) && out.fid > 0, `FID ${out.fid}`);
  // The share of each digit among the 150 images, and the held-out real digits' own figures beside them.
  assert.is(out.shares.length, 10);
  assert.ok(out.shares.every((s) => s >= 0 && Math.abs(s * 150 - Math.round(s * 150)) < 1e-9), `shares are counts of 150: ${JSON.stringify(out.shares)}`);
  assert.ok(Math.abs(out.shares.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.is(out.heldOut.n, 2000);
  assert.ok(out.heldOut.is.mean > 9 && out.heldOut.fid < 6, JSON.stringify(out.heldOut));
  const cached = readdirSync(runDir).filter((f) => /^fid-stats-mnist-train-digits-[0-9a-f]{12}\.npz$/.test(f));
  assert.is(cached.length, 1, readdirSync(runDir).join(' '));
  // Given the run directory, eval takes its newest checkpoint, reads the cached statistics, and with
  // the same seed scores the same images.
  const again = evalCli('--checkpoint', runDir, '--n', '150', '--batch', '64', '--json');
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stderr, /reference statistics: .*fid-stats-mnist-train-digits/);
  const second = JSON.parse(again.stdout) as typeof out;
  assert.ok(Math.abs(second.fid - out.fid) < 1e-6 * out.fid && Math.abs(second.is.mean - out.is.mean) < 1e-6, `${second.fid} vs ${out.fid}`);
  // The generator eval rebuilds from the checkpoint scores the training's final-scores latents as the training
  // itself scored them, in its own process.
  const same = evalCli('--checkpoint', checkpoint, '--metrics', 'is', '--n', '150', '--batch', '100', '--seed', String(finalScoresSeed(3)), '--json');
  assert.is(same.code, 0, same.stderr);
  const sameIs = (JSON.parse(same.stdout) as typeof out).is;
  // Equal here to the last bit; 1e-6 leaves room for another summation order, far below what other weights or
  // other images change (other latents: 1.760 against 1.827).
  assert.ok(Math.abs(sameIs.mean - trainedIs.mean) < 1e-6 && Math.abs(sameIs.std - trainedIs.std) < 1e-6, `eval ${JSON.stringify(sameIs)}, training ${JSON.stringify(trainedIs)}`);
  assert.ok(Math.abs(out.is.mean - trainedIs.mean) > 1e-3, `other latents (seed 3, batches of 64) give another score: ${out.is.mean}`);
  const text = evalCli('--checkpoint', checkpoint, '--metrics', 'is', '--n', '20', '--seed', '9');
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /IS  = \d+\.\d{4} ± \d+\.\d{4} \(5 splits\)/);
  assert.match(text.stdout, /^held-out real digits \(2000\): IS 9\.\d{3}$/m);
  assert.match(text.stdout, /^classes drawn: 0 \d+\.\d% {2}1 \d+\.\d%( {2}\d \d+\.\d%){8}; under 5\.0%: [^;]+; held-out real digits \d+\.\d–\d+\.\d% each$/m);
  assert.not.match(text.stdout, /FID/);
});

test('bad flags and files exit 2 with a message naming the flag or file', () => {
  const stats5 = join(dir, 'five.npz');
  saveGaussianStats(stats5, randomStats(1, 5));
  const cases: [string[], RegExp][] = [
    [[], /--checkpoint: is required/],
    [['--checkpoint', checkpoint, '--metrics', 'is,psnr'], /--metrics: unknown metric "psnr"/],
    [['--checkpoint', checkpoint, '--features', 'vgg'], /--features: must be one of digits\|inception/],
    [['--checkpoint', checkpoint, '--features', 'inception'], /--inception: is required with --features inception/],
    [['--checkpoint', checkpoint, '--n', '100'], /--n: FID on 128-d digits features needs more than 128 images/],
    [['--checkpoint', checkpoint, '--metrics', 'is', '--n', '3'], /--n: 3 images cannot be cut into the Inception Score's 5 splits/],
    [['--checkpoint', checkpoint, '--stats', stats5], /five\.npz: holds 5-d statistics but the digits network gives 128-d/],
    [['--checkpoint', join(dir, 'none.ckpt')], /none\.ckpt: cannot read checkpoint/],
    [['--checkpoint', shippedDigitWeightsPath()], /digits-classifier\.bin: not a checkpoint of `autogan train`/],
  ];
  for (const [args, re] of cases) {
    const r = evalCli(...args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  assert.ok(existsSync(checkpoint));
});

test.run();
