/**
 * What the real actors receive as their `config`: the run's effective configuration (the search's
 * constructors each read their own slice of it), and for the Evaluator the file of the data set's reference
 * statistics (FID), written once by the parent so that no actor recomputes it.
 */
import type { RunConfig } from '../../config/run-config.js';

export interface RealActorConfig {
  readonly run: RunConfig;
  /** A .npz of the data set's feature mean and covariance (src/metrics/gaussian-stats-file.ts), or null. */
  readonly referenceStats: string | null;
}

/** The config an actor was given, as the parent built it with `realActorConfig`. */
export function actorConfigOf(config: unknown): RealActorConfig {
  return config as RealActorConfig;
}

/** The `actorConfig` of `startActorSystem` for the real actors: every kind gets the same plain data. */
export function realActorConfig(run: RunConfig, referenceStats: string | null): Record<'controller' | 'trainer' | 'evaluator' | 'resetter', RealActorConfig> {
  const c = { run, referenceStats };
  return { controller: c, trainer: c, evaluator: c, resetter: c };
}
