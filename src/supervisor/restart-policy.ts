/**
 * The supervision policy, in one place; each rule has its own test in test/runtime-restart-policy.test.ts.
 *
 * 1. An actor that exits, errors, or stops sending heartbeats is replaced by a new one after a backoff of
 *    `baseDelayMs · 2^k` (k = restarts already inside the window), capped at `maxDelayMs`.
 * 2. After `maxRestarts` restarts inside `windowMs`, the supervisor gives up: the run stops with an error
 *    event naming the actor, every call fails with ActorGaveUpError, and the checkpoints are left as they are.
 * 3. An actor that dies before it was ever ready (its backend or logic cannot start) is not respawned: a
 *    failure while starting repeats.
 * 4. A replacement is restored from the last state the supervisor holds for the actor, and the requests
 *    that were in flight are sent again, once: a request that was in flight through two deaths fails.
 */
export interface RestartPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRestarts: number;
  readonly windowMs: number;
  /** Times a request in flight when its actor died is sent again (rule 4). */
  readonly retriesPerRequest: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRestarts: 5,
  windowMs: 10 * 60_000,
  retriesPerRequest: 1,
};

export type RestartDecision =
  | { readonly action: 'restart'; readonly delayMs: number; readonly attempt: number }
  | { readonly action: 'give-up'; readonly reason: string };

/**
 * What to do after an actor's death.
 * @param restarts times of this actor's earlier restarts
 * @param wasReady whether the dead incarnation ever reported ready
 */
export function decideRestart(policy: RestartPolicy, restarts: readonly number[], now: number, wasReady: boolean, cause: string): RestartDecision {
  if (!wasReady) return { action: 'give-up', reason: `${cause} while starting` };
  const recent = restarts.filter((t) => now - t < policy.windowMs).length;
  if (recent >= policy.maxRestarts) {
    return { action: 'give-up', reason: `${cause}; ${recent} restarts within ${Math.round(policy.windowMs / 1000)} s already` };
  }
  return { action: 'restart', delayMs: Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** recent), attempt: recent + 1 };
}
