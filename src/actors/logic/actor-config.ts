/**
 * What the real actors receive as their `config`: the run's effective configuration (the search's
 * constructors each read their own slice of it), and for the Evaluator and the Derivers the file of the data set's
 * reference statistics (FID), written once by the parent so that no actor recomputes it.
 */
import { availableParallelism } from 'node:os';
import type { RunConfig } from '../../config/run-config.js';
import { coreShare } from '../../backend/blas/threads.js';

export interface RealActorConfig {
  readonly run: RunConfig;
  /** A .npz of the data set's feature mean and covariance (src/metrics/gaussian-stats-file.ts), or null. */
  readonly referenceStats: string | null;
}

/** A Deriver's config: it always scores FID, and it shares the machine's cores with the other derivers. */
export interface DeriverActorConfig extends RealActorConfig {
  /** Threads of its native kernels (src/backend/blas/threads.ts). */
  readonly blasThreads: number;
  /** The backend's name as the parent resolved it, for the derivations' reports. */
  readonly backend: string;
}

/** The config an actor was given, as the parent built it with `realActorConfig`. */
export function actorConfigOf(config: unknown): RealActorConfig {
  return config as RealActorConfig;
}

/** The config a deriver was given, as the parent built it with `deriverActorConfig`. */
export function deriverConfigOf(config: unknown): DeriverActorConfig {
  return config as DeriverActorConfig;
}

/** The `actorConfig` of `startActorSystem` for the real actors: every kind gets the same plain data. */
export function realActorConfig(run: RunConfig, referenceStats: string | null): Record<'controller' | 'trainer' | 'evaluator' | 'resetter', RealActorConfig> {
  const c = { run, referenceStats };
  return { controller: c, trainer: c, evaluator: c, resetter: c };
}

/**
 * The Derivers' config on a machine of `cores` cores. Native kernel threads: a share of the cores as if all topK
 * derivations ran at once. Never more derivers than that run at once, so they cannot oversubscribe the cores; and
 * the count depends neither on `search.derive.parallel` nor on how many derivations a resumed run has left,
 * because oneDNN's sums come out different in their last bits with another thread count: a derivation's result
 * must not depend on how derivation was scheduled.
 */
export function deriverActorConfig(run: RunConfig, referenceStats: string | null, backend: string, cores = availableParallelism()): DeriverActorConfig {
  return { run, referenceStats, blasThreads: coreShare(run.search.derive.topK, cores), backend };
}
