import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config/run-config.js';
import { realActorConfig } from '../src/actors/logic/actor-config.js';
import { startActorSystem } from '../src/supervisor/actor-system.js';
import { parseFaultSpec } from '../src/supervisor/faults.js';
import { readEvents, seqGaps, tempRunDir } from './support/runtime.js';

const test = suite('runtime: real actors');

test('the search\'s own actors on configs/smoke.json answer through worker threads, and a crashed controller is restored', async () => {
  const dir = tempRunDir();
  const run = loadConfig('configs/smoke.json');
  const sys = await startActorSystem({
    runDir: dir, actorConfig: realActorConfig(run, null), seed: run.seed, gpus: null, backend: 'cpu',
    faults: [parseFaultSpec('crash:controller@3')], timing: { heartbeatMs: 200, hangTimeoutMs: 60_000, startTimeoutMs: 120_000 },
    policy: { baseDelayMs: 10 },
  });
  try {
    const { controller, trainer, evaluator } = sys.ports;
    await controller.beginStage({ stage: 0, prefixes: [] });
    const sampled = await controller.sample({ count: 2 });
    const losses: number[] = [];
    const summary = await trainer.train({ stage: 0, archs: sampled.map((s) => s.arch) }, (l) => (losses.push(l.dLoss), 'continue'));
    assert.is(summary.iterations, 2);
    assert.ok(losses.length >= 2 && losses.every(Number.isFinite));
    const snap = await trainer.snapshot({ version: 1, stage: 0 });
    const scores = await evaluator.score({ snapshot: snap, archs: sampled.map((s) => s.arch), samples: 20 });
    assert.is(scores.length, 2);
    const stats = await controller.update({ samples: sampled.map((s, i) => ({ arch: s.arch, reward: scores[i]! })) });
    assert.ok(Number.isFinite(stats.loss));
  } finally {
    await sys.shutdown('done');
  }
  const events = readEvents(dir);
  assert.equal(seqGaps(events), []);
  const types = events.filter((e) => e.source === 'controller').map((e) => e.type);
  assert.ok(types.includes('actor.restored') && types.includes('actor.retry'), types.join());
});

test.run();
