/**
 * The worker pool (src/queue) against a local run: the same tiny search's derivations (three candidates) run
 * here on the local Derivers, then on 1, 2 and 3 `autogan worker` processes through a real redis-server. Per
 * job: enqueue to start (the queue's latency, and with fewer workers than jobs the wait for a free one), the
 * folder transfers (each checkpoint to Redis, the finished folder back), as fractions of the job's time.
 * CPU-bound: on a 2-core machine the pool cannot beat the cores; what it shows is the overhead per job.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '../test/support/redis-server.js';
import { printTable, type BenchRow } from './report.js';

const CANDIDATES = 3;

interface Event { time: string; type: string; payload: Record<string, unknown> }

function readEvents(dir: string): Event[] {
  return readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l) as Event);
}

function search(args: string[]): void {
  const r = spawnSync(process.execPath, ['dist/main.js', 'search', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`search ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
}

/** The derivation phase's wall time and, on the pool, each job's overheads from the run's event log. */
function measure(dir: string, workers: number | null): BenchRow {
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  const derivation = report.wallSeconds.derivation as number;
  const row: BenchRow = { bench: 'queue-pool', where: workers === null ? 'local' : `${workers} worker${workers > 1 ? 's' : ''}`, derivationSeconds: derivation };
  if (workers === null) return { ...row, jobSeconds: null, enqueueToStartSeconds: null, transferSeconds: null, transferBytes: null, overheadFraction: null };
  const events = readEvents(dir);
  const at = (type: string, job: string) => Date.parse(events.filter((e) => e.type === type && e.payload.job === job).pop()!.time) / 1000;
  const jobs = events.filter((e) => e.type === 'queue.recorded').map((e) => e.payload);
  const finished = events.filter((e) => e.type === 'derive.finished').map((e) => e.payload.seconds as number);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const jobSeconds = mean(finished);
  const toStart = mean(jobs.map((j) => at('queue.started', j.job as string) - at('queue.submitted', j.job as string)));
  const transfer = mean(jobs.map((j) => j.overheadSeconds as number));
  return {
    ...row, jobSeconds, enqueueToStartSeconds: toStart, transferSeconds: transfer,
    transferBytes: mean(jobs.map((j) => j.bytes as number)), overheadFraction: (toStart + transfer) / jobSeconds,
  };
}

export async function benchQueuePool(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'agts-bench-queue-'));
  const smoke = JSON.parse(readFileSync('configs/smoke.json', 'utf8'));
  const config = join(root, 'config.json');
  writeFileSync(config, JSON.stringify({ ...smoke, $schema: undefined, search: { ...smoke.search, derive: { candidates: CANDIDATES, topK: CANDIDATES, steps: 60 } } }));
  mkdirSync(join(root, 'redis'));
  const redis = await startRedisServer(join(root, 'redis'), 'bench');
  const rows: BenchRow[] = [];
  try {
    search(['--config', config, '--out', join(root, 'local'), '--overlap', 'off']);
    rows.push(measure(join(root, 'local'), null));
    for (const n of [1, 2, 3]) {
      const workers: ChildProcess[] = Array.from({ length: n }, (_, i) =>
        spawn(process.execPath, ['dist/main.js', 'worker', '--redis', redis.url, '--dir', join(root, `w${n}-${i}`)], { stdio: 'ignore' }));
      try {
        search(['--config', config, '--out', join(root, `pool-${n}`), '--overlap', 'off', '--redis', redis.url]);
      } finally {
        await Promise.all(workers.map((w) => new Promise((resolve) => {
          w.once('exit', resolve);
          w.kill('SIGTERM');
        })));
      }
      rows.push(measure(join(root, `pool-${n}`), n));
    }
  } finally {
    await redis.stop();
  }
  printTable(`derivation of ${CANDIDATES} smoke candidates (60 G steps each): locally and on a worker pool through Redis`, rows);
}
