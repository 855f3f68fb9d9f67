import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './support/kill.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';
import { readStudyJson, withoutTimings, writeTinyStudy } from './support/study.js';

const root = mkdtempSync(join(tmpdir(), 'agts-queue-study-'));
// One arm, two seeds (the fewest a study takes): two runs, each a job, one for each worker to start with.
const config = writeTinyStudy(join(root, 'study.json'), { arms: ['full'] });
let redis: RedisServer;
const children: ChildProcess[] = [];

/** `autogan ARGS` as a process; `output` resolves once its stderr shows `marker` (never without one). */
function start(args: string[], marker?: string) {
  const child = spawn(process.execPath, ['dist/main.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  const seen = new Promise<void>((resolve) => child.stderr!.on('data', (d: Buffer) => {
    text += d.toString();
    if (marker !== undefined && text.includes(marker)) resolve();
  }));
  child.stdout!.resume();
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, seen, done, text: () => text };
}

test.before(async () => {
  mkdirSync(join(root, 'redis'));
  redis = await startRedisServer(join(root, 'redis'), 'study-pw');
});

test.after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await redis?.stop();
});

test('study --redis: each run a job on two workers, one SIGKILLed mid-run (another resumes it from its checkpoint); the same study.json as a local study', async () => {
  const local = join(root, 'local');
  const r = cli('study', '--config', config, '--out', local);
  assert.is(r.status, 0, r.stderr);

  // The first worker dies once a search of its is done (its checkpoints sent) and its derivation begins.
  // The killed worker's run goes to the other once its lock lapses: a short stall period, so that it soon does.
  const worker = (name: string) => ['worker', '--redis', redis.url, '--dir', join(root, name), '--stall-seconds', '5'];
  const doomed = start(worker('w1'), 'deriving top1');
  const other = start(worker('w2'));
  const pooled = join(root, 'pooled');
  const coordinator = start(['study', '--config', config, '--out', pooled, '--redis', redis.url]);
  await Promise.race([doomed.seen, coordinator.done]);
  doomed.child.kill('SIGKILL');
  assert.is(await coordinator.done, 0, coordinator.text());
  other.child.kill('SIGTERM');
  assert.is(await other.done, 130);

  assert.equal(withoutTimings(readStudyJson(pooled)), withoutTimings(readStudyJson(local)));
  const runs = readdirSync(join(pooled, 'runs')).sort();
  assert.equal(runs, readdirSync(join(local, 'runs')).sort());
  for (const run of runs) assert.ok(existsSync(join(pooled, 'runs', run, 'report.json')) && existsSync(join(pooled, 'runs', run, 'events.jsonl')), run);
  // The killed worker's run went on elsewhere from what it had sent: its log has a resumed part.
  const resumed = runs.filter((run) => readFileSync(join(pooled, 'runs', run, 'events.jsonl'), 'utf8').includes('"resumed":true'));
  assert.is(resumed.length, 1, `runs resumed: ${resumed.join(', ')}`);
  assert.not.ok(coordinator.text().includes('study-pw') || other.text().includes('study-pw') || doomed.text().includes('study-pw'));
});

test.run();
