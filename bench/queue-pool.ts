/**
 * The worker pool (src/queue) against a local run, twice: the same tiny search's derivations (three candidates),
 * and the same tiny study (test/fixtures/tiny-study.json: ten runs), each run here, then on 1, 2 and 3
 * `autogan worker` processes through a real redis-server. Per job: enqueue to start (the queue's latency, and
 * with fewer workers than jobs the wait for a free one), the folder transfers (each checkpoint to Redis, the
 * finished folder back), as fractions of the job's time. CPU-bound: on a 2-core machine the pool cannot beat
 * the cores; what it shows is the overhead per job.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { travellingFiles } from '../src/queue/folder-snapshot.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { writeTinyStudy } from '../test/support/study.js';
import { printTable, type BenchRow } from './report.js';

const CANDIDATES = 3;

interface Event { time: string; type: string; payload: Record<string, unknown> }

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

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
  const jobSeconds = mean(finished);
  const toStart = mean(jobs.map((j) => at('queue.started', j.job as string) - at('queue.submitted', j.job as string)));
  const transfer = mean(jobs.map((j) => j.overheadSeconds as number));
  return {
    ...row, jobSeconds, enqueueToStartSeconds: toStart, transferSeconds: transfer,
    transferBytes: mean(jobs.map((j) => j.bytes as number)), overheadFraction: (toStart + transfer) / jobSeconds,
  };
}

/** `n` worker processes for the length of `f`, then stopped (SIGTERM) and waited for. */
async function withWorkers<T>(n: number, url: string, dirs: string, f: () => Promise<T> | T): Promise<T> {
  const workers: ChildProcess[] = Array.from({ length: n }, (_, i) =>
    spawn(process.execPath, ['dist/main.js', 'worker', '--redis', url, '--dir', join(dirs, `w${n}-${i}`)], { stdio: 'ignore' }));
  try {
    return await f();
  } finally {
    await Promise.all(workers.map((w) => new Promise((resolve) => {
      w.once('exit', resolve);
      w.kill('SIGTERM');
    })));
  }
}

/** `autogan study ARGS` as a process, each line of its output with the second it came: the study's own account of its jobs. */
function study(args: string[]): Promise<{ seconds: number; lines: { at: number; text: string }[] }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ['dist/main.js', 'study', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: { at: number; text: string }[] = [];
  let rest = '';
  child.stderr!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split(/\r|\n/);
    rest = parts.pop()!;
    for (const text of parts) lines.push({ at: (Date.now() - t0) / 1000, text });
  });
  return new Promise((resolve, reject) => child.on('exit', (code) => {
    if (code === 0) resolve({ seconds: (Date.now() - t0) / 1000, lines });
    else reject(new Error(`study ${args.join(' ')}: exit ${code}\n${lines.map((l) => l.text).join('\n')}`));
  }));
}

/**
 * A study's wall time and, on the pool, each run's job from the coordinator's lines: enqueued, started on a
 * worker, recorded with the job's seconds and those spent moving its folder; the bytes are its finished folder's.
 */
function measureStudy(dir: string, run: Awaited<ReturnType<typeof study>>, workers: number | null): BenchRow {
  const row: BenchRow = { bench: 'queue-pool-study', where: workers === null ? 'local' : `${workers} worker${workers > 1 ? 's' : ''}`, studySeconds: run.seconds };
  const runs = readdirSync(join(dir, 'runs'));
  const bytes = runs.map((r) => travellingFiles(join(dir, 'runs', r)).reduce((a, f) => a + statSync(join(dir, 'runs', r, f)).size, 0));
  if (workers === null) return { ...row, jobSeconds: null, firstStartSeconds: null, enqueueToStartSeconds: null, transferSeconds: null, folderBytes: mean(bytes), overheadFraction: null };
  const at = (pattern: RegExp) => (name: string) => run.lines.find((l) => pattern.test(l.text) && l.text.includes(`run ${name}`))!;
  const jobs = runs.map((name) => {
    const recorded = /\(worker \S+, (\d+) s, ([\d.]+) s moving its folder\)/.exec(at(/recorded/)(name).text)!;
    return { toStart: at(/ on /)(name).at - at(/enqueued job/)(name).at, seconds: Number(recorded[1]), transfer: Number(recorded[2]) };
  });
  const toStart = jobs.map((j) => j.toStart);
  const jobSeconds = mean(jobs.map((j) => j.seconds));
  return {
    ...row, jobSeconds, firstStartSeconds: Math.min(...toStart), enqueueToStartSeconds: mean(toStart), transferSeconds: mean(jobs.map((j) => j.transfer)),
    folderBytes: mean(bytes), overheadFraction: (Math.min(...toStart) + mean(jobs.map((j) => j.transfer))) / jobSeconds,
  };
}

export async function benchQueuePool(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'agts-bench-queue-'));
  const smoke = JSON.parse(readFileSync('configs/smoke.json', 'utf8'));
  const config = join(root, 'config.json');
  writeFileSync(config, JSON.stringify({ ...smoke, $schema: undefined, search: { ...smoke.search, derive: { ...smoke.search.derive, candidates: CANDIDATES, topK: CANDIDATES, steps: 60 } } }));
  const studyConfig = writeTinyStudy(join(root, 'study.json'));
  mkdirSync(join(root, 'redis'));
  const redis = await startRedisServer(join(root, 'redis'), 'bench');
  const rows: BenchRow[] = [];
  const studyRows: BenchRow[] = [];
  try {
    search(['--config', config, '--out', join(root, 'local'), '--overlap', 'off']);
    rows.push(measure(join(root, 'local'), null));
    for (const n of [1, 2, 3]) {
      await withWorkers(n, redis.url, root, () => search(['--config', config, '--out', join(root, `pool-${n}`), '--overlap', 'off', '--redis', redis.url]));
      rows.push(measure(join(root, `pool-${n}`), n));
    }
    studyRows.push(measureStudy(join(root, 'study-local'), await study(['--config', studyConfig, '--out', join(root, 'study-local')]), null));
    for (const n of [1, 2, 3]) {
      const dir = join(root, `study-pool-${n}`);
      const run = await withWorkers(n, redis.url, root, () => study(['--config', studyConfig, '--out', dir, '--redis', redis.url]));
      studyRows.push(measureStudy(dir, run, n));
    }
  } finally {
    await redis.stop();
  }
  printTable(`derivation of ${CANDIDATES} smoke candidates (60 G steps each): locally and on a worker pool through Redis`, rows);
  printTable('the tiny study (test/fixtures/tiny-study.json, 10 runs): locally and on a worker pool through Redis; firstStart: enqueue to start with a worker free', studyRows);
}
