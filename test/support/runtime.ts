/** Shared set-up of the runtime tests: an actor system on the fixture actors, and a small search loop. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startActorSystem, type ActorSystem, type ActorSystemOptions } from '../../src/supervisor/actor-system.js';
import { parseEventLines } from '../../src/supervisor/event-file.js';
import type { LogEvent } from '../../src/protocol/events.js';
import { createRunDir, type RunDir } from '../../src/supervisor/run-dir.js';
import { writeFileAtomic } from '../../src/util/atomic-write.js';
import type { ActorKind } from '../../src/protocol/channels.js';

const fixture = (name: string) => new URL(`../fixtures/${name}.js`, import.meta.url).href;

export const FIXTURE_LOGIC: Partial<Record<ActorKind, string>> = {
  controller: fixture('controller'),
  trainer: fixture('trainer'),
  evaluator: fixture('evaluator'),
  resetter: fixture('resetter'),
};

export function tempRunDir(): RunDir {
  return createRunDir(join(mkdtempSync(join(tmpdir(), 'autogan-runtime-')), 'run'), { test: true });
}

/** Fixture actors in threads on the cpu backend, with test-sized heartbeats and backoff. */
export function startFixtureSystem(over: Partial<ActorSystemOptions> = {}): Promise<ActorSystem> {
  return startActorSystem({
    runDir: over.runDir ?? tempRunDir(),
    actorConfig: { controller: null, trainer: { floats: 1000 }, evaluator: null, resetter: null },
    seed: 3,
    gpus: null,
    backend: 'cpu',
    logicModules: FIXTURE_LOGIC,
    timing: { heartbeatMs: 50, hangTimeoutMs: 1500, startTimeoutMs: 20_000 },
    policy: { baseDelayMs: 10, maxDelayMs: 100 },
    ...over,
  });
}

/** A few iterations of Algorithm 1's shape over the ports, with a checkpoint file after each. */
export async function miniSearch(sys: ActorSystem, dir: RunDir, iterations: number): Promise<number[]> {
  const { controller, trainer, evaluator, resetter } = sys.ports;
  const rewards: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const sampled = await controller.sample({ count: 3 });
    await trainer.train({ stage: 0, archs: sampled.map((s) => s.arch) }, () => 'continue');
    await resetter.push({ loss: { step: it, dLoss: 1, gLoss: -1 } });
    const snap = await trainer.snapshot({ version: it, stage: 0 });
    const scores = await evaluator.score({ snapshot: snap, archs: sampled.map((s) => s.arch), samples: 10 });
    await controller.update({ samples: sampled.map((s, i) => ({ arch: s.arch, reward: scores[i]! })) });
    rewards.push(...scores);
    const states = { controller: await controller.state(), trainer: await trainer.state(), it };
    writeFileAtomic(join(dir.checkpoints, `it-${it}.json`), [Buffer.from(JSON.stringify(states, (_k, v) => (v instanceof Float32Array ? Array.from(v.slice(0, 4)) : v)))]);
    sys.events.emit('conductor', 'search.iteration', { it, rewards: scores });
  }
  return rewards;
}

export function readEvents(dir: RunDir): LogEvent[] {
  return parseEventLines(readFileSync(dir.events, 'utf8')).events;
}

/** Asserts seq runs 1, 2, 3, … with no gap. */
export function seqGaps(events: LogEvent[]): number[] {
  return events.flatMap((e, i) => (e.seq === i + 1 ? [] : [i + 1]));
}
