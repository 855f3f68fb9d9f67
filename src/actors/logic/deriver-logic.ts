/** The Deriver actor's logic: derivation training and scoring, with its own feature network, in its thread or process. */
import { useCoreShare } from '../../backend/blas/threads.js';
import { loadGaussianStats } from '../../metrics/gaussian-stats-file.js';
import { openFeatureNetwork } from '../../metrics/open-feature-network.js';
import type { ActorInit } from '../../protocol/lifecycle.js';
import { Deriver } from '../../search/deriver.js';
import type { ActorLogic, LogicHost } from '../actor-logic.js';
import { deriverConfigOf } from './actor-config.js';

export async function createLogic(init: ActorInit, host: LogicHost): Promise<ActorLogic<'deriver'>> {
  const { run, referenceStats, blasThreads, backend } = deriverConfigOf(init.config);
  // Without --gpus every deriver is a thread of one process: each takes its share of the cores, as if all topK
  // derivations ran at once (deriverActorConfig).
  useCoreShare(blasThreads);
  const { net } = await openFeatureNetwork(run.eval.features, run.eval.inceptionGraph);
  host.onDispose(() => net.dispose());
  return new Deriver(run, net, referenceStats === null ? null : loadGaussianStats(referenceStats), backend, host.log);
}
