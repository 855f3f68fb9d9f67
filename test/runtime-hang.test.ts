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

test('a supervisor that did not run for longer than the hang timeout (a process suspended, a blocked event loop) takes no actor for hung', async () => {
  const dir = tempRunDir();
  const sys = await startFixtureSystem({ runDir: dir });
  try {
    await miniSearch(sys, dir, 1);
    // The supervisor's thread stops for 2.5 s, past the 1.5 s hang timeout, while the actors' heartbeats queue up:
    // its watchdog's next look comes first and late, as after a SIGSTOP or a laptop's sleep.
    const until = Date.now() + 2500;
    while (Date.now() < until);
    assert.is((await miniSearch(sys, dir, 2)).length, 6);
  } finally {
    await sys.shutdown('done');
  }
  const events = readEvents(dir);
  assert.equal(events.filter((e) => e.type === 'actor.hung' || e.type === 'actor.exited').map((e) => `${e.source} ${e.type}`), []);
});

test.run();
