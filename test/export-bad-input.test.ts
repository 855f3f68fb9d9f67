/**
 * `autogan export` and the readers of an export on bad input: a checkpoint that is not a generator's, a damaged
 * one, an --out in the way, an unknown format, a write that fails part-way; a damaged or partial export given to
 * loadGenerator and `autogan sample`. Each is exit 2 (or 1 for the failed write) naming the problem, with
 * nothing half-written left behind.
 */
import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend } from '../src/backend/select.js';
import { exportGenerator, generate, loadGenerator } from '../src/index.js';
import { parseArch } from '../src/nn/arch.js';
import { listCheckpoints } from '../src/train/checkpoint-dir.js';
import { writeCheckpoint } from '../src/util/checkpoint-file.js';
import { runTraining } from '../src/train/train-run.js';
import { dirBytes } from './support/bad-input.js';
import { cli, cliWithFileLimit } from './support/kill.js';
import { rejects } from './support/rejects.js';
import { tempRunDir, tinySearchConfig } from './support/tiny-search.js';

const root = mkdtempSync(join(tmpdir(), 'agts-export-bad-'));
let run = '';
let good = '';

/** Only what the test made: no export folder, no temporary one beside it. */
function nothingWritten(out: string): void {
  assert.not.ok(existsSync(out), `${out} was not written`);
  const parent = join(out, '..');
  const left = existsSync(parent) ? readdirSync(parent).filter((n) => n.includes('.partial-')) : [];
  assert.equal(left, [], 'no temporary folder left');
}

test.before(async () => {
  await startBackend('auto');
  run = tempRunDir('export-bad');
  const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;
  await runTraining({ config: tinySearchConfig({ train: { steps: 2 } }), arch: parseArch('1 0 1 1  1 0 0 1 1  1 0 1 0 3'), outDir: run, resume: false, backend: 'test', log: () => {}, progress: quiet });
  good = join(root, 'good');
  const r = cli('export', '--checkpoint', run, '--out', good, '--json');
  assert.is(r.status, 0, r.stderr);
  assert.is((JSON.parse(r.stdout) as { out: string }).out, good);
});

test('a checkpoint that is not a generator\'s: exit 2 naming its kind; a search run is pointed at its derived architectures', () => {
  const out = join(root, 'digits');
  const r = cli('export', '--checkpoint', 'weights/digits-classifier.bin', '--out', out);
  assert.is(r.status, 2);
  assert.match(r.stderr, /digits-classifier\.bin: not a checkpoint of `autogan train` \(kind "digits-classifier"\)/);
  nothingWritten(out);
});

test('a search run directory: pointed at its derived architectures', async () => {
  const search = join(root, 'search-run');
  mkdirSync(join(search, 'derive', 'top1'), { recursive: true });
  mkdirSync(join(search, 'checkpoints'));
  writeCheckpoint(join(search, 'checkpoints', 'step-000000001.ckpt'), { kind: 'search' }, new Map());
  await rejects(exportGenerator({ checkpoint: search, out: join(root, 'from-search') }), /kind "search"\); a search's generators are its derived architectures: --checkpoint .*search-run\/derive\/top1/);
  nothingWritten(join(root, 'from-search'));
});

test('a damaged or truncated checkpoint: an input error naming the file and the damage, nothing written', async () => {
  const ckpt = listCheckpoints(join(run, 'checkpoints')).pop()!;
  const bytes = readFileSync(ckpt);
  const flipped = join(root, 'flipped.ckpt');
  const copy = Buffer.from(bytes);
  copy[copy.length - 100]! ^= 0xff;
  writeFileSync(flipped, copy);
  await rejects(exportGenerator({ checkpoint: flipped, out: join(root, 'flipped') }), /flipped\.ckpt: checksum mismatch: the file is damaged/);
  nothingWritten(join(root, 'flipped'));
  const cut = join(root, 'cut.ckpt');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 1000));
  await rejects(exportGenerator({ checkpoint: cut, out: join(root, 'cut') }), /cut\.ckpt: size \d+ bytes, expected \d+: truncated or damaged/);
  nothingWritten(join(root, 'cut'));
});

test('an --out that exists and is not empty, or is a file: exit 2, left as it was; an empty folder is filled', async () => {
  const before = dirBytes(good);
  const r = cli('export', '--checkpoint', run, '--out', good);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--out: .*good exists and is not empty/);
  assert.equal(dirBytes(good), before);
  const file = join(root, 'a-file');
  writeFileSync(file, 'mine');
  await rejects(exportGenerator({ checkpoint: run, out: file }), /--out: .*a-file is a file/);
  assert.is(readFileSync(file, 'utf8'), 'mine');
  const empty = join(root, 'empty');
  mkdirSync(empty);
  await exportGenerator({ checkpoint: run, out: empty, format: 'onnx' });
  assert.equal(readdirSync(empty).sort(), ['check.json', 'model.onnx']);
});

test('an unknown format, or no --out: exit 2 naming the flag', () => {
  const r = cli('export', '--checkpoint', run, '--out', join(root, 'keras'), '--format', 'keras');
  assert.is(r.status, 2);
  assert.match(r.stderr, /--format: unknown format "keras" \(use tfjs, onnx, both\)/);
  nothingWritten(join(root, 'keras'));
  assert.match(cli('export', '--checkpoint', run).stderr, /--out: is required/);
});

test('a write that fails part-way (no room): exit 1 saying so, and no export folder, whole or partial', () => {
  const out = join(root, 'no-room');
  // page.js carries tfjs (over a megabyte): the limit lets the small files through and stops it.
  const r = cliWithFileLimit(300, 'export', '--checkpoint', run, '--out', out);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /cannot write .*no-room\/page\.js: no room left/);
  nothingWritten(out);
});

test('a damaged or partial export: loadGenerator and `autogan sample` name the file and what is wrong', async () => {
  const broken = (name: string, edit: (dir: string) => void) => {
    const dir = join(root, name);
    cpSync(good, dir, { recursive: true });
    edit(dir);
    return dir;
  };
  const cases: [string, string, RegExp][] = [
    ['bad-json', broken('bad-json', (d) => writeFileSync(join(d, 'model.json'), '{"format": "graph-mo')), /bad-json\/model\.json: not JSON/],
    ['no-shard', broken('no-shard', (d) => unlinkSync(join(d, 'group1-shard1of1.bin'))), /no-shard\/group1-shard1of1\.bin: cannot read \(ENOENT\): the export is incomplete/],
    ['short-shard', broken('short-shard', (d) => writeFileSync(join(d, 'group1-shard1of1.bin'), readFileSync(join(d, 'group1-shard1of1.bin')).subarray(8))), /short-shard\/model\.json: its weight shards hold \d+ bytes; the manifest's weights take \d+/],
    ['foreign', broken('foreign', (d) => {
      const json = JSON.parse(readFileSync(join(d, 'model.json'), 'utf8')) as { userDefinedMetadata: Record<string, unknown> };
      json.userDefinedMetadata['producer'] = 'someone else';
      writeFileSync(join(d, 'model.json'), JSON.stringify(json));
    }), /foreign\/model\.json: not a generator exported by `autogan export`/],
    ['onnx-only', broken('onnx-only', (d) => ['model.json', 'group1-shard1of1.bin', 'index.html', 'page.js'].forEach((f) => unlinkSync(join(d, f)))), /onnx-only: holds only the ONNX model/],
  ];
  for (const [, dir, message] of cases) await rejects(loadGenerator(dir), message);
  for (const [name, dir, message] of cases.filter(([n]) => n === 'bad-json' || n === 'onnx-only')) {
    const r = cli('sample', '--checkpoint', dir, '--out', join(root, `${name}.png`));
    assert.is(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.not.ok(existsSync(join(root, `${name}.png`)));
  }
  await rejects(loadGenerator(join(root, 'nowhere')), /nowhere: no such export folder/);
});

test('generate() takes latents of the model\'s size only', async () => {
  const gen = await loadGenerator(good);
  const before = tf.memory().numTensors;
  assert.throws(() => generate(gen, [[1, 2, 3]]), /latents of shape \[1,3\]; the generator in .*good takes \[n, 8\]/);
  assert.is(tf.memory().numTensors, before, 'the latents made from numbers are freed');
  gen.dispose();
});

test.run();
