/**
 * One search iteration of mnist-tiny on the real actors (worker threads), overlap off and on: its wall time in
 * steady state (between consecutive iterations' rewards, stage 0) and the fraction of that wall time each actor
 * is busy (SharedTrainer: shared training; Evaluator: scoring; Controller: REINFORCE steps).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type RunConfig } from '../src/config/run-config.js';
import { realActorConfig } from '../src/actors/logic/actor-config.js';
import { initialConductorState, runSearch } from '../src/search/conductor.js';
import { startActorSystem } from '../src/supervisor/actor-system.js';
import { createRunDir } from '../src/supervisor/run-dir.js';
import { printTable, type BenchRow } from './report.js';

const ITERATIONS = 4;

async function measure(overlap: boolean): Promise<BenchRow> {
  const base = loadConfig('configs/mnist-tiny.json');
  const config: RunConfig = { ...base, search: { ...base.search, overlap, iterations: [ITERATIONS + 1, 1, 1] } };
  const runDir = createRunDir(join(mkdtempSync(join(tmpdir(), 'agts-bench-iter-')), 'run'), config);
  const system = await startActorSystem({ runDir, actorConfig: realActorConfig(config, null), seed: config.seed, gpus: null, backend: 'auto' });
  const ctrl = new AbortController();
  const rewardTimes: number[] = [];
  const state = initialConductorState();
  await runSearch(system.ports, config.search, state, {
    emit: (e) => {
      if (e.type !== 'search.rewards') return;
      rewardTimes.push(Date.now());
      if (rewardTimes.length === ITERATIONS) ctrl.abort();
    },
    checkpoint: async () => {},
    signal: ctrl.signal,
  });
  await system.shutdown('bench');
  const wall = (rewardTimes[rewardTimes.length - 1]! - rewardTimes[0]!) / 1000 / (rewardTimes.length - 1);
  // Phases summed over the run; the first iteration pays start-up, so scale by the steady-state span.
  const iterations = state.history.length;
  const busy = (seconds: number) => seconds / iterations / wall;
  return {
    bench: 'search-iteration', config: 'mnist-tiny', stage: 0, overlap,
    iteration_s: wall, trainer_busy: busy(state.phases.training), evaluator_busy: busy(state.phases.scoring), controller_busy: busy(state.phases.controller),
  };
}

export async function benchSearchIteration(): Promise<void> {
  const rows = [await measure(false), await measure(true)];
  printTable('One search iteration of mnist-tiny (stage 0, actors in worker threads): wall time and busy fraction per actor', rows);
}
