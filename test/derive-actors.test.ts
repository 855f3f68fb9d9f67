/**
 * Derivation as supervised actor work (issue 12): the top candidates train at once on Deriver actors, a crashed
 * deriver resumes its derivation from a checkpoint, a killed run resumes each derivation where it stood, and how
 * many derive at once does not change the results. One whole search serves as the reference; the other runs
 * resume copies of it taken as its search ended, so they repeat only the derivation.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBlasAddon } from '../src/backend/blas/addon.js';
import { parseEventLines } from '../src/supervisor/event-file.js';
import type { LogEvent } from '../src/protocol/events.js';
import { checkpointPath } from '../src/train/checkpoint-dir.js';
import { cli, killMidRun, writeTinySearchConfig } from './support/kill.js';

const root = mkdtempSync(join(tmpdir(), 'agts-derive-'));
// Two candidates of 4 G steps, a checkpoint after every step, both at once.
const config = writeTinySearchConfig(join(root, 'search.json'), 6, [1, 1, 1], { topK: 2, steps: 4, parallel: 2 });
const backend = ['--backend', loadBlasAddon().ok ? 'blas' : 'wasm'];

const events = (dir: string): LogEvent[] => parseEventLines(readFileSync(join(dir, 'events.jsonl'), 'utf8')).events;
type Derived = { rank: number; arch: string; steps: number; is: unknown; fid: unknown; dir: string };
const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { derived: Derived[]; interrupted: boolean; placement: { id: string }[] };
/** What a derivation ended with: architecture, steps, IS and FID, by rank. */
const outcome = (dir: string) => report(dir).derived.map((d) => [d.rank, d.arch, d.steps, d.is, d.fid]);

function run(...args: string[]): void {
  const r = cli(...args, ...backend);
  assert.is(r.status, 0, r.stderr);
}

/** A copy of the reference run as its search ended, before derivation (what a run killed then holds). */
function searchedCopy(name: string, config: (c: { search: { derive: Record<string, unknown> } }) => void = () => {}): string {
  const dir = join(root, name);
  cpSync(whole, dir, { recursive: true });
  rmSync(join(dir, 'derive'), { recursive: true });
  rmSync(join(dir, 'report.json'));
  const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  config(saved);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(saved, null, 2));
  return dir;
}

/** This run's part of a log that a copy carries on from. */
const since = (dir: string, from: string) => events(dir).slice(events(from).length);

const whole = join(root, 'whole');

test('the two candidates train at once on two deriver actors, with start, checkpoints and scores in the log', () => {
  run('search', '--config', config, '--out', whole);
  const log = events(whole);
  const placed = log.filter((e) => e.type === 'actor.placed' && (e.payload as { kind: string }).kind === 'deriver');
  assert.equal(placed.map((e) => e.source).sort(), ['deriver-0', 'deriver-1']);
  assert.equal(report(whole).placement.map((p) => p.id).filter((id) => id.startsWith('deriver')), ['deriver-0', 'deriver-1']);
  const of = (type: string) => log.filter((e) => e.type === type);
  const started = of('derive.started');
  const finished = of('derive.finished');
  assert.equal(started.map((e) => (e.payload as { rank: number }).rank).sort(), [1, 2]);
  for (const e of [...started, ...finished, ...of('derive.progress')]) assert.is(e.source, (e.payload as { actor: string }).actor, 'each event is its deriver\'s');
  assert.is.not(started[0]!.source, started[1]!.source, 'one deriver each');
  assert.ok(Math.max(...started.map((e) => e.seq)) < Math.min(...finished.map((e) => e.seq)), 'both started before either finished');
  for (const rank of [1, 2]) {
    const steps = of('derive.progress').filter((e) => (e.payload as { rank: number }).rank === rank).map((e) => (e.payload as { step: number }).step);
    assert.equal(steps, [1, 2, 3], `top${rank}: a progress event at every checkpoint before the last step`);
    const dir = join(whole, 'derive', `top${rank}`);
    assert.ok(existsSync(join(dir, 'samples', 'final.png')) && existsSync(checkpointPath(join(dir, 'checkpoints'), 4)));
    assert.is(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).steps, 4);
  }
  const derived = report(whole).derived;
  assert.equal(derived.map((d) => [d.rank, d.steps, d.dir]), [[1, 4, join(whole, 'derive', 'top1')], [2, 4, join(whole, 'derive', 'top2')]]);
  assert.ok(derived.every((d) => d.is !== null && typeof d.fid === 'number'), 'each derived architecture has IS and FID');
  assert.is(report(whole).interrupted, false);
});

test('a deriver crashed part-way is restarted and resumes its derivation from its checkpoint; the results are unchanged', () => {
  const dir = searchedCopy('crash');
  run('search', '--resume', dir, '--fault', 'crash:deriver@3');
  const log = since(dir, whole);
  const crashed = log.find((e) => e.type === 'actor.restarting')?.source;
  assert.ok(crashed?.startsWith('deriver-'), 'a deriver was restarted');
  assert.ok(log.some((e) => e.source === crashed && e.type === 'actor.log' && /resuming from .*step-000000001\.ckpt/.test((e.payload as { line: string }).line)), 'from its checkpoint');
  assert.equal(outcome(dir), outcome(whole));
});

test('SIGKILL during derivation, then --resume: finished candidates stay, half-done ones resume, and the report is the same', async () => {
  const dir = searchedCopy('killed');
  // Killed as a checkpoint drawn at random appears: the other candidate may be behind, level or done by then.
  const rank = 1 + Math.floor(Math.random() * 2);
  const step = 1 + Math.floor(Math.random() * 2);
  const at = checkpointPath(join(dir, 'derive', `top${rank}`, 'checkpoints'), step);
  await killMidRun(['search', '--resume', dir, ...backend], dir, at, 100, `kill at top${rank}'s checkpoint ${step}`, () => existsSync(join(dir, 'report.json')));
  run('search', '--resume', dir);
  assert.equal(outcome(dir), outcome(whole));
});

test('one deriver at a time (search.derive.parallel 1) derives the same results', () => {
  const dir = searchedCopy('sequential', (c) => (c.search.derive.parallel = 1));
  run('search', '--resume', dir);
  const placed = since(dir, whole).filter((e) => e.type === 'actor.placed' && (e.payload as { kind: string }).kind === 'deriver');
  assert.equal(placed.map((e) => e.source), ['deriver-0']);
  assert.equal(outcome(dir), outcome(whole));
});

test.run();
