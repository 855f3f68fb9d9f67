import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFaultSpec } from '../src/supervisor/faults.js';
import { miniSearch, readEvents, seqGaps, startFixtureSystem, tempRunDir } from './support/runtime.js';

const test = suite('runtime: malformed message');

test('a malformed message is rejected with an error event naming the actor and field, and nothing else breaks', async () => {
  const dir = tempRunDir();
  const sys = await startFixtureSystem({ runDir: dir, faults: [parseFaultSpec('malformed:controller@1'), parseFaultSpec('malformed:trainer@2')] });
  const clean = await startFixtureSystem({});
  try {
    assert.equal(await miniSearch(sys, dir, 2), await miniSearch(clean, tempRunDir(), 2));
  } finally {
    await sys.shutdown('done');
    await clean.shutdown('done');
  }
  const events = readEvents(dir);
  assert.equal(seqGaps(events), []);
  const errors = events.filter((e) => e.type === 'actor.error').map((e) => ({ source: e.source, ...(e.payload as { field: string; message: string }) }));
  assert.is(errors.length, 2);
  assert.is(errors[0]!.source, 'controller');
  assert.is(errors[0]!.field, 'args.injected');
  assert.is(errors[0]!.message, 'controller: rejected malformed controller.sample message: args.injected: unexpected field');
  assert.is(errors[1]!.source, 'trainer');
  assert.is(errors[1]!.field, 'args.injected');
  assert.not.ok(events.some((e) => e.type === 'actor.exited' || e.type === 'actor.restarting'), 'no actor died');
});

test.run();
