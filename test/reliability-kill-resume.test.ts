import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint } from '../src/util/checkpoint-file.js';
import { listCheckpoints } from '../src/train/checkpoint-dir.js';
import { loadBlasAddon } from '../src/backend/blas/addon.js';
import { cli, cliWithFileLimit, killAfter, killMidRun, writeTinySearchConfig } from './support/kill.js';

const ARCH = '1 0 1 1  1 0 0 1 1  1 0 1 0 3';
const root = mkdtempSync(join(tmpdir(), 'agts-kill-'));
const trainConfig = join(root, 'train.json');
writeFileSync(trainConfig, JSON.stringify({
  seed: 5, data: { dataset: 'mnist' }, model: { latent: 8, gf: 4, df: 4 },
  train: { steps: 12, dBatch: 8, gBatch: 8, nCritic: 2, sampleEvery: 4, checkpointEvery: 2 },
  eval: { samples: 130, features: 'digits' },
}));
const searchConfig = writeTinySearchConfig(join(root, 'search.json'), 6);

/**
 * Runs `autogan ARGS`, writing `dir`, to the end; returns how long it ran after writing dir/config.json, the file
 * the kills wait for, so that kill points are drawn within a run.
 */
function timedRun(dir: string, ...args: string[]): number {
  const r = cli(...args);
  assert.is(r.status, 0, r.stderr);
  return Date.now() - statSync(join(dir, 'config.json')).mtimeMs;
}

/** Whether a run got to its end: report.json is its last write (a SIGKILL after it cut nothing). */
const finished = (dir: string) => () => existsSync(join(dir, 'report.json'));

const checkpointFiles = (dir: string) => (existsSync(join(dir, 'checkpoints')) ? readdirSync(join(dir, 'checkpoints')).sort() : []);

function finalArrays(dir: string): Map<string, Float32Array> {
  const last = listCheckpoints(join(dir, 'checkpoints')).pop()!;
  return new Map([...readCheckpoint(last).arrays].map(([k, v]) => [k, v.data]));
}

test('train: SIGKILL at a random point, then --resume, ends exactly as an uninterrupted run', async () => {
  const whole = join(root, 'train-whole');
  const span = timedRun(whole, 'train', '--arch', ARCH, '--config', trainConfig, '--out', whole);
  const expected = finalArrays(whole);
  const history = JSON.parse(readFileSync(join(whole, 'report.json'), 'utf8')).history;
  // One kill point per run of the suite: each run of it draws another.
  const dir = join(root, 'train-cut');
  await killMidRun(['train', '--arch', ARCH, '--config', trainConfig, '--out', dir], dir, join(dir, 'config.json'), 0.9 * span, 'train kill', finished(dir));
  const resumed = cli('train', '--resume', dir);
  assert.is(resumed.status, 0, resumed.stderr);
  const got = finalArrays(dir);
  assert.is(got.size, expected.size);
  for (const [name, data] of expected) assert.ok(data.every((v, i) => v === got.get(name)![i]), `${name} differs after resume`);
  assert.equal(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).history, history);
});

const searchWhole = join(root, 'search-whole');
let searchSpan = 0;
type SearchReport = { iterations: unknown; beams: unknown; candidates: unknown; derived: { arch: string; is: unknown; fid: unknown }[] };
/** A search report without its timings. */
const searchOutcome = (dir: string) => {
  const rep = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as SearchReport;
  return { iterations: rep.iterations, beams: rep.beams, candidates: rep.candidates, derived: rep.derived.map((d) => [d.arch, d.is, d.fid]) };
};

test('search: SIGKILL before the first checkpoint and at a random point, then --resume, samples the same architectures and ends with the same report', async () => {
  searchSpan = timedRun(searchWhole, 'search', '--config', searchConfig, '--out', searchWhole);
  const expected = searchOutcome(searchWhole);
  // Before the first checkpoint, and at one point drawn at random (another on each run of the suite).
  for (const k of [0, 1]) {
    const dir = join(root, `search-cut${k}`);
    const args = ['search', '--config', searchConfig, '--out', dir];
    let delay = 0;
    if (k === 0) {
      assert.equal(await killAfter(args, join(dir, 'config.json'), 0), { killed: true }, 'the run was killed');
      assert.equal(checkpointFiles(dir), [], 'killed before its first checkpoint');
    } else delay = await killMidRun(args, dir, join(dir, 'config.json'), 0.9 * searchSpan, `search kill ${k}`, finished(dir));
    const resumed = cli('search', '--resume', dir);
    assert.is(resumed.status, 0, resumed.stderr);
    assert.equal(searchOutcome(dir), expected, `kill ${k} at ${delay} ms`);
  }
});

test('search and derivation in per-GPU-style child processes (--gpus 0,1 --backend blas): SIGKILL, then --resume, ends as an uninterrupted run', async () => {
  const flags = ['--gpus', '0,1', '--backend', loadBlasAddon().ok ? 'blas' : 'wasm'];
  const whole = join(root, 'gpus-whole');
  const r = cli('search', '--config', searchConfig, '--out', whole, ...flags);
  assert.is(r.status, 0, r.stderr);
  const placed = readFileSync(join(whole, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"actor.placed"')).map((l) => JSON.parse(l).payload);
  assert.ok(placed.some((p: { kind: string; transport: string; cudaVisibleDevices: string }) => p.kind === 'trainer' && p.transport === 'process' && p.cudaVisibleDevices === '0'));
  assert.ok(placed.some((p: { kind: string; transport: string; cudaVisibleDevices: string }) => p.kind === 'evaluator' && p.transport === 'process' && p.cudaVisibleDevices === '1'));
  assert.ok(placed.some((p: { kind: string; transport: string; cudaVisibleDevices: string }) => p.kind === 'deriver' && p.transport === 'process' && p.cudaVisibleDevices === '0'), 'derivation on a deriver process of its own');
  const dir = join(root, 'gpus-cut');
  await killMidRun(['search', '--config', searchConfig, '--out', dir, ...flags], dir, join(dir, 'config.json'), 0.9 * searchSpan, 'per-GPU search kill', finished(dir));
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

const CKPT_1 = 'step-000000001.ckpt';

test('disk full during a search: the failing checkpoint write is named, nothing half-written is left, the previous checkpoint and the log stay whole, and --resume finishes the run', async () => {
  const dir = join(root, 'search-full');
  assert.equal(await killAfter(['search', '--config', searchConfig, '--out', dir], join(dir, 'checkpoints', CKPT_1), 0), { killed: true }, 'killed as its first checkpoint appeared');
  assert.equal(checkpointFiles(dir), [CKPT_1]);
  const first = readFileSync(join(dir, 'checkpoints', CKPT_1));
  // Room for the config and the log, not for a checkpoint (hundreds of KiB).
  const full = cliWithFileLimit(64, 'search', '--resume', dir);
  assert.is(full.status, 1, full.stderr);
  // The next save after the resume (the stage's hand-over, still iteration 1) is the first write that fails.
  assert.match(full.stderr, /^fatal: cannot write \S*step-000000001\.ckpt: no room left/m);
  assert.equal(checkpointFiles(dir), [CKPT_1], 'no partial or temporary checkpoint');
  assert.ok(readFileSync(join(dir, 'checkpoints', CKPT_1)).equals(first), 'the previous checkpoint is untouched');
  for (const line of readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean)) JSON.parse(line);
  const resumed = cli('search', '--resume', dir);
  assert.is(resumed.status, 0, resumed.stderr);
  assert.equal(searchOutcome(dir), searchOutcome(searchWhole));
});

test('disk full before the first checkpoint of a train run: a clear error, no checkpoint left, and --resume starts over and ends as an uninterrupted run', () => {
  const dir = join(root, 'train-full');
  const full = cliWithFileLimit(16, 'train', '--arch', ARCH, '--config', trainConfig, '--out', dir);
  assert.is(full.status, 1, full.stderr);
  assert.match(full.stderr, /^fatal: cannot write \S*step-000000002\.ckpt: no room left/m);
  assert.equal(checkpointFiles(dir), []);
  const resumed = cli('train', '--resume', dir);
  assert.is(resumed.status, 0, resumed.stderr);
  const expected = finalArrays(join(root, 'train-whole'));
  const got = finalArrays(dir);
  for (const [name, data] of expected) assert.ok(data.every((v, i) => v === got.get(name)![i]), `${name} differs after resume`);
});

test.run();
