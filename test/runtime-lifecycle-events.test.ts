import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EventLog } from '../src/supervisor/event-log.js';
import { parseFaultSpec } from '../src/supervisor/faults.js';
import { miniSearch, readEvents, startFixtureSystem, tempRunDir } from './support/runtime.js';

const test = suite('runtime: lifecycle events');

test('the supervisor reports each status an actor enters, and counts its restarts without reading the log', async () => {
  const dir = tempRunDir();
  const sys = await startFixtureSystem({ runDir: dir, faults: [parseFaultSpec('crash:trainer@2')] });
  const seen: string[] = [];
  let stopped = '';
  sys.lifecycle.on('status', (id, s, before) => id === 'trainer' && seen.push(`${before.status}→${s.status}`));
  sys.lifecycle.on('stopped', (reason) => (stopped = reason));
  try {
    await miniSearch(sys, dir, 2);
    assert.is(sys.restarts(), 1);
  } finally {
    await sys.shutdown('done');
  }
  const crash = seen.indexOf('busy→restarting');
  assert.ok(crash >= 0, seen.join());
  assert.equal(seen.slice(crash, crash + 3), ['busy→restarting', 'restarting→starting', 'starting→busy'], 'the retried request waits for the new incarnation');
  assert.is(seen.at(-1), 'ready→stopped');
  assert.is(stopped, 'done');
  assert.is(readEvents(dir).filter((e) => e.type === 'actor.restarting').length, sys.restarts(), 'the count and the log agree');
});

test('a resumed run counts the restarts its log recorded before', async () => {
  const dir = tempRunDir();
  const earlier = EventLog.open(dir.events);
  for (const attempt of [1, 2]) earlier.emit('trainer', 'actor.restarting', { attempt, delayMs: 10, cause: 'exited with code 1' });
  earlier.close();
  const sys = await startFixtureSystem({ runDir: dir });
  try {
    assert.is(sys.restarts(), 2);
  } finally {
    await sys.shutdown('done');
  }
});

test('a give-up is a status and a failure event, and the failure promise holds the same error', async () => {
  // The first crash is restarted (its request retried, without the fault); the second is one too many.
  const faults = [1, 2].map((n) => parseFaultSpec(`crash:resetter@${n}`));
  const sys = await startFixtureSystem({ faults, policy: { baseDelayMs: 5, maxDelayMs: 20, maxRestarts: 1 } });
  const failed: Error[] = [];
  sys.lifecycle.on('failed', (e) => failed.push(e));
  for (const step of [1, 2]) await sys.ports.resetter.push({ loss: { step, dLoss: 1, gLoss: null } }).catch(() => undefined);
  const error = await sys.failure;
  await sys.shutdown('failed');
  assert.equal(failed, [error]);
  assert.is(sys.statuses().resetter!.status, 'error');
  assert.is(error.actorId, 'resetter');
});

test.run();
