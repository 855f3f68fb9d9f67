import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decideRestart, type RestartPolicy } from '../src/supervisor/restart-policy.js';

const test = suite('runtime: restart policy');
const policy: RestartPolicy = { baseDelayMs: 100, maxDelayMs: 1000, maxRestarts: 3, windowMs: 60_000, retriesPerRequest: 1 };

test('rule 1: backoff doubles with each restart inside the window, capped', () => {
  assert.equal(decideRestart(policy, [], 0, true, 'x'), { action: 'restart', delayMs: 100, attempt: 1 });
  assert.equal(decideRestart(policy, [0, 10], 20, true, 'x'), { action: 'restart', delayMs: 400, attempt: 3 });
  assert.equal(decideRestart({ ...policy, maxRestarts: 10 }, [1, 2, 3, 4, 5], 6, true, 'x'), { action: 'restart', delayMs: 1000, attempt: 6 });
});

test('rule 2: too many restarts inside the window give up; old ones have expired', () => {
  assert.equal(decideRestart(policy, [0, 1, 2], 3, true, 'exited with code 1'), { action: 'give-up', reason: 'exited with code 1; 3 restarts within 60 s already' });
  assert.equal(decideRestart(policy, [0, 1, 2], 61_000, true, 'x'), { action: 'restart', delayMs: 100, attempt: 1 });
});

test('rule 3: an actor that dies before it was ever ready is not respawned', () => {
  assert.equal(decideRestart(policy, [], 0, false, 'exited with code 1'), { action: 'give-up', reason: 'exited with code 1 while starting' });
});

test.run();
