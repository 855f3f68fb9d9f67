import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TransferBar } from '../src/data/progress.js';
import { ProgressBar, StatusLine } from '../src/util/progress-bar.js';

/** A stream that keeps what is written to it. */
const stream = (isTTY: boolean) => {
  const writes: string[] = [];
  return { writes, out: { isTTY, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WritableStream & { isTTY: boolean } };
};

test('off a terminal, a status line is written once per tenth of the work, and not at all while the total is unknown', () => {
  const { writes, out } = stream(false);
  const line = new StatusLine(out, 1000);
  for (let i = 0; i <= 100; i++) line.draw(`at ${i}`, i / 100);
  assert.equal(writes, ['at 0\n', 'at 10\n', 'at 20\n', 'at 30\n', 'at 40\n', 'at 50\n', 'at 60\n', 'at 70\n', 'at 80\n', 'at 90\n', 'at 100\n']);
  const unknown = stream(false);
  new TransferBar(unknown.out, 'x.tar.gz').update({ bytes: 5e6, total: null, rate: 1e6 });
  assert.equal(unknown.writes, []);
});

test('on a terminal, a status line is redrawn in place at most once per interval, and finished on its own line', () => {
  const { writes, out } = stream(true);
  let now = 0;
  const bar = new ProgressBar(out, 'train', 10, 'step', 250, 0, () => now);
  for (let step = 1; step <= 10; step++) {
    now += 100;
    bar.update(step);
  }
  assert.is(writes.length, 3, writes.join('|')); // 250 ms apart at least: at 300, 600 and 900 ms
  assert.ok(writes.every((w) => w.startsWith('\rtrain [') && w.endsWith('\x1b[K')));
  bar.finish(10);
  assert.match(writes.at(-1)!, /^\rtrain \[#+\] 100\.0%  10\/10  10\.00 step\/s  ETA 0s\x1b\[K\n$/);
});

test.run();
