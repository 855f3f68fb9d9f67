import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { crc32c, maskedCrc32c } from '../src/report/tb/crc32c.js';
import { FILE_VERSION, type TbEvent } from '../src/report/tb/event-records.js';
import { updateTbLog, type TbItem } from '../src/report/tb/tb-log.js';
import { pngImage } from '../src/report/tb/png-image.js';
import { readEventFile } from './support/tfevents-reader.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'agts-tb-'));

function png(width: number, height: number): Buffer {
  const p = new PNG({ width, height });
  for (let i = 0; i < p.data.length; i++) p.data[i] = (i * 37) & 255;
  return PNG.sync.write(p);
}

test('CRC-32C: the standard check value, and masking as TensorFlow defines it', () => {
  assert.is(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.is(crc32c(new Uint8Array(0)), 0);
  // mask(c) = rotr15(c) + 0xa282ead8 (mod 2^32), computed here independently for the check value.
  const c = 0xe3069283;
  assert.is(maskedCrc32c(new TextEncoder().encode('123456789')), (((c >>> 15) | ((c << 17) >>> 0)) + 0xa282ead8) % 2 ** 32);
});

test('event files read back by an independent reader: records, both CRCs, Event and Summary fields, PNG images', () => {
  const dir = join(tmp(), 'tb');
  const grid = png(18, 10);
  const dims = pngImage(join((() => { const d = tmp(); writeFileSync(join(d, 'g.png'), grid); return d; })(), 'g.png'))!;
  assert.equal([dims.width, dims.height, dims.colorspace], [18, 10, 4]);
  const events: TbEvent[] = [
    { wallTime: 1_700_000_000.25, step: 0, values: [{ tag: 'search/reward_mean', scalar: 2.5 }, { tag: 'shared_gan/d_loss', scalar: -0.125 }] },
    { wallTime: 1_700_000_001.5, step: 7, values: [{ tag: 'samples/best', image: dims }] },
    { wallTime: 1_700_000_002, step: 2 ** 40, values: [{ tag: 'eval/fid', scalar: 720.878 }] },
  ];
  const r = updateTbLog(dir, events.map((event, i) => ({ key: i, event })), 1_700_000_000_000);
  assert.ok('written' in r && r.written === 3);
  const read = readEventFile((r as { file: string }).file);
  assert.is(read.length, 4);
  assert.is(read[0]!.fileVersion, FILE_VERSION);
  assert.is(read[0]!.wallTime, 1_700_000_000);
  assert.equal(read.slice(1).map((e) => [e.wallTime, e.step]), [[1_700_000_000.25, 0], [1_700_000_001.5, 7], [1_700_000_002, 2 ** 40]]);
  assert.equal(read[1]!.values.map((v) => [v.tag, v.simpleValue]), [['search/reward_mean', 2.5], ['shared_gan/d_loss', -0.125]]);
  assert.ok(Math.abs(read[3]!.values[0]!.simpleValue! - 720.878) < 1e-4, 'a float32');
  const img = read[2]!.values[0]!.image!;
  assert.equal([img.height, img.width, img.colorspace, img.ihdr], [10, 18, 4, [18, 10]]);
  assert.is(img.pngSha256, createHash('sha256').update(grid).digest('hex'));
});

test('updates append only items past the cursor, cut a torn tail first, and skip while another process holds the lock', () => {
  const dir = join(tmp(), 'tb');
  const item = (key: number): TbItem => ({ key, event: { wallTime: 1000 + key, step: key, values: [{ tag: 'x', scalar: key }] } });
  const first = updateTbLog(dir, [item(1), item(2)], 5_000) as { file: string; written: number };
  const size = statSync(first.file).size;
  appendFileSync(first.file, Buffer.from([1, 2, 3, 4, 5])); // a later update killed half way
  const second = updateTbLog(dir, [item(1), item(2), item(3)], 6_000) as { file: string; written: number };
  assert.is(second.file, first.file, 'one file for the run: TensorBoard keeps reading it from where it was');
  assert.is(second.written, 1);
  assert.equal(readEventFile(second.file).slice(1).map((e) => e.step), [1, 2, 3], 'the torn bytes are gone, nothing twice');
  assert.ok(statSync(second.file).size > size);
  assert.is((updateTbLog(dir, [item(1), item(2), item(3)], 7_000) as { written: number }).written, 0);
  writeFileSync(join(dir, '.lock'), String(process.pid));
  assert.equal(updateTbLog(dir, [item(4)], 8_000), { busy: true });
  writeFileSync(join(dir, '.lock'), '999999999'); // a process that is gone: its lock is taken over
  assert.is((updateTbLog(dir, [item(4)], 9_000) as { written: number }).written, 1);
  assert.equal(JSON.parse(readFileSync(join(dir, 'cursor.json'), 'utf8')).key, 4);
});

test.run();
