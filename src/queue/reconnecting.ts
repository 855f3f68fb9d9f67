/**
 * How a process's clients of the queue (its own ioredis client, BullMQ's connections) ride out a lost Redis:
 * each reconnects after a delay that starts at 1 s and doubles up to a cap, and the process logs one line per
 * attempt, whichever of its clients makes it, with the attempt's number, the cause and the delay before it.
 */
import { Redis } from 'ioredis';
import { redisOptions, type ConnectionOptions, type RedisTarget } from './connection.js';

/**
 * The longest wait between attempts: well inside a job's lock (--stall-seconds, 30 by default), so that a worker
 * reconnects to a Redis back from a restart before its jobs are counted lost.
 */
export const RECONNECT_CAP_MS = 10_000;

/** The delay before reconnect attempt `attempt` (1, 2, …): 1 s, 2 s, 4 s, 8 s, then the cap. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** (attempt - 1), RECONNECT_CAP_MS);
}

/** A BullMQ class: it forwards its connections' errors. */
interface ErrorEvents {
  on(event: 'error', f: (e: Error) => void): unknown;
}

/** A process's connection to the queue: options for BullMQ's clients, and its own client beside them. */
export interface QueueConnection {
  /** Options for every client of the target, as ioredis and BullMQ take them: they reconnect as above. */
  readonly options: ConnectionOptions & { retryStrategy(attempt: number): number };
  /** The process's own client (folders, direct reads); its return after a loss is logged once. */
  readonly redis: Redis;
  /**
   * Follows a client's errors: a failed connection becomes the cause named by the next attempt's line, other
   * errors are logged (redacted) as they come.
   */
  watch(client: ErrorEvents): void;
}

export function queueConnection(t: RedisTarget, log: (line: string) => void): QueueConnection {
  /** The attempt last logged: the clients of a process lose Redis together and would each log the same attempt. */
  let logged = 0;
  let cause: string | null = null;
  const retryStrategy = (attempt: number): number => {
    const delay = reconnectDelayMs(attempt);
    if (attempt > logged) {
      logged = attempt;
      log(`queue at ${t.shown}: ${cause ?? 'connection lost'}; reconnect attempt ${attempt} in ${delay / 1000} s`);
    }
    return delay;
  };
  const watch = (client: ErrorEvents) => {
    client.on('error', (e: Error) => {
      const message = t.redact(e.message);
      // A socket's error (refused, reset, timed out, no such host) is followed by the connection's close and a retry.
      if ('syscall' in e) cause = message;
      else log(`queue at ${t.shown}: ${message}`);
    });
  };
  const options = { ...redisOptions(t), retryStrategy };
  const redis = new Redis(options);
  watch(redis);
  // BullMQ's classes do not pass their connections' return on; the process's clients lose and find Redis together.
  redis.on('ready', () => {
    if (logged > 0) log(`queue at ${t.shown}: reconnected after ${logged} attempt${logged === 1 ? '' : 's'}`);
    logged = 0;
    cause = null;
  });
  return { options, redis, watch };
}
