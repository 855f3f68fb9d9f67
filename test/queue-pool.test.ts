import { suite } from './support/suite.js';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { resolveConfig } from '../src/config/run-config.js';
import { QUEUE_PROTOCOL_VERSION } from '../src/protocol/queue-jobs.js';
import { parseRedisUrl, redisOptions } from '../src/queue/connection.js';
import { FolderSync, LockLostError } from '../src/queue/folder-snapshot.js';
import { folderKey, jobLockKey } from '../src/queue/names.js';
import { deriveOnQueue, type QueueEvent } from '../src/queue/derive-on-queue.js';
import { QueueClient } from '../src/queue/queue-client.js';
import { queueStatus } from '../src/queue/queue-status.js';
import { cli, writeTinySearchConfig } from './support/kill.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';

const test = suite('queue: a worker pool on a real Redis');
const root = mkdtempSync(join(tmpdir(), 'agts-queue-'));
const PASSWORD = 'pw-s3cret-7351';
const config = writeTinySearchConfig(join(root, 'search.json'), 11, [1, 1, 1], { topK: 2, steps: 60 });
// Checkpoints every 5 G steps: a killed worker's job resumes from the last one another worker finds in Redis.
const settings = JSON.parse(readFileSync(config, 'utf8'));
writeFileSync(config, JSON.stringify({ ...settings, train: { ...settings.train, checkpointEvery: 5 } }));

let redis: RedisServer;
const processes: { child: ChildProcess; output: string[]; done: Promise<number | null> }[] = [];

/** `autogan ARGS` as a separate process; its output is kept (to check that no password shows in it). */
function start(...args: string[]) {
  const child = spawn(process.execPath, ['dist/main.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const p = { child, output, done };
  processes.push(p);
  return p;
}
const startWorker = (name: string) => start('worker', '--redis', redis.url, '--dir', join(root, name), '--stall-seconds', '10');

interface Event { seq: number; source: string; type: string; payload: Record<string, unknown> }
const events = (dir: string): Event[] => (existsSync(join(dir, 'events.jsonl')) ? readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l) as Event) : []);

/** Resolves with the first event `pick` accepts, watching the log as it grows; rejects if `exited` settles first. */
function waitForEvent(dir: string, pick: (e: Event) => boolean, exited: Promise<unknown>): Promise<Event> {
  return new Promise((resolve, reject) => {
    let over = false;
    const look = () => {
      if (over) return;
      const found = events(dir).find(pick);
      if (found) {
        over = true;
        resolve(found);
      } else setTimeout(look, 100);
    };
    void exited.then(() => {
      if (!over) reject(new Error('the coordinator ended before the event came'));
      over = true;
    });
    look();
  });
}

const filesUnder = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));

test.before(async () => {
  mkdirSync(join(root, 'redis'));
  redis = await startRedisServer(join(root, 'redis'), PASSWORD);
});

test.after(async () => {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await redis?.stop();
});

test('coordinator and workers as processes: a worker SIGKILLed mid-job, a Redis restart and the coordinator SIGKILLed lose nothing; the report equals a local run\'s', async () => {
  const local = join(root, 'local');
  const r = cli('search', '--config', config, '--out', local, '--overlap', 'off');
  assert.is(r.status, 0, r.stderr);

  const workers = [startWorker('w1'), startWorker('w2')];
  const out = join(root, 'pooled');
  const coordinator = start('search', '--config', config, '--out', out, '--overlap', 'off', '--redis', redis.url);
  // A derivation two checkpoints in: its worker dies without a word.
  const midJob = await waitForEvent(out, (e) => e.type === 'derive.progress' && (e.payload.step as number) >= 10, coordinator.done);
  const victim = workers.find((w) => String(midJob.source).endsWith(`-${w.child.pid}`));
  assert.ok(victim, `no worker has the id ${midJob.source}`);
  victim.child.kill('SIGKILL');
  await redis.restart();
  coordinator.child.kill('SIGKILL');
  await coordinator.done;
  workers.push(startWorker('w3'));
  const again = start('search', '--resume', out, '--redis', redis.url);
  assert.is(await again.done, 0, again.output.join(''));

  const expected = JSON.parse(readFileSync(join(local, 'report.json'), 'utf8'));
  const got = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const same = (d: { rank: number; arch: string; proxyReward: number; is: unknown; fid: number; steps: number }) => ({ rank: d.rank, arch: d.arch, proxyReward: d.proxyReward, is: d.is, fid: d.fid, steps: d.steps });
  assert.equal(got.candidates, expected.candidates);
  assert.equal(got.derived.map(same), expected.derived.map(same));
  assert.equal(got.best.arch, expected.best.arch);

  const log = events(out);
  // The resumed coordinator found its jobs in the queue instead of enqueueing them again.
  const secondStart = log.filter((e) => e.type === 'run.started')[1]!.seq;
  const resubmitted = log.filter((e) => e.type === 'queue.submitted' && e.seq > secondStart);
  assert.ok(resubmitted.length >= 1 && resubmitted.every((e) => e.payload.attached === true), JSON.stringify(resubmitted));
  const rank = midJob.payload.rank as number;
  const job = (log.find((e) => e.type === 'queue.submitted' && e.payload.rank === rank)!.payload.job) as string;
  const starts = log.filter((e) => e.type === 'queue.started' && e.payload.job === job).map((e) => e.payload);
  assert.ok(starts.length >= 2, JSON.stringify(starts));
  const resumed = starts[starts.length - 1]!;
  assert.ok((resumed.from as number) >= 10, `the retried job started at step ${resumed.from}, not from its checkpoint`);
  assert.is.not(resumed.worker, midJob.source);
  const recorded = log.filter((e) => e.type === 'queue.recorded').map((e) => e.payload.job);
  assert.equal(recorded.sort(), [...new Set(recorded)].sort());
  assert.is(recorded.length, 2);
  assert.ok(existsSync(join(out, 'derive', `top${rank}`, 'report.json')));

  // The password is in every command line, and nowhere the run or the processes wrote.
  for (const f of filesUnder(out)) assert.not.ok(readFileSync(f).includes(PASSWORD), `${f} holds the password`);
  for (const p of processes) assert.not.ok(p.output.join('').includes(PASSWORD), `output holds the password: ${p.output.join('')}`);
  for (const started of log.filter((e) => e.type === 'run.started')) {
    assert.ok((started.payload.command as string[]).includes(`redis://***@127.0.0.1:${redis.port}`), JSON.stringify(started.payload.command));
  }
});

test('a job that fails on every try ends failed, its error in the events, and the run names it; a bad payload fails at once naming the field', async () => {
  const client = await QueueClient.open(parseRedisUrl(redis.url), () => undefined);
  try {
    // A machine without the data set: every try fails the same way.
    const mnist = resolveConfig(JSON.parse(readFileSync(config, 'utf8')), config);
    const missing = { ...mnist, data: { dataset: 'cifar10' as const, root: join(root, 'no-cifar') } };
    const seen: QueueEvent[] = [];
    const derive = deriveOnQueue({ client, runKey: 'run-failing', config: missing, emit: (e) => 'job' in e && seen.push(e), log: () => undefined });
    const message = await derive([{ rank: 1, arch: [1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 3], reward: 0, dir: join(root, 'failing', 'top1') }], () => assert.unreachable('recorded a failed job'))
      .then(() => 'resolved', (e: Error) => e.message);
    assert.ok(message.includes('top1 (job run-failing.derive.top1) failed after 3 attempts') && message.includes('no-cifar'), message);
    const failed = seen.find((e) => e.type === 'queue.failed');
    assert.ok(failed && failed.type === 'queue.failed' && failed.attempts === 3 && failed.error.includes('no-cifar'), JSON.stringify(seen));

    const bad = await client.queue.add('derive', { v: QUEUE_PROTOCOL_VERSION, kind: 'derive', run: 'run-bad', rank: 1, arch: [1, 0, 1], config: mnist }, { jobId: 'run-bad.derive.top1', attempts: 3 });
    await client.finished(bad).then(() => assert.unreachable('a bad payload was run'), () => undefined);
    const { attempts, error } = await client.failure('run-bad.derive.top1');
    assert.is(attempts, 1);
    assert.ok(error.includes('bad payload: payload.arch: architecture: 3 tokens'), error);
    const status = await queueStatus(client.queue, client.target.redact);
    assert.is(status.counts.failed, 2);
    assert.ok(status.workers.length >= 1, JSON.stringify(status));
  } finally {
    await client.close();
  }
});

test('a worker that loses a job\'s lock stops that job, and its folder pushes are refused; the job runs again, recorded once, with a local run\'s result', async () => {
  const out = join(root, 'lock-lost');
  startWorker('w-lock');
  const coordinator = start('search', '--config', config, '--out', out, '--overlap', 'off', '--redis', redis.url);
  const midJob = await waitForEvent(out, (e) => e.type === 'derive.progress' && (e.payload.step as number) >= 10, coordinator.done);
  const rank = midJob.payload.rank as number;
  const job = events(out).find((e) => e.type === 'queue.submitted' && e.payload.rank === rank)!.payload.job as string;
  // Redis forgets the lock, as when the worker was silent past its stall time: the job is no longer its own.
  const direct = new Redis(redisOptions(parseRedisUrl(redis.url)));
  try {
    assert.is(await direct.del(jobLockKey(job)), 1);
  } finally {
    direct.disconnect();
  }
  assert.is(await coordinator.done, 0, coordinator.output.join(''));

  const holder = processes.find((p) => String(midJob.source).endsWith(`-${p.child.pid}`));
  assert.ok(holder?.output.join('').includes(`job ${job}: lost its lock`), holder?.output.join(''));
  const log = events(out);
  assert.ok(log.filter((e) => e.type === 'queue.started' && e.payload.job === job).length >= 2);
  const recorded = log.filter((e) => e.type === 'queue.recorded').map((e) => e.payload.job as string);
  assert.equal(recorded.sort(), [...new Set(recorded)].sort());
  const expected = JSON.parse(readFileSync(join(root, 'local', 'report.json'), 'utf8'));
  const got = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const same = (d: { rank: number; arch: string; is: unknown; fid: number; steps: number }) => ({ rank: d.rank, arch: d.arch, is: d.is, fid: d.fid, steps: d.steps });
  assert.equal(got.derived.map(same), expected.derived.map(same));
});

test('a folder push fenced by a lock that holds another token is refused and changes nothing', async () => {
  const direct = new Redis(redisOptions(parseRedisUrl(redis.url)));
  try {
    const dir = join(root, 'fenced');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.txt'), 'first');
    await direct.set(jobLockKey('fenced-job'), 'token-of-another');
    const mine = new FolderSync(direct, folderKey('fenced-job'), dir, { lockKey: jobLockKey('fenced-job'), token: 'my-token' });
    const refused = await mine.push().then(() => null, (e: unknown) => e);
    assert.instance(refused, LockLostError);
    assert.is(await direct.exists(folderKey('fenced-job')), 0);
    await direct.set(jobLockKey('fenced-job'), 'my-token');
    assert.is(await mine.push(), 5);
    assert.equal(await direct.hgetall(folderKey('fenced-job')), { 'a.txt': 'first' });
  } finally {
    direct.disconnect();
  }
});

test.run();
