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
import type { QueueEvent } from '../src/protocol/events.js';
import { deriveOnQueue } from '../src/queue/derive-on-queue.js';
import { QueueClient } from '../src/queue/queue-client.js';
import { reconnectDelayMs } from '../src/queue/reconnecting.js';
import { queueStatus } from '../src/queue/queue-status.js';
import { cli, writeTinySearchConfig } from './support/kill.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';

const test = suite('queue: a worker pool on a real Redis');
const root = mkdtempSync(join(tmpdir(), 'agts-queue-'));
const PASSWORD = 'pw-s3cret-7351';
// Derivations checkpoint every 5 G steps: a killed worker's job resumes from the last one another worker finds in Redis.
// The tests stop a job once it reports step 10 or 15; 40 steps leave it at least 25 more to be stopped in.
const config = writeTinySearchConfig(join(root, 'search.json'), 11, [1, 1, 1], { topK: 2, steps: 40, checkpointEvery: 5 });

let redis: RedisServer;
/** A line of a process's log, with when it came (ms). */
interface Line { at: number; text: string }
interface Started {
  child: ChildProcess;
  output: string[];
  /** Its stderr line by line. */
  lines: Line[];
  done: Promise<number | null>;
}
const processes: Started[] = [];

/** `autogan ARGS` as a separate process; its output is kept (to check that no password shows in it). */
function start(...args: string[]): Started {
  const child = spawn(process.execPath, ['dist/main.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const lines: Line[] = [];
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    output.push(d.toString());
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop()!;
    for (const text of parts) lines.push({ at: Date.now(), text });
  });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const p = { child, output, lines, done };
  processes.push(p);
  return p;
}

const running = (p: Started) => p.child.exitCode === null && p.child.signalCode === null;

/** Resolves once `p` has written a line that `pick` accepts; rejects if it exits first. */
function waitForLine(p: Started, pick: (line: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const look = () => {
      if (p.lines.some((l) => pick(l.text))) resolve();
      else if (!running(p)) reject(new Error(`exited (${p.child.exitCode}) before the line came:\n${p.output.join('')}`));
      else setTimeout(look, 100);
    };
    look();
  });
}

/** Milliseconds from now until `p` exits, and its exit code. */
async function timedExit(p: Started): Promise<{ ms: number; code: number | null }> {
  const t = Date.now();
  const code = await p.done;
  return { ms: Date.now() - t, code };
}

/**
 * A process's reconnect lines: one per attempt, numbered 1, 2, 3… with no repeat (however many clients it has),
 * each announcing the scheduled delay, and never followed by the next sooner than that delay.
 */
function assertBacksOff(lines: readonly Line[], atLeast: number): void {
  const all = lines.map((l) => l.text).join('\n');
  const attempts = lines.map((l) => ({ at: l.at, m: / reconnect attempt (\d+) in (\d+(?:\.\d+)?) s$/.exec(l.text) })).filter((a) => a.m !== null);
  const numbers = attempts.map((a) => Number(a.m![1]));
  // One loss, one run of attempts (a process that lost Redis twice would number each run from 1).
  assert.equal(numbers, numbers.map((_, i) => i + 1), all);
  assert.ok(numbers.length >= atLeast, `${numbers.length} reconnect lines, expected at least ${atLeast}:\n${all}`);
  for (const [i, a] of attempts.entries()) {
    assert.is(Number(a.m![2]) * 1000, reconnectDelayMs(i + 1));
    // Lines come when an attempt fails, so the gap after one is its delay or more (a loaded machine adds to it).
    if (i + 1 < attempts.length) assert.ok(attempts[i + 1]!.at - a.at >= reconnectDelayMs(i + 1) - 300, `attempt ${i + 2} came ${attempts[i + 1]!.at - a.at} ms after attempt ${i + 1}`);
  }
  assert.ok(lines.some((l) => l.text.includes('connect ECONNREFUSED')), all);
}
// Short, since a dead or silent worker's job waits this out before another takes it; its lock, renewed every half of
// it, still outlasts a Redis restart.
const STALL_SECONDS = 5;
const startWorker = (name: string) => start('worker', '--redis', redis.url, '--dir', join(root, name), '--stall-seconds', String(STALL_SECONDS));

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
  // The retry resumed from the checkpoint the killed worker left: its derivation's report says so in any case. The
  // log has its start where a coordinator was following then; with the stall this short the retry may begin, or
  // even end, while the killed coordinator's successor is still starting.
  const derived = JSON.parse(readFileSync(join(out, 'derive', `top${rank}`, 'report.json'), 'utf8')) as { resumedFromStep: number | null };
  assert.ok((derived.resumedFromStep ?? 0) >= 10, `the retried job started at step ${derived.resumedFromStep}, not from its checkpoint`);
  const starts = log.filter((e) => e.type === 'queue.started' && e.payload.job === job).map((e) => e.payload);
  assert.ok(starts.length >= 1, JSON.stringify(starts));
  for (const retry of starts.slice(1)) {
    assert.ok((retry.from as number) >= 10, `the retried job started at step ${retry.from}, not from its checkpoint`);
    assert.is.not(retry.worker, midJob.source);
  }
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

test('with Redis down, a worker holding no job stops at once, saying it did not reach the queue, and a coordinator\'s client closes at once; reconnect lines back off, one per attempt, and say when Redis is back', async () => {
  // The earlier tests' workers, stopped as a service manager does, with Redis there.
  for (const p of processes.filter(running)) {
    await waitForLine(p, (l) => l.includes('taking jobs from'));
    p.child.kill('SIGTERM');
    assert.is(await p.done, 130, p.output.join(''));
    assert.ok(/worker \S+: stopped\n/.test(p.output.join('')), p.output.join(''));
  }
  const idle = startWorker('w-idle');
  const patient = startWorker('w-patient');
  // A coordinator waiting for a job no worker takes yet (delayed an hour).
  const coordinator: Line[] = [];
  const client = await QueueClient.open(parseRedisUrl(redis.url), (text) => coordinator.push({ at: Date.now(), text }));
  const mnist = resolveConfig(JSON.parse(readFileSync(config, 'utf8')), config);
  const later = await client.queue.add('derive', { v: QUEUE_PROTOCOL_VERSION, kind: 'derive', run: 'run-later', rank: 1, arch: [1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 3], config: mnist }, { jobId: 'run-later.derive.top1', delay: 3_600_000 });
  const stopWaiting = new AbortController();
  const waiting = client.finished(later, stopWaiting.signal);
  for (const w of [idle, patient]) await waitForLine(w, (l) => l.includes('taking jobs from'));
  await redis.stop();
  // Attempts 1 to 4 are 0, 1, 3 and 7 s after the loss.
  await waitForLine(idle, (l) => l.includes(' reconnect attempt 4 in '));
  idle.child.kill('SIGTERM');
  const { ms, code } = await timedExit(idle);
  assert.is(code, 130, idle.output.join(''));
  assert.ok(ms < 5000, `the idle worker took ${ms} ms to exit`);
  assert.ok(idle.output.join('').includes(`stopped without reaching the queue at redis://***@127.0.0.1:${redis.port}`), idle.output.join(''));
  assertBacksOff(idle.lines, 4);
  stopWaiting.abort();
  assert.is(await waiting, null);
  const closing = Date.now();
  await client.close();
  assert.ok(Date.now() - closing < 2000, `the coordinator's client took ${Date.now() - closing} ms to close`);
  assertBacksOff(coordinator, 4);

  await redis.restart();
  await waitForLine(patient, (l) => / reconnected after \d+ attempts$/.test(l));
  assertBacksOff(patient.lines, 4);
  patient.child.kill('SIGTERM');
  assert.is(await patient.done, 130, patient.output.join(''));
  assert.ok(/worker \S+: stopped\n/.test(patient.output.join('')), patient.output.join(''));
  const tidy = await QueueClient.open(parseRedisUrl(redis.url), () => undefined);
  await tidy.forget(later.id!);
  await tidy.close();
});

test('workers stopped mid-job: with Redis there the job goes back at once with its checkpoint; with Redis down the worker gives the job up within the stall period and exits, and once Redis is back another worker resumes it from the last checkpoint that reached Redis; the run ends as an uninterrupted one', async () => {
  const out = join(root, 'stopped-mid-job');
  // Workers restarted one after another on one machine, in one folder: the first test's worker's (stopped above),
  // where the data set's statistics are cached.
  const restart = () => startWorker('w1');
  const polite = restart();
  const coordinator = start('search', '--config', config, '--out', out, '--overlap', 'off', '--redis', redis.url);
  const jobOf = (rank: unknown) => events(out).find((e) => e.type === 'queue.submitted' && e.payload.rank === rank)!.payload.job as string;
  const startsOf = (job: string) => events(out).filter((e) => e.type === 'queue.started' && e.payload.job === job).map((e) => e.payload);
  const first = await waitForEvent(out, (e) => e.type === 'derive.progress' && (e.payload.step as number) >= 10, coordinator.done);
  assert.ok(String(first.source).endsWith(`-${polite.child.pid}`), String(first.source));
  const handedBack = jobOf(first.payload.rank);
  polite.child.kill('SIGTERM');
  assert.is(await polite.done, 130, polite.output.join(''));
  assert.ok(/worker \S+: stopped\n/.test(polite.output.join('')), polite.output.join(''));

  const holder = restart();
  const midJob = await waitForEvent(out, (e) => e.type === 'derive.progress' && String(e.source).endsWith(`-${holder.child.pid}`) && (e.payload.step as number) >= 10, coordinator.done);
  const job = jobOf(midJob.payload.rank);
  await redis.stop();
  holder.child.kill('SIGTERM');
  const { ms, code } = await timedExit(holder);
  assert.is(code, 130, holder.output.join(''));
  // The current step, then at most the stall period waiting for Redis, then the job's actors shut down.
  assert.ok(ms < (STALL_SECONDS + 20) * 1000, `the worker took ${ms} ms to exit`);
  const said = holder.output.join('');
  assert.ok(said.includes(`job ${job}: stopped, but Redis did not answer for ${STALL_SECONDS} s`), said);
  assert.ok(said.includes(`stopped without reaching the queue at redis://***@127.0.0.1:${redis.port}`), said);

  await redis.restart();
  const taker = restart();
  assert.is(await coordinator.done, 0, coordinator.output.join(''));
  // Handed back with Redis there: the next worker went on from the checkpoint the stopped one sent.
  const next = startsOf(handedBack).find((s) => s.worker !== first.source);
  assert.ok(next && (next.from as number) >= (first.payload.step as number), JSON.stringify(startsOf(handedBack)));
  // Given up without Redis: taken again once Redis was back, from the last checkpoint that had reached it.
  const resumed = startsOf(job).at(-1)!;
  assert.ok(String(resumed.worker).endsWith(`-${taker.child.pid}`), JSON.stringify(startsOf(job)));
  assert.ok((resumed.from as number) >= (midJob.payload.step as number), `taken again at step ${resumed.from}, not from its checkpoint at ${midJob.payload.step}`);
  const recorded = events(out).filter((e) => e.type === 'queue.recorded').map((e) => e.payload.job as string);
  assert.equal(recorded.sort(), [...new Set(recorded)].sort());
  const expected = JSON.parse(readFileSync(join(root, 'local', 'report.json'), 'utf8'));
  const got = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const same = (d: { rank: number; arch: string; is: unknown; fid: number; steps: number }) => ({ rank: d.rank, arch: d.arch, is: d.is, fid: d.fid, steps: d.steps });
  assert.equal(got.derived.map(same), expected.derived.map(same));
  // The coordinator waited out the outage with the same backing-off lines, and said when Redis was back.
  assertBacksOff(coordinator.lines, 3);
  assert.ok(coordinator.lines.some((l) => / reconnected after \d+ attempts$/.test(l.text)), coordinator.output.join(''));
});

test.run();
