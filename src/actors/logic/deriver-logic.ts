/** The Deriver actor's logic: derivation training and scoring, with its own feature network, in its thread or process. */
import * as tf from '@tensorflow/tfjs';
import { loadBlasAddon } from '../../backend/blas/addon.js';
import { BLAS_TF_NAME } from '../../backend/blas/backend.js';
import { loadGaussianStats } from '../../metrics/gaussian-stats-file.js';
import { openFeatureNetwork } from '../../metrics/open-feature-network.js';
import { deriverSettings } from '../../protocol/deriver.js';
import type { ActorInit } from '../../protocol/lifecycle.js';
import { Deriver } from '../../search/deriver.js';
import type { ActorLogic, LogicHost } from '../actor-logic.js';

export async function createLogic(init: ActorInit, host: LogicHost): Promise<ActorLogic<'deriver'>> {
  const { training, referenceStats, blasThreads, backend } = deriverSettings.parse(init.config, 'config');
  shareBlasCores(blasThreads);
  const { net } = await openFeatureNetwork(training.eval.features, training.eval.inceptionGraph);
  host.onDispose(() => net.dispose());
  return new Deriver(training, net, referenceStats === null ? null : loadGaussianStats(referenceStats), backend, host.log);
}

/**
 * OpenBLAS's thread count is one setting per process, and without --gpus every deriver is a thread of the same
 * process: left at its default (every core) each of P derivers would run that many BLAS threads, P times more
 * than there are cores, spinning against each other. So each uses its share (deriverActorConfig; never more than
 * the count it found, which OPENBLAS_NUM_THREADS may have lowered). Every deriver of a run sets the same value before its first
 * request, so a restarted one setting it while the others compute changes nothing.
 */
function shareBlasCores(threads: number): void {
  if (tf.getBackend() !== BLAS_TF_NAME) return;
  const load = loadBlasAddon();
  if (load.ok) load.addon.setThreads(Math.min(load.addon.threads(), threads));
}
