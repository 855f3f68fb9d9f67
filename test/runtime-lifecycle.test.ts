import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ActorGaveUpError, ActorInputError, RunStoppedError } from '../src/errors.js';
import type { Placement } from '../src/protocol/lifecycle.js';
import { NEW_ACTOR, exitCause, transition, type Lifecycle, type LifecycleEvent, type LifecycleRules } from '../src/supervisor/actor-lifecycle.js';

const test = suite('runtime: actor lifecycle');
const rules: LifecycleRules = {
  id: 'trainer',
  timing: { heartbeatMs: 10, hangTimeoutMs: 100, startTimeoutMs: 1000 },
  policy: { baseDelayMs: 5, maxDelayMs: 50, maxRestarts: 2, windowMs: 10_000, retriesPerRequest: 1 },
};
const placement: Placement = { transport: 'thread', pid: 1, threadId: 2, backend: 'cpu', tfBackend: 'cpu', cudaVisibleDevices: null };

/** The lifecycle after `events`, from a new actor. */
const after = (...events: LifecycleEvent[]): Lifecycle => events.reduce((lc, e) => transition(lc, e, rules), NEW_ACTOR);
const statusAfter = (...events: LifecycleEvent[]) => after(...events).status.status;
const spawned = (now = 0): LifecycleEvent => ({ type: 'spawned', now });
const ready = (now = 0, busy = false): LifecycleEvent => ({ type: 'ready', placement, now, busy });
const exited = (now: number, cause = 'exited with code 1'): LifecycleEvent => ({ type: 'exited', cause, now });
const tick = (now: number, lateMs = 0) => ({ type: 'tick', now, lateMs }) as const;

test('starting → ready, or busy when requests wait; ready ⇄ busy as requests come and go', () => {
  assert.equal(after(spawned(5)), { status: { status: 'starting', since: 5, inputError: null }, incarnation: 1, restarts: [] });
  assert.equal(after(spawned(), ready(7)).status, { status: 'ready', placement, lastSeen: 7 });
  assert.is(statusAfter(spawned(), ready(0, true)), 'busy');
  assert.is(statusAfter(spawned(), ready(), { type: 'work', busy: true }), 'busy');
  assert.is(statusAfter(spawned(), ready(), { type: 'work', busy: true }, { type: 'work', busy: false }), 'ready');
  assert.is(statusAfter({ type: 'work', busy: true }), 'starting', 'requests made before the first spawn wait');
});

test('hung: a starting actor not ready in time, a serving one silent too long; a message keeps it alive', () => {
  assert.equal(after(spawned(0), tick(1001)).status, { status: 'hung', wasReady: false, silentMs: 1001 });
  assert.is(statusAfter(spawned(0), tick(1000)), 'starting');
  assert.equal(after(spawned(), ready(0, true), tick(101)).status, { status: 'hung', wasReady: true, silentMs: 101 });
  assert.is(statusAfter(spawned(), ready(0), { type: 'heard', now: 90 }, tick(150)), 'ready');
});

test('silence is counted only while the supervisor runs: a process suspended past the timeouts is not hung', () => {
  // The watchdog's look came 10 minutes late: the process (a laptop asleep, a SIGSTOP) did not run.
  assert.equal(after(spawned(), ready(0, true), tick(600_005, 600_000)).status, { status: 'busy', placement, lastSeen: 600_000 });
  assert.is(statusAfter(spawned(0), tick(600_500, 600_000)), 'starting');
  // Its silence before and after the pause still adds up.
  assert.equal(after(spawned(), ready(0), tick(600_050, 600_000), tick(600_101)).status, { status: 'hung', wasReady: true, silentMs: 101 });
  assert.equal(after(spawned(0), tick(600_500, 600_000), tick(601_001)).status, { status: 'hung', wasReady: false, silentMs: 1001 });
});

test('an exit restarts with backoff, the restart is remembered, and the next spawn is incarnation 2', () => {
  const lc = after(spawned(), ready(), exited(50));
  assert.equal(lc.status, { status: 'restarting', attempt: 1, delayMs: 5, cause: 'exited with code 1' });
  assert.equal(lc.restarts, [50]);
  const again = transition(lc, spawned(60), rules);
  assert.is(again.incarnation, 2);
  assert.is(again.status.status, 'starting');
  assert.is(statusAfter(spawned(), ready(0, true), tick(200), exited(200, 'hung (no heartbeat)')), 'restarting', 'a hung actor that was ready is restarted');
});

test('error: an actor dying while starting, one restarted too often, one that refused its input', () => {
  const whileStarting = after(spawned(), exited(10)).status;
  assert.ok(whileStarting.status === 'error' && whileStarting.error instanceof ActorGaveUpError);
  assert.ok(whileStarting.status === 'error' && whileStarting.error.message === 'trainer: gave up after repeated failures: exited with code 1 while starting');
  const hungStarting = after(spawned(0), tick(2000), exited(2000, 'hung (no heartbeat)')).status;
  assert.is(hungStarting.status, 'error', 'never ready: hung while starting is not restarted');
  const twice = [spawned(0), ready(0), exited(10), spawned(20), ready(20), exited(30), spawned(40), ready(40), exited(50)];
  const gaveUp = after(...twice).status;
  assert.ok(gaveUp.status === 'error' && /2 restarts within 10 s already$/.test(gaveUp.error.message), JSON.stringify(gaveUp));
  const refused = after(spawned(), { type: 'refused-input', message: 'data.bin: too short' }, exited(5)).status;
  assert.ok(refused.status === 'error' && refused.error instanceof ActorInputError && refused.error.message === 'trainer: data.bin: too short');
});

test('halted from any live status → stopped; stopped and error are final', () => {
  const cause = new RunStoppedError('test');
  for (const events of [[], [spawned()], [spawned(), ready()], [spawned(), ready(), exited(5)]]) {
    assert.equal(after(...events, { type: 'halted', why: 'the run stops', cause }).status, { status: 'stopped', why: 'the run stops', cause });
  }
  const stopped = after(spawned(), ready(), { type: 'halted', why: 'done', cause: null });
  for (const e of [spawned(9), ready(9), exited(9), tick(1e9), { type: 'halted', why: 'again', cause: null } as const]) {
    assert.is(transition(stopped, e, rules), stopped, e.type);
  }
  const failed = after(spawned(), exited(1));
  assert.is(transition(failed, spawned(2), rules), failed);
});

test('events that do not apply to the status leave it as it is', () => {
  const starting = after(spawned());
  assert.is(transition(starting, spawned(3), rules), starting, 'a starting actor is not spawned twice');
  assert.is(transition(starting, { type: 'heard', now: 3 }, rules), starting);
  const serving = after(spawned(), ready());
  assert.is(transition(serving, ready(4), rules), serving);
  assert.is(transition(serving, { type: 'refused-input', message: 'x' }, rules), serving, 'an input error after ready is a request\'s, not the start\'s');
  const restarting = after(spawned(), ready(), exited(5));
  assert.is(transition(restarting, exited(6), rules), restarting);
  assert.is(transition(restarting, tick(1e9), rules), restarting);
});

test('the exit cause names the watchdog\'s kill, an injected crash, or the exit as reported', () => {
  assert.is(exitCause({ status: 'hung', wasReady: true, silentMs: 5 }, { code: 1, error: null }), 'hung (no heartbeat)');
  assert.is(exitCause({ status: 'busy', placement, lastSeen: 0 }, { code: 70, error: null }), 'injected crash (exit 70)');
  assert.is(exitCause({ status: 'busy', placement, lastSeen: 0 }, { code: 1, error: 'Error: boom\n    at x' }), 'exited with code 1: Error: boom');
});

test.run();
