import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from '../src/util/checkpoint-file.js';
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
  flipped[flipped.length - 33] ^= 0x01; // the last payload byte, before the trailing digest
  damaged('flipped.ckpt', flipped, /checksum mismatch/);
  const digest = Buffer.from(bytes);
  digest[digest.length - 1] ^= 0x01;
  damaged('digest.ckpt', digest, /checksum mismatch/);
  // A changed digit in the metadata still parses and still fits: only the checksum can tell.
  const meta = Buffer.from(bytes.toString('latin1').replace('"step":3', '"step":4'), 'latin1');
  assert.is.not(meta.toString('latin1'), bytes.toString('latin1'));
  damaged('meta.ckpt', meta, /checksum mismatch: the file is damaged/);
  damaged('tiny.ckpt', Buffer.from('AG'), /bad magic/);
  assert.throws(() => readCheckpoint(join(dir, 'missing.ckpt')), /cannot read checkpoint \(ENOENT\)/);
});

/** A file as version 1 wrote it: the payload's checksum in the header, no trailing digest. */
function versionOne(meta: unknown, w: Float32Array): Buffer {
  const payload = Buffer.from(w.buffer, w.byteOffset, w.byteLength);
  const header = Buffer.from(JSON.stringify({ meta, tensors: [{ name: 'w', shape: [w.length], offset: 0 }], payloadBytes: payload.length, sha256: createHash('sha256').update(payload).digest('hex') }));
  const prefix = Buffer.alloc(16);
  prefix.write('AGTSCKPT', 0, 'ascii');
  prefix.writeUInt32LE(1, 8);
  prefix.writeUInt32LE(header.length, 12);
  return Buffer.concat([prefix, header, payload]);
}

test('version 1 checkpoints (payload checksum in the header) are still read and still checked', () => {
  const v1 = join(dir, 'v1.ckpt');
  writeFileSync(v1, versionOne({ step: 7 }, new Float32Array([5, 6])));
  const c = readCheckpoint<{ step: number }>(v1);
  assert.is(c.meta.step, 7);
  assert.equal(Array.from(c.arrays.get('w')!.data), [5, 6]);
  const bad = readFileSync(v1);
  bad[bad.length - 1] ^= 0x01;
  damaged('v1-flipped.ckpt', bad, /checksum mismatch: the payload is damaged/);
});

test('a failed write leaves the previous file untouched', () => {
  assert.throws(() => writeCheckpoint(join(dir, 'no-such-dir', 'x.ckpt'), {}, new Map()), /cannot write .*no-such-dir/);
  assert.ok(existsSync(good));
  assert.equal(readFileSync(good), bytes);
});

test.run();
