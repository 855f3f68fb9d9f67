import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFaultSpec } from '../src/supervisor/faults.js';
import { miniSearch, readEvents, seqGaps, startFixtureSystem, tempRunDir } from './support/runtime.js';

const test = suite('runtime: hang');

test('a hung evaluator is detected by its missing heartbeats, restarted, and the run completes', async () => {
  const dir = tempRunDir();
  const sys = await startFixtureSystem({ runDir: dir, faults: [parseFaultSpec('hang:evaluator@2')] });
  try {
    assert.is((await miniSearch(sys, dir, 3)).length, 9);
  } finally {
    await sys.shutdown('done');
  }
  const events = readEvents(dir);
  assert.equal(seqGaps(events), []);
  const ev = events.filter((e) => e.source === 'evaluator-0').map((e) => e.type);
  assert.ok(ev.indexOf('actor.hung') > ev.indexOf('fault.injected'), ev.join());
  assert.ok(ev.includes('actor.retry'));
  const exited = events.find((e) => e.type === 'actor.exited')!.payload as { cause: string };
  assert.is(exited.cause, 'hung (no heartbeat)');
  const hung = events.find((e) => e.type === 'actor.hung')!.payload as { silentMs: number };
  assert.ok(hung.silentMs > 1500 && hung.silentMs < 5000, `silent ${hung.silentMs} ms`);
});

test.run();
