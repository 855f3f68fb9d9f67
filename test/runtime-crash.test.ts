import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFaultSpec } from '../src/supervisor/faults.js';
import { miniSearch, readEvents, seqGaps, startFixtureSystem, tempRunDir } from './support/runtime.js';

const test = suite('runtime: crash');

// The fixture trainer's weights depend on the seed and move with every iteration, and the evaluator scores them:
// only a trainer restored to the state it had reproduces the rewards of a run without the crash. The 4th request
// is the second iteration's train, after the first iteration's state request gave the supervisor a state to hold.
test('a crashed trainer is restarted from the state the supervisor holds, its in-flight request retried, and the run completes with a gapless log', async () => {
  const dir = tempRunDir();
  const sys = await startFixtureSystem({ runDir: dir, faults: [parseFaultSpec('crash:trainer@4')] });
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
  assert.equal(events.find((e) => e.type === 'actor.restored')!.payload, { incarnation: 2, from: 'held state' });
  assert.is(events.filter((e) => e.type === 'search.iteration').length, 3);
  assert.is(events.at(-1)!.type, 'run.stopped');
});

test.run();
