/**
 * Cost of moving the shared generator's weights at search width (gf 128, CIFAR-10 sized) between the
 * supervisor and an actor: a `trainer.snapshot` answer (actor → parent) and an `evaluator.score` request
 * carrying it (parent → actor), on worker threads (transferred copies) and child processes ('advanced'
 * serialization), against a plain in-thread copy of the arrays.
 */
import { startBackend } from '../src/backend/select.js';
import { Generator } from '../src/nn/generator.js';
import { ownedCopy } from '../src/protocol/base.js';
import { startFixtureSystem, tempRunDir } from '../test/support/runtime.js';
import { printTable, timeIt, type BenchRow } from './report.js';

export async function benchActorTransport(): Promise<void> {
  await startBackend('cpu');
  const g = new Generator({ latent: 128, gf: 128, bottom: 4, channels: 3 }, { kind: 'shared' }, 1);
  const floats = [...g.store.trainable(), ...g.store.bufferEntries()].reduce((n, [, v]) => n + v.size, 0);
  g.dispose();
  const mb = (floats * 4) / 2 ** 20;
  const rows: BenchRow[] = [];
  const bundle = { w: { shape: [floats], data: new Float32Array(floats).fill(1) } };
  const ms = (s: number) => Math.round(s * 1e4) / 10;
  rows.push({ bench: 'actor-transport', path: `in-thread copy (${mb.toFixed(1)} MiB)`, ms: ms(await timeIt(() => void ownedCopy(bundle), 5)) });
  for (const gpus of [null, [0, 1]] as const) {
    const sys = await startFixtureSystem({ runDir: tempRunDir(), gpus, actorConfig: { controller: null, trainer: { floats }, evaluator: null, resetter: null } });
    const where = gpus ? 'process' : 'thread';
    try {
      const snap = await sys.ports.trainer.snapshot({ version: 0, stage: 0 });
      const snapMs = await timeIt(() => sys.ports.trainer.snapshot({ version: 0, stage: 0 }).then(() => undefined), 5);
      const scoreMs = await timeIt(() => sys.ports.evaluator.score({ snapshot: snap, archs: [[0, 0, 0, 0]], samples: 1 }).then(() => undefined), 5);
      rows.push({ bench: 'actor-transport', path: `snapshot actor → parent (${where})`, ms: ms(snapMs) });
      rows.push({ bench: 'actor-transport', path: `score(snapshot) parent → actor (${where})`, ms: ms(scoreMs) });
    } finally {
      await sys.shutdown('bench');
    }
  }
  printTable(`actor transport: shared G at gf 128, ${floats} floats (${mb.toFixed(1)} MiB)`, rows);
}
