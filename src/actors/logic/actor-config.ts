/**
 * What each real actor is given at its start (its `config`): the slice of the run's config that it uses, as its
 * settings schema in src/protocol/<kind>.ts says, which the actor checks before it builds anything. The Evaluator
 * and the Derivers also get the file of the data set's reference statistics (FID), written once by the parent so
 * that no actor recomputes it.
 */
import { availableParallelism } from 'node:os';
import { coreShare } from '../../backend/blas/threads.js';
import type { RunConfig } from '../../config/run-config.js';
import type { DeriverSettings } from '../../protocol/deriver.js';
import { derivationSettingsOf } from '../../search/deriver.js';
import { controllerSettingsOf, evaluatorSettingsOf, resetterSettingsOf, trainerSettingsOf } from '../../search/local-ports.js';

/** The `actorConfig` of `startActorSystem` for the real search actors: each kind its own settings. */
export function realActorConfig(run: RunConfig, referenceStats: string | null): Record<'controller' | 'trainer' | 'evaluator' | 'resetter', unknown> {
  return {
    controller: controllerSettingsOf(run),
    trainer: trainerSettingsOf(run),
    evaluator: evaluatorSettingsOf(run, referenceStats),
    resetter: resetterSettingsOf(run),
  };
}

/**
 * The Derivers' settings on a machine of `cores` cores. Native kernel threads: a share of the cores as if all topK
 * derivations ran at once. Never more derivers than that run at once, so they cannot oversubscribe the cores; and
 * the count depends neither on `search.derive.parallel` nor on how many derivations a resumed run has left,
 * because oneDNN's sums come out different in their last bits with another thread count: a derivation's result
 * must not depend on how derivation was scheduled. `backend`: its name as the parent resolved it, for the reports.
 */
export function deriverActorConfig(run: RunConfig, referenceStats: string | null, backend: string, cores = availableParallelism()): DeriverSettings {
  return { training: derivationSettingsOf(run), referenceStats, blasThreads: coreShare(run.search.derive.topK, cores), backend };
}
