import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint } from '../src/train/checkpoint-file.js';
import { listCheckpoints } from '../src/train/checkpoint-dir.js';
import { loadBlasAddon } from '../src/backend/blas/addon.js';
import { cli, killAfter, randomDelay, writeTinySearchConfig } from './support/kill.js';

const ARCH = '1 0 1 1  1 0 0 1 1  1 0 1 0 3';
const root = mkdtempSync(join(tmpdir(), 'agts-kill-'));
const trainConfig = join(root, 'train.json');
writeFileSync(trainConfig, JSON.stringify({
  seed: 5, data: { dataset: 'mnist' }, model: { latent: 8, gf: 4, df: 4 },
  train: { steps: 12, dBatch: 8, gBatch: 8, nCritic: 2, sampleEvery: 4, checkpointEvery: 2 },
  eval: { samples: 130, features: 'digits' },
}));
const searchConfig = writeTinySearchConfig(join(root, 'search.json'), 6);

function finalArrays(dir: string): Map<string, Float32Array> {
  const last = listCheckpoints(join(dir, 'checkpoints')).pop()!;
  return new Map([...readCheckpoint(last).arrays].map(([k, v]) => [k, v.data]));
}

test('train: SIGKILL at random points, then --resume, ends exactly as an uninterrupted run', async () => {
  const whole = join(root, 'train-whole');
  const r = cli('train', '--arch', ARCH, '--config', trainConfig, '--out', whole);
  assert.is(r.status, 0, r.stderr);
  const expected = finalArrays(whole);
  const history = JSON.parse(readFileSync(join(whole, 'report.json'), 'utf8')).history;
  for (const k of [1, 2]) {
    const dir = join(root, `train-cut${k}`);
    await killAfter(['train', '--arch', ARCH, '--config', trainConfig, '--out', dir], dir, randomDelay(6000, `train kill ${k}`));
    const resumed = cli('train', '--resume', dir);
    assert.is(resumed.status, 0, resumed.stderr);
    const got = finalArrays(dir);
    assert.is(got.size, expected.size);
    for (const [name, data] of expected) assert.ok(data.every((v, i) => v === got.get(name)![i]), `${name} differs after resume`);
    assert.equal(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).history, history);
  }
});

test('search: SIGKILL at a random point, then --resume, samples the same architectures and ends with the same report', async () => {
  const whole = join(root, 'search-whole');
  const r = cli('search', '--config', searchConfig, '--out', whole);
  assert.is(r.status, 0, r.stderr);
  const expected = JSON.parse(readFileSync(join(whole, 'report.json'), 'utf8'));
  const dir = join(root, 'search-cut');
  await killAfter(['search', '--config', searchConfig, '--out', dir], dir, randomDelay(15000, 'search kill'));
  const resumed = cli('search', '--resume', dir);
  assert.is(resumed.status, 0, resumed.stderr);
  const got = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  const strip = (rep: { iterations: unknown; beams: unknown; candidates: unknown; derived: { arch: string; is: unknown; fid: unknown }[] }) => ({
    iterations: rep.iterations, beams: rep.beams, candidates: rep.candidates, derived: rep.derived.map((d) => [d.arch, d.is, d.fid]),
  });
  assert.equal(strip(got), strip(expected));
});

test('search in per-GPU-style child processes (--gpus 0,1 --backend blas): SIGKILL, then --resume, ends as an uninterrupted run', async () => {
  const flags = ['--gpus', '0,1', '--backend', loadBlasAddon().ok ? 'blas' : 'wasm'];
  const whole = join(root, 'gpus-whole');
  const r = cli('search', '--config', searchConfig, '--out', whole, ...flags);
  assert.is(r.status, 0, r.stderr);
  const placed = readFileSync(join(whole, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"actor.placed"')).map((l) => JSON.parse(l).payload);
  assert.ok(placed.some((p: { kind: string; transport: string; cudaVisibleDevices: string }) => p.kind === 'trainer' && p.transport === 'process' && p.cudaVisibleDevices === '0'));
  assert.ok(placed.some((p: { kind: string; transport: string; cudaVisibleDevices: string }) => p.kind === 'evaluator' && p.transport === 'process' && p.cudaVisibleDevices === '1'));
  const dir = join(root, 'gpus-cut');
  await killAfter(['search', '--config', searchConfig, '--out', dir, ...flags], dir, randomDelay(15000, 'per-GPU search kill'));
  const resumed = cli('search', '--resume', dir, ...flags);
  assert.is(resumed.status, 0, resumed.stderr);
  const a = JSON.parse(readFileSync(join(whole, 'report.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  assert.equal(b.iterations.map((i: { bestArch: number[] }) => i.bestArch), a.iterations.map((i: { bestArch: number[] }) => i.bestArch));
  assert.equal(b.candidates, a.candidates);
});

test('a damaged newest checkpoint is named, and --resume falls back to the one before', () => {
  const dir = join(root, 'train-damaged');
  const r = cli('train', '--arch', ARCH, '--config', trainConfig, '--out', dir, '--steps', '4');
  assert.is(r.status, 0, r.stderr);
  const ckpts = listCheckpoints(join(dir, 'checkpoints'));
  const newest = ckpts[ckpts.length - 1]!;
  const bytes = readFileSync(newest);
  writeFileSync(newest, bytes.subarray(0, bytes.length - 100)); // truncated
  assert.throws(() => readCheckpoint(newest), (e: Error) => e.message.startsWith(newest) && /truncated/.test(e.message));
  const resumed = cli('train', '--resume', dir);
  assert.is(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /skipped damaged checkpoint: .*step-000000004\.ckpt: size/);
  assert.match(resumed.stderr, /resuming from .*step-000000002\.ckpt/);
});

test('an unwritable run directory is a clear error at the first write, and nothing half-written is left', () => {
  const blocker = join(root, 'a-file');
  writeFileSync(blocker, 'not a directory');
  const r = cli('train', '--arch', ARCH, '--config', trainConfig, '--out', join(blocker, 'run'));
  assert.is(r.status, 1);
  assert.match(r.stderr, /^fatal: .*a-file\/run/m);
  assert.is(readFileSync(blocker, 'utf8'), 'not a directory');
});

test.run();
