import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARM_NAMES, armSearchConfig } from '../src/study/arms.js';
import { loadConfig } from '../src/config/run-config.js';
import { loadStudy } from '../src/study/study-config.js';

/** `autogan study ARGS`, stopped after a minute: a config wrongly accepted would start a whole study. */
const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/main.js', ...args], { encoding: 'utf8', timeout: 60_000 });
import { TINY_STUDY, isStudyConfig, writeTinyStudy } from './support/study.js';

const root = mkdtempSync(join(tmpdir(), 'agts-study-config-'));

test('each arm spends the same budget its own way: the arithmetic of every arm of the tiny study', () => {
  const { study, base } = loadStudy(TINY_STUDY);
  const { minibatches: B, childEvaluations: E, derive } = study.budget;
  assert.equal([B, E, derive.candidates, base.search.beamCandidates, base.search.iterations], [15, 15, 3, 3, [1, 1, 1]]);
  const got = Object.fromEntries(ARM_NAMES.map((arm) => {
    const s = armSearchConfig(base.search, arm, study.budget, TINY_STUDY);
    assert.is(s.overlap, false, `${arm}: overlap off, so a resumed study gives the same table`);
    assert.equal(s.derive, { ...base.search.derive, ...derive });
    return [arm, [s.strategy, s.levels, s.reset.enabled, s.iterations, s.minibatches, s.controllerSteps]];
  }));
  assert.equal(got, {
    // 3 iterations × 5 minibatches; 3 × 2 children + 2 beams × 3 + 3 final candidates = 15.
    full: ['rl', 'multi', true, [1, 1, 1], 5, 2],
    'random-shared': ['random-shared', 'multi', true, [1, 1, 1], 5, 2],
    'no-reset': ['rl', 'multi', false, [1, 1, 1], 5, 2],
    // No beam: 3 × 4 children + 3 final candidates = 15.
    'single-level': ['rl', 'single', true, [1, 1, 1], 5, 4],
    // 15 architectures, each trained alone for 1 minibatch and scored once.
    'random-independent': ['random-independent', 'multi', true, [1, 1, 13], 1, 1],
  });
});

test('every shipped study config is valid, every arm of it included', () => {
  const studies = readdirSync('configs').filter(isStudyConfig);
  assert.ok(studies.includes('mnist-study.json'));
  for (const f of studies) loadStudy(join('configs', f));
  const { study, base } = loadStudy('configs/mnist-study.json');
  assert.equal([study.arms.length, study.seeds.length, base.data.dataset], [ARM_NAMES.length, 6, 'mnist']);
});

test('the deciding studies of docs/studies.md: margins stated, claims seeds from the power figures, 20+ proxy architectures at the derivation pinned when the study began', () => {
  const claims = loadStudy('configs/mnist-claims-study.json').study;
  assert.equal(claims.margins, { fid: { relative: 0.1, of: 'full' }, is: { relative: 0.1, of: 'full' }, minibatches: null, searchSeconds: null });
  // The largest FID count of the first study's claims (31, 47, 30), at its budget.
  assert.is(claims.seeds.length, 47);
  assert.equal(claims.budget, loadStudy('configs/mnist-study.json').study.budget);
  const reset = loadStudy('configs/mnist-reset-study.json');
  assert.equal(reset.study.arms, ['full', 'no-reset']);
  assert.equal([reset.base.search.reset, reset.base.train.nCritic], [{ enabled: true, window: 100, threshold: 1e-3 }, 5]);
  assert.ok(reset.study.margins.minibatches !== null);
  const proxy = loadStudy('configs/mnist-proxy-study.json').study;
  assert.ok(proxy.seeds.length * proxy.budget.derive.topK >= 20);
  assert.is(proxy.budget.derive.topK, proxy.budget.derive.candidates, 'every candidate derived: no selection by proxy');
  // The default job's derivation when the study began (G 16 wide, 3,000 steps), pinned in the study's config: the
  // default has since grown (G 32 wide, 5,500 steps), and 24 derivations of that would not fit the studies' 8 hours.
  const proxyBase = loadStudy('configs/mnist-proxy-study.json').base;
  assert.equal([proxy.budget.derive.steps, proxyBase.model.gf], [3000, 16]);
  assert.ok(proxy.budget.derive.steps <= loadConfig('configs/mnist-tiny.json').search.derive.steps);
});

/** `study ARGS` on a config with `over` replacing keys of the tiny study: exit 2, one line, nothing written. */
function refused(name: string, over: Record<string, unknown>, pattern: RegExp, extra: string[] = []): void {
  const config = writeTinyStudy(join(root, `${name}.json`), over);
  const out = join(root, `${name}-out`);
  const r = cli('study', '--config', config, '--out', out, '--backend', 'cpu', ...extra);
  assert.is(r.status, 2, `${name}: ${r.stderr}`);
  assert.is(r.stderr.trim().split('\n').length, 1, `${name}: one line: ${r.stderr}`);
  assert.match(r.stderr, pattern, name);
  assert.ok(r.stderr.includes(config) || /^error: --/.test(r.stderr), `${name}: names the file: ${r.stderr}`);
  assert.not.ok(existsSync(out), `${name}: nothing written`);
}

test('a bad study config is an exit-2 error naming the key, before anything is written', () => {
  refused('unknown-key', { budgett: 1 }, /: budgett: unknown key \(allowed: base, config, arms, seeds, budget, margins, bootstrap\)/);
  refused('no-budget', { budget: undefined }, /: budget: missing/);
  refused('budget-key', { budget: { minibatches: 45, childEvaluations: 15 } }, /: budget\.derive: missing/);
  refused('bad-arm', { arms: ['full', 'randm'] }, /: arms\[1\]: expected one of full\|random-shared\|random-independent\|no-reset\|single-level, got "randm"/);
  refused('one-seed', { seeds: [1] }, /: seeds: expected a list of at least 2, got an array/);
  refused('seed-twice', { seeds: [1, 2, 1] }, /: seeds: 1 is listed twice/);
  refused('negative-seed', { seeds: [1, -2] }, /: seeds\[1\]: must be ≥ 0, got -2/);
  refused('minibatches', { budget: { minibatches: 33, childEvaluations: 15, derive: { candidates: 3, topK: 1, steps: 2 } } },
    /: budget\.minibatches: 33 does not split evenly over the random-independent arm's 15 architectures \(one per child evaluation\) \(use a multiple of 15\)/);
  refused('children-uneven', { budget: { minibatches: 48, childEvaluations: 16, derive: { candidates: 3, topK: 1, steps: 2 } }, arms: ['full'] },
    /: budget\.childEvaluations: 16 leaves 7 children after 2 beam hand-overs of 3 and 3 final candidates, which do not split evenly over the full arm's 3 iterations \(15 or 18 would\)/);
  refused('children-few', { budget: { minibatches: 45, childEvaluations: 9, derive: { candidates: 3, topK: 1, steps: 2 } }, arms: ['full'] },
    /: budget\.childEvaluations: 9 leaves 0 children for the full arm's 3 iterations after 2 beam hand-overs of 3 and 3 final candidates; need at least 12/);
  refused('topk', { budget: { minibatches: 45, childEvaluations: 15, derive: { candidates: 3, topK: 4, steps: 2 } } }, /: budget\.derive\.topK: 4 exceeds budget\.derive\.candidates \(3\)/);
  refused('override', { config: { search: { gf: 0 } } }, /: config\.search\.gf: must be ≥ 1, got 0/);
  refused('bootstrap', { bootstrap: { resamples: 10 } }, /: bootstrap\.resamples: must be ≥ 100, got 10/);
  refused('margin-metric', { margins: { fidd: { absolute: 5 } } }, /: margins\.fidd: unknown key \(allowed: fid, is, minibatches, searchSeconds\)/);
  refused('margin-number', { margins: { fid: 0.1 } }, /: margins\.fid: expected \{"absolute": X\} or \{"relative": F, "of": ARM\}, got 0\.1/);
  refused('margin-zero', { margins: { fid: { absolute: 0 } } }, /: margins\.fid\.absolute: must be > 0, got 0/);
  refused('margin-percent', { margins: { is: { relative: 10, of: 'full' } } }, /: margins\.is\.relative: must be ≤ 1, got 10/);
  refused('margin-no-arm', { margins: { fid: { relative: 0.1 } } }, /: margins\.fid\.of: missing \(a margin is/);
  refused('margin-both', { margins: { fid: { absolute: 5, relative: 0.1 } } }, /: margins\.fid\.relative: unknown key \(a margin is/);
  refused('margin-bad-arm', { margins: { fid: { relative: 0.1, of: 'ful' } } }, /: margins\.fid\.of: expected one of full\|random-shared\|random-independent\|no-reset\|single-level, got "ful"/);
  refused('margin-arm-not-run', { arms: ['full', 'random-shared'], margins: { fid: { relative: 0.1, of: 'single-level' } } },
    /: margins\.fid\.of: "single-level" is not one of the study's arms \(full, random-shared\)/);
  const missingBase = writeTinyStudy(join(root, 'missing-base.json'), { base: join(root, 'nope.json') });
  const r = cli('study', '--config', missingBase, '--out', join(root, 'missing-base-out'));
  assert.is(r.status, 2);
  assert.match(r.stderr, /nope\.json: cannot read config \(ENOENT\)/);
});

test('bad flags and directories: exit 2 naming the flag or the folder', () => {
  const config = writeTinyStudy(join(root, 'ok.json'));
  const cases: [string[], RegExp][] = [
    [['--out', join(root, 'x')], /--config: is required \(or --resume DIR\)/],
    [['--resume', root, '--config', config], /--config: cannot be combined with --resume/],
    [['--resume', join(root, 'none')], /none: is not a study directory \(no study-config\.json\)/],
    [['--config', config, '--gpus', 'a'], /--gpus/],
  ];
  for (const [args, pattern] of cases) {
    const r = cli('study', ...args);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, pattern);
  }
  const busy = join(root, 'busy');
  mkdirSync(busy);
  writeFileSync(join(busy, 'study-config.json'), '{}');
  const r = cli('study', '--config', config, '--out', busy);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /busy: already holds a study \(use --resume to continue it, or choose another --out\)/);
  const damaged = cli('study', '--resume', busy);
  assert.is(damaged.status, 2, damaged.stderr);
  assert.match(damaged.stderr, /busy\/study-config\.json: study: expected an object, got undefined/);
});

test.run();
