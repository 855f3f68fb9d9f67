/**
 * Where the queue is: a `redis://` or `rediss://` (TLS) URL, `[user[:password]@]host[:port][/db]`, parsed into
 * the options BullMQ hands to ioredis. Commands wait through a lost connection instead of failing (a restarted
 * Redis comes back with its append-only file), so a coordinator or worker rides out a Redis restart; how its
 * clients reconnect meanwhile is reconnecting.ts.
 */
import { Redis } from 'ioredis';
import { flagError } from '../errors.js';
import { redactCredentials, redactor } from '../util/redact.js';

export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string | null;
  readonly password: string | null;
  readonly db: number;
  readonly tls: boolean;
  /** The URL with its credentials hidden: what logs and messages show. */
  readonly shown: string;
  /** Hides this target's credentials in any text (an error a client library made). */
  readonly redact: (text: string) => string;
}

/** Parses `--redis URL`; a bad one is an input error naming the flag, never showing the password. */
export function parseRedisUrl(text: string, flag = 'redis'): RedisTarget {
  const shown = redactCredentials(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw flagError(flag, `${shown} is not a URL (expected redis://[user:password@]host[:port][/db] or rediss://…)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw flagError(flag, `${shown}: the scheme must be redis:// or rediss:// (TLS), got ${url.protocol}//`);
  if (url.hostname === '') throw flagError(flag, `${shown}: no host`);
  const path = url.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(path)) throw flagError(flag, `${shown}: the path must be a database number, got /${path}`);
  if (url.search !== '' || url.hash !== '') throw flagError(flag, `${shown}: unexpected query or fragment`);
  const decode = (s: string) => (s === '' ? null : decodeURIComponent(s));
  const password = decode(url.password);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 6379 : Number(url.port),
    username: decode(url.username),
    password,
    db: path === '' ? 0 : Number(path),
    tls: url.protocol === 'rediss:',
    shown,
    redact: redactor([url.password, password]),
  };
}

/** The connection options of a target, as both ioredis and BullMQ take them. */
export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: { servername: string };
  readonly maxRetriesPerRequest: null;
}

export function redisOptions(t: RedisTarget): ConnectionOptions {
  return {
    host: t.host, port: t.port, db: t.db,
    ...(t.username !== null && { username: t.username }),
    ...(t.password !== null && { password: t.password }),
    ...(t.tls && { tls: { servername: t.host } }),
    // BullMQ's workers block on Redis and require it; for every connection it means "wait for Redis to return".
    maxRetriesPerRequest: null,
  };
}

/**
 * Connects once, without retrying, and pings: a wrong address or password is a clear error at once (its message
 * redacted) instead of a client retrying forever. Later connections retry, to ride out a Redis restart.
 */
export async function checkReachable(t: RedisTarget): Promise<void> {
  const probe = new Redis({ ...redisOptions(t), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  // The cause (refused, wrong password) comes as an error event; the rejection only says the connection closed.
  let cause: Error | null = null;
  probe.on('error', (e: Error) => (cause ??= e));
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    throw new Error(`queue at ${t.shown}: ${t.redact((cause ?? (e as Error))?.message ?? String(e))}`);
  } finally {
    probe.disconnect();
  }
}
