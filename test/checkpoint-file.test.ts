import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from '../src/train/checkpoint-file.js';
import { InputError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'agts-ckptfile-'));
const good = join(dir, 'good.ckpt');
writeCheckpoint(good, { step: 3 }, new Map([['w', { shape: [2, 2], data: new Float32Array([1, 2, 3, Number.NaN]) }]]));
const bytes = readFileSync(good);

const damaged = (name: string, data: Buffer, pattern: RegExp) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  assert.throws(() => readCheckpoint(p), (e: Error) => e instanceof InputError && e.message.startsWith(p) && pattern.test(e.message), `${name}: ${pattern}`);
};

test('a checkpoint round-trips exactly, NaN included, and leaves no temporary file', () => {
  const c = readCheckpoint<{ step: number }>(good);
  assert.is(c.meta.step, 3);
  assert.equal(Array.from(c.arrays.get('w')!.data).slice(0, 3), [1, 2, 3]);
  assert.ok(Number.isNaN(c.arrays.get('w')!.data[3]));
  assert.equal(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
});

test('damaged checkpoints are named with what is wrong', () => {
  damaged('magic.ckpt', Buffer.concat([Buffer.from('NOTACKPT'), bytes.subarray(8)]), /bad magic/);
  const version = Buffer.from(bytes);
  version.writeUInt32LE(99, 8);
  damaged('version.ckpt', version, /checkpoint version 99/);
  const header = Buffer.from(bytes);
  header[16] = 0x7b + 1; // the header's opening brace
  damaged('header.ckpt', header, /damaged header/);
  damaged('truncated.ckpt', bytes.subarray(0, bytes.length - 3), /truncated or damaged/);
  damaged('oversized.ckpt', Buffer.concat([bytes, Buffer.alloc(7)]), /size .* expected/);
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 1] ^= 0xff;
  damaged('flipped.ckpt', flipped, /checksum mismatch/);
  damaged('tiny.ckpt', Buffer.from('AG'), /bad magic/);
  assert.throws(() => readCheckpoint(join(dir, 'missing.ckpt')), /cannot read checkpoint \(ENOENT\)/);
});

test('a failed write leaves the previous file untouched', () => {
  assert.throws(() => writeCheckpoint(join(dir, 'no-such-dir', 'x.ckpt'), {}, new Map()), /cannot write .*no-such-dir/);
  assert.ok(existsSync(good));
  assert.equal(readFileSync(good), bytes);
});

test.run();
