/**
 * A real `redis-server` for the queue's tests: its own port and folder, the append-only file on, so that a
 * restart keeps everything. Missing redis-server fails the tests that need it, with how to install it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface RedisServer {
  readonly port: number;
  /** The URL with the password, as a user would write it. */
  readonly url: string;
  /** Stops it (SIGTERM: the append-only file is flushed) and starts it again on the same port and folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function requireRedisServer(): void {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error('redis-server is not installed: the queue tests need a real one (apt-get install redis-server; scripts/install-system-deps.sh installs it)');
  }
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startRedisServer(dir: string, password: string): Promise<RedisServer> {
  requireRedisServer();
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = () => new Promise<void>((resolve, reject) => {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--dir', dir, '--requirepass', password, '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let out = '';
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    c.on('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)));
  });
  const stop = () => new Promise<void>((resolve) => {
    const c = child;
    if (!c || c.exitCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGTERM');
  });
  await start();
  return { port, url: `redis://default:${password}@127.0.0.1:${port}`, restart: async () => { await stop(); await start(); }, stop };
}
