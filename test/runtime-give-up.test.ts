import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActorGaveUpError, ActorInputError, isInputError } from '../src/errors.js';
import { parseFaultSpec } from '../src/supervisor/faults.js';
import { miniSearch, readEvents, seqGaps, startFixtureSystem, tempRunDir } from './support/runtime.js';

const test = suite('runtime: give up');

test('too many crashes stop the run with the actor named, every call failing, and the checkpoints intact', async () => {
  const dir = tempRunDir();
  // The controller serves 3 requests per iteration (sample, update, state); from its 5th on each crashes it.
  const faults = [5, 6, 7, 8, 9, 10].map((n) => parseFaultSpec(`crash:controller@${n}`));
  const sys = await startFixtureSystem({ runDir: dir, faults, policy: { baseDelayMs: 5, maxDelayMs: 20, maxRestarts: 2 } });
  let error: unknown = null;
  try {
    await miniSearch(sys, dir, 5);
  } catch (e) {
    error = e;
  }
  assert.instance(error, ActorGaveUpError, String(error));
  assert.match((error as Error).message, /^controller: gave up after repeated failures: injected crash \(exit 70\); 2 restarts within 600 s already$/);
  assert.is((await sys.failure).actorId, 'controller');
  assert.is(sys.statuses().controller!.status, 'error');
  assert.is(sys.statuses().trainer!.status, 'stopped');
  await sys.ports.trainer.state().then(
    () => assert.unreachable('the stopped trainer answered'),
    (e: Error) => assert.instance(e, ActorGaveUpError),
  );
  await sys.shutdown('failed');
  const ckpts = readdirSync(dir.checkpoints).sort();
  assert.equal(ckpts, ['it-0.json', 'it-1.json'], 'iteration 1 survived two restarts; iteration 2 failed');
  assert.is(JSON.parse(readFileSync(join(dir.checkpoints, 'it-1.json'), 'utf8')).it, 1);
  const events = readEvents(dir);
  assert.equal(seqGaps(events), []);
  assert.is(events.filter((e) => e.type === 'actor.restarting').length, 2);
  const failed = events.find((e) => e.type === 'run.failed')!;
  assert.is((failed.payload as { actor: string }).actor, 'controller');
  assert.is(events.at(-1)!.type, 'run.stopped');
});

test('an actor that refuses its input while starting is not restarted: the start fails at once with its message, as an input error', async () => {
  const dir = tempRunDir();
  const bad = '/data/cifar-10-batches-bin/data_batch_3.bin';
  const error = await startFixtureSystem({ runDir: dir, actorConfig: { controller: null, trainer: { floats: 10, badData: bad }, evaluator: null, resetter: null } }).then(
    () => assert.unreachable('the system started'),
    (e: unknown) => e,
  );
  assert.instance(error, ActorInputError);
  assert.ok(isInputError(error), 'the CLI exits 2 for it');
  assert.is((error as Error).message, `trainer: ${bad}: size 5 bytes is not a whole, non-zero number of 3073-byte records`);
  const events = readEvents(dir);
  assert.is(events.filter((e) => e.type === 'actor.restarting').length, 0);
  assert.ok(events.some((e) => e.type === 'actor.gave-up' && e.source === 'trainer'));
  assert.is(events.at(-1)!.type, 'run.stopped');
});

test.run();
