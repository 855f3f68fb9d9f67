import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BusyTracker, type BusySpan } from '../src/supervisor/busy-spans.js';
import type { Clock } from '../src/supervisor/clock.js';

/** A clock whose time moves only when the test says, running the timers that come due. */
class StepClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((x) => x !== timer));
  }
  to(t: number): void {
    for (;;) {
      const due = this.timers.filter((x) => x.at <= t).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.t = due.at;
      this.timers = this.timers.filter((x) => x !== due);
      due.fn();
    }
    this.t = t;
  }
}

function tracker(mergeGapMs = 250, maxSpanMs = 60_000) {
  const clock = new StepClock();
  const spans: BusySpan[] = [];
  return { clock, spans, busy: new BusyTracker(clock, (s) => spans.push(s), { mergeGapMs, maxSpanMs }) };
}

test('overlapping requests make one span; it goes out once the actor has been idle for the merge gap', () => {
  const { clock, spans, busy } = tracker();
  busy.begin('trainer.train');
  clock.to(100);
  busy.begin('trainer.state');
  clock.to(400);
  busy.end();
  clock.to(1000);
  busy.end();
  clock.to(1200);
  assert.equal(spans, []);
  clock.to(1250);
  assert.equal(spans, [{ from: 0, to: 1000, busySeconds: 1, requests: { 'trainer.train': 1, 'trainer.state': 1 } }]);
});

test('requests closer than the gap merge, keeping how much of the span was work; a longer gap starts a new span', () => {
  const { clock, spans, busy } = tracker();
  for (const t of [0, 200, 400]) {
    clock.to(t);
    busy.begin('resetter.push');
    clock.to(t + 10);
    busy.end();
  }
  clock.to(2000);
  busy.begin('resetter.clear');
  clock.to(2050);
  busy.end();
  clock.to(3000);
  assert.equal(spans.map((s) => [s.from, s.to, Math.round(s.busySeconds * 1000), s.requests]), [
    [0, 410, 30, { 'resetter.push': 3 }],
    [2000, 2050, 50, { 'resetter.clear': 1 }],
  ]);
});

test('a span is cut at its longest, busy or not, and flush ends one still open', () => {
  const { clock, spans, busy } = tracker(250, 1000);
  busy.begin('trainer.train');
  clock.to(2500);
  assert.equal(spans.map((s) => [s.from, s.to, s.busySeconds]), [[0, 1000, 1], [1000, 2000, 1]], 'an hour-long request shows while it runs');
  busy.flush();
  assert.equal(spans.map((s) => [s.from, s.to]).at(-1), [2000, 2500]);
  clock.to(9000);
  assert.is(spans.length, 3, 'nothing after a flush until the next request');
  busy.end(); // an answer after the flush (the actor is gone) changes nothing
  assert.is(spans.length, 3);
});

test.run();
