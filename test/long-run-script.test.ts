import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinySearchConfig } from './support/kill.js';
import { readStudyJson, writeTinyStudy } from './support/study.js';

const root = mkdtempSync(join(tmpdir(), 'agts-long-run-'));
const config = writeTinySearchConfig(join(root, 'search.json'), 6);
// Nine iterations: a search the script's 1-second poll can stop after the first, long before its end.
const longerConfig = writeTinySearchConfig(join(root, 'search-longer.json'), 6, [3, 3, 3]);

interface Summary {
  status: string;
  restarts: number;
  exitCodes: number[];
  iterationsTrained: number;
}

const childrenOf = (pid: number): number[] =>
  spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);

/** Search iterations trained so far, over the run's event log or, for a study, its runs' logs. */
function iterationsTrainedIn(out: string): number {
  const logs = [join(out, 'events.jsonl'), ...(existsSync(join(out, 'runs')) ? readdirSync(join(out, 'runs')).map((r) => join(out, 'runs', r, 'events.jsonl')) : [])];
  let n = 0;
  for (const log of logs) if (existsSync(log)) n += readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('"type":"search.trained"')).length;
  return n;
}

/**
 * A point of the run to SIGKILL it at: once `afterIterations` search iterations are trained, drawn at random
 * below `total` (the run's whole count), so that the kill lands part-way whatever the machine's pace: a kill
 * timed by the clock could come after a fast machine's run had ended.
 */
function killPoint(total: number, label: string): number {
  const afterIterations = 1 + Math.floor(Math.random() * (total - 1));
  console.log(`  ${label}: kill once ${afterIterations} of the ${total} iterations are trained`);
  return afterIterations;
}

/**
 * Runs scripts/long-run.sh on `target` (a search config, or `study` and a study config); once `killAfterIterations`
 * iterations are trained, SIGKILLs the search or study process itself (the script's grandchild, under `timeout`),
 * as a crash of the machine's node would.
 */
function longRun(out: string, flags: string[], killAfterIterations: number | null, target = [config]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const script = spawn('bash', ['scripts/long-run.sh', ...target, out, ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    script.stderr.on('data', (d) => (stderr += d));
    let killed = killAfterIterations === null;
    const poll = setInterval(() => {
      if (killed || iterationsTrainedIn(out) < killAfterIterations!) return;
      killed = true;
      for (const t of childrenOf(script.pid!)) for (const node of childrenOf(t)) process.kill(node, 'SIGKILL');
    }, 20);
    script.on('error', reject);
    script.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stderr });
    });
  });
}

const summaryOf = (out: string): Summary => JSON.parse(readFileSync(join(out, 'long-run.json'), 'utf8')) as Summary;

test('long-run.sh: the search crashes (SIGKILL), is resumed, finishes, and the summary counts the restart', async () => {
  const out = join(root, 'crash');
  const r = await longRun(out, ['--hours', '1', '--pause', '0'], killPoint(3, 'long-run kill'));
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /long-run: search exited 137; resuming \(restart 1 of at most 20\)/);
  const s = summaryOf(out);
  assert.equal([s.status, s.restarts, s.exitCodes, s.iterationsTrained], ['finished', 1, [137, 0], 3]);
  assert.ok(existsSync(join(out, 'report.json')));
});

test('long-run.sh: --iterations stops the search once that many iterations are trained, and a later call goes on', async () => {
  const out = join(root, 'limited');
  const first = await longRun(out, ['--iterations', '1'], null, [longerConfig]);
  assert.is(first.code, 0, first.stderr);
  const s = summaryOf(out);
  assert.is(s.status, 'iteration-limit');
  assert.equal(s.exitCodes, [130]);
  assert.ok(s.iterationsTrained >= 1 && s.iterationsTrained < 9, `trained ${s.iterationsTrained}`);
  assert.not.ok(existsSync(join(out, 'report.json')) && JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).derived?.length > 0);
  const rest = await longRun(out, [], null, [longerConfig]);
  assert.is(rest.code, 0, rest.stderr);
  assert.equal([summaryOf(out).status, summaryOf(out).iterationsTrained], ['finished', 9]);
});

test('long-run.sh study: the study crashes (SIGKILL), is resumed, finishes, and the summary counts the iterations of all its runs', async () => {
  const out = join(root, 'study');
  const study = writeTinyStudy(join(root, 'study.json'), { arms: ['full'] });
  const r = await longRun(out, ['--hours', '1', '--pause', '0'], killPoint(6, 'long-run study kill'), ['study', study]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /long-run: study exited 137; resuming \(restart 1 of at most 20\)/);
  const s = summaryOf(out);
  assert.equal([s.status, s.restarts, s.exitCodes, s.iterationsTrained], ['finished', 1, [137, 0], 6], 'two runs of three iterations');
  assert.ok(readStudyJson(out).complete);
});

test('long-run.sh: bad options are exit 2 naming the option', () => {
  for (const [flags, pattern] of [
    [['--hours', 'x'], /--hours expects a number, got "x"/],
    [['--pause', '-1'], /--pause expects a number, got "-1"/],
    [['--iterations', '0'], /--iterations expects a whole number ≥ 1, got "0"/],
    [['--max-restarts'], /--max-restarts needs a value/],
    [['--hourz', '1'], /unknown option --hourz/],
  ] as const) {
    const r = spawnSync('bash', ['scripts/long-run.sh', config, join(root, 'never'), ...flags], { encoding: 'utf8' });
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, pattern);
  }
  assert.not.ok(existsSync(join(root, 'never')), 'nothing is written');
});

test.run();
