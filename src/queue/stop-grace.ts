/**
 * How long a stopping worker waits for Redis. Its clients wait through a lost connection (a Redis restart), but a
 * worker told to stop must end: once stopped, each of a job's exchanges with Redis (its checkpoint, the job put
 * back) gets a grace of the stall period and then is given up. Waiting longer would gain nothing: by then the
 * job's lock has lapsed, so Redis would refuse the checkpoint, and another worker takes the job.
 */

/** Redis did not answer a stopping worker within the grace. */
export class QueueSilentError extends Error {}

/**
 * Bounds a job's exchanges with Redis: `bounded(p)` settles as `p` does, or rejects with a QueueSilentError
 * `graceMs` after the later of `signal`'s abort and the call, if `p` is still pending then.
 */
export function stopGrace(signal: AbortSignal, graceMs: number): <T>(p: Promise<T>) => Promise<T> {
  return <T>(p: Promise<T>) => new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = () => {
      timer = setTimeout(() => reject(new QueueSilentError(`Redis did not answer within ${graceMs / 1000} s of the stop`)), graceMs);
    };
    if (signal.aborted) giveUp();
    else signal.addEventListener('abort', giveUp, { once: true });
    p.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', giveUp);
    });
  });
}
