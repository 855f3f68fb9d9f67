import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFaultSpec } from '../src/supervisor/faults.js';
import { miniSearch, readEvents, seqGaps, startFixtureSystem, tempRunDir } from './support/runtime.js';

const test = suite('runtime: crash');

test('a crashed trainer is restarted, its in-flight request retried, and the run completes with a gapless log', async () => {
  const dir = tempRunDir();
  const sys = await startFixtureSystem({ runDir: dir, faults: [parseFaultSpec('crash:trainer@3')] });
  const clean = await startFixtureSystem({});
  try {
    const rewards = await miniSearch(sys, dir, 3);
    assert.equal(rewards, await miniSearch(clean, tempRunDir(), 3), 'same rewards as a run without the crash');
  } finally {
    await sys.shutdown('done');
    await clean.shutdown('done');
  }
  const events = readEvents(dir);
  assert.equal(seqGaps(events), []);
  const types = events.filter((e) => e.source === 'trainer').map((e) => e.type);
  for (const t of ['fault.injected', 'actor.exited', 'actor.restarting', 'actor.restored', 'actor.retry']) assert.ok(types.includes(t), `${t} in ${types}`);
  assert.is(types.filter((t) => t === 'actor.placed').length, 2, 'placed twice: the first start and the restart');
  const exited = events.find((e) => e.type === 'actor.exited')!.payload as { cause: string };
  assert.match(exited.cause, /injected crash/);
  assert.is(events.filter((e) => e.type === 'search.iteration').length, 3);
  assert.is(events.at(-1)!.type, 'run.stopped');
});

test.run();
