import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIN_SEEDS } from '../src/study/decision.js';
import { readRunOutcome } from '../src/study/run-outcome.js';
import { meanStd } from '../src/study/statistics.js';
import { budgetDifferences, type StudyResult } from '../src/study/study-result.js';
import { cli } from './support/kill.js';
import { TINY_STUDY, readStudyJson } from './support/study.js';

const root = mkdtempSync(join(tmpdir(), 'agts-study-budget-'));
const dir = join(root, 'study');
let result: StudyResult;

test.before(() => {
  const r = cli('study', '--config', TINY_STUDY, '--out', dir);
  assert.is(r.status, 0, r.stderr);
  result = readStudyJson(dir) as unknown as StudyResult;
});

type Event = { type: string; payload: Record<string, unknown> };
const eventsOf = (run: string): Event[] => readFileSync(join(dir, run, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Event);

/** The budget a run spent, counted here from its log independently of src/study: the last record of each iteration, stage, rank. */
function countedHere(run: string) {
  const last = <K>(type: string, key: (p: Record<string, unknown>) => K) => [...new Map(eventsOf(run).filter((e) => e.type === type).map((e) => [key(e.payload), e.payload])).values()];
  const trained = last('search.trained', (p) => p.iteration);
  const scored = last('search.rewards', (p) => p.iteration);
  const beams = last('search.beam', (p) => p.stage);
  const finals = last('search.candidates', () => 0);
  const derived = last('search.derived', (p) => (p.result as { rank: number }).rank);
  return {
    minibatches: trained.reduce((a, p) => a + (p.minibatches as number), 0),
    childEvaluations: [...scored.map((p) => p.archs), ...beams.map((p) => p.candidates), ...finals.map((p) => p.archs)].reduce<number>((a, l) => a + (l as unknown[]).length, 0),
    derived: derived.length,
    deriveSteps: derived.reduce((a, p) => a + (p.result as { steps: number }).steps, 0),
  };
}

test('every arm and seed spent the same budget, counted from its event log', () => {
  assert.ok(result.complete);
  assert.equal(result.budget.planned, { minibatches: 15, childEvaluations: 15, derived: 1, deriveSteps: 2 });
  assert.equal(result.budget, { planned: result.budget.planned, equal: true, differences: [] });
  assert.is(result.runs.length, 10);
  for (const run of result.runs) {
    const here = countedHere(run.dir);
    assert.equal(here, result.budget.planned, `${run.dir}: the log holds the planned budget`);
    const { minibatches, childEvaluations, derived, deriveSteps } = run.budget!;
    assert.equal({ minibatches, childEvaluations, derived, deriveSteps }, here, `${run.dir}: study.json counts what the log holds`);
  }
  // The arms spend it differently: 3 iterations of 5 minibatches, or 15 architectures of 1.
  const trainedOf = (run: string) => eventsOf(run).filter((e) => e.type === 'search.trained').map((e) => e.payload.minibatches);
  assert.equal(trainedOf('runs/full-seed1'), [5, 5, 5]);
  assert.equal(trainedOf('runs/random-independent-seed1'), new Array(15).fill(1));
});

test('the count comes from the log: a run whose log shows less training is named as spending less', () => {
  const copy = join(root, 'edited');
  cpSync(join(dir, 'runs', 'full-seed1'), copy, { recursive: true });
  const lines = readFileSync(join(copy, 'events.jsonl'), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('"type":"search.trained"'));
  lines[i] = lines[i]!.replace('"minibatches":5,', '"minibatches":1,');
  writeFileSync(join(copy, 'events.jsonl'), lines.join('\n'));
  const spent = readRunOutcome(copy)!.budget;
  assert.is(spent.minibatches, 11);
  assert.equal(budgetDifferences(spent, result.budget.planned), ['11 minibatches (planned 15)']);
});

test('the arms table is the mean ± std over seeds of the runs, and every verdict follows its interval', () => {
  for (const arm of result.arms) {
    const runs = result.runs.filter((r) => r.arm === arm.arm);
    assert.is(arm.runs, 2);
    assert.equal(arm.fid, meanStd(runs.map((r) => r.best!.fid!)));
    assert.equal(arm.is, meanStd(runs.map((r) => r.best!.is!)));
  }
  assert.equal(result.claims.map((c) => c.id), ['rl-beats-random-shared', 'rl-beats-random-independent', 'multi-level-beats-single-level', 'reset-saves-search-time']);
  for (const c of result.claims) {
    for (const cmp of [...c.comparisons, ...c.timings.comparisons]) {
      assert.is(cmp.pairs, 2);
      const d = cmp.difference!;
      // Two seeds are under MIN_SEEDS: an interval off zero does not decide; the tiny study sets no margins.
      assert.is(cmp.equivalence, null);
      assert.is(cmp.verdict, d.low > 0 || d.high < 0 ? 'too few seeds' : 'undecided', `${c.id} ${cmp.metric}`);
    }
    assert.is(c.verdict, c.comparisons[0]!.verdict);
  }
  assert.ok(MIN_SEEDS > 2);
  const p = result.proxyCorrelation;
  assert.equal(p.arms, ['full', 'random-shared', 'no-reset', 'single-level']);
  assert.is(p.points, result.runs.filter((r) => r.arm !== 'random-independent' && r.best!.is !== null).length);
});

test('study.md has one line per claim with its verdict and interval, and a row per run; each run is an ordinary search run', () => {
  const md = readFileSync(join(dir, 'study.md'), 'utf8');
  const claimLines = md.split('\n').filter((l) => /^- \*\*(better|worse|equivalent within the margin|undecided|too few seeds|positive|negative|no correlation shown)\*\*: /.test(l));
  assert.is(claimLines.length, 5);
  for (const l of claimLines.slice(0, 4)) assert.match(l, /FID of the derived architecture [-+]?\d+\.\d \[-?\d+\.\d, -?\d+\.\d\]/);
  assert.match(claimLines[4]!, /Spearman's ρ -?\d\.\d\d \[-?\d\.\d\d, -?\d\.\d\d\]|too few seeds/);
  assert.is(md.split('\n').filter((l) => /^\| `[a-z-]+` \| \d \| `/.test(l)).length, 10);
  const tail = cli('tail', join(dir, 'runs', 'single-level-seed2'), '--type', 'search.candidates', '--json');
  assert.is(tail.status, 0, tail.stderr);
  assert.is((JSON.parse(tail.stdout.trim()) as Event).payload.archs instanceof Array, true);
});

test.run();
