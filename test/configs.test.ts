import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, loadConfig, resolveConfig } from '../src/config/run-config.js';
import { InputError } from '../src/errors.js';
import { isStudyConfig } from './support/study.js';

test('every shipped run config is valid', () => {
  for (const f of readdirSync('configs').filter((n) => !isStudyConfig(n))) loadConfig(join('configs', f));
});

test('the paper configs carry the reference settings', () => {
  const c = loadConfig('configs/cifar10-paper.json');
  assert.equal([c.model.gf, c.model.df, c.search.gf, c.search.df], [256, 128, 128, 64]);
  assert.equal([c.train.dBatch, c.train.gBatch, c.train.nCritic, c.train.lrG, c.train.beta1, c.train.beta2], [64, 128, 5, 2e-4, 0, 0.9]);
  assert.equal(c.search.iterations, [15, 20, 30]);
  assert.equal([c.search.controllerSteps, c.search.childSamples, c.search.beamCandidates, c.search.beamKeep], [30, 5000, 10, 5]);
  assert.equal(c.search.controller, DEFAULT_CONFIG.search.controller);
  assert.is(loadConfig('configs/stl10-paper.json').model.bottom, 6);
});

const bad = (preset: unknown, pattern: RegExp) =>
  assert.throws(() => resolveConfig(preset, 'x.json'), (e: Error) => e instanceof InputError && pattern.test(e.message), `expected ${pattern}`);

test('an unknown key, a wrong type or an out-of-range value is an error naming it', () => {
  bad({ train: { nCriticc: 5 } }, /^x\.json: train\.nCriticc: unknown key/);
  bad({ train: { nCritic: 'five' } }, /^x\.json: train\.nCritic: expected a finite number, got "five"/);
  bad({ train: { nCritic: 0 } }, /train\.nCritic: must be ≥ 1, got 0/);
  bad({ train: { lrG: 0 } }, /train\.lrG: must be > 0/);
  bad({ seed: 1.5 }, /seed: expected an integer/);
  bad({ data: { dataset: 'imagenet' } }, /data\.dataset: expected one of mnist\|cifar10\|stl10/);
  bad({ search: { iterations: [1, 2] } }, /search\.iterations: expected an array of 3 values/);
  bad({ search: { iterations: [1, 2, 0] } }, /search\.iterations\[2\]: must be ≥ 1/);
  bad({ data: { dataset: 'mnist' }, model: { bottom: 6 } }, /model\.bottom: 6 gives 48 px images; mnist is 32 px/);
  bad({ data: { dataset: 'cifar10' } }, /data\.root: cifar10 needs the folder/);
  bad({ data: { dataset: 'mnist' }, eval: { features: 'digits' }, search: { beamKeep: 20 } }, /search\.beamKeep: 20 exceeds/);
  bad({ train: { lrG: Number.NaN } }, /train\.lrG: expected a finite number/);
  bad({ data: { dataset: 'mnist' }, eval: { features: 'digits', samples: 100 } }, /eval\.samples: 100 images cannot give an FID on 128-d digits features/);
});

test('search.derive.parallel: "auto" (the default) or an integer ≥ 1', () => {
  const mnist = { data: { dataset: 'mnist' }, eval: { features: 'digits' } };
  assert.is(resolveConfig(mnist, 'x.json').search.derive.parallel, 'auto');
  assert.is(resolveConfig({ ...mnist, search: { derive: { parallel: 3 } } }, 'x.json').search.derive.parallel, 3);
  bad({ search: { derive: { parallel: 0 } } }, /^x\.json: search\.derive\.parallel: must be ≥ 1, got 0$/);
  bad({ search: { derive: { parallel: 1.5 } } }, /^x\.json: search\.derive\.parallel: expected an integer, got 1\.5$/);
  bad({ search: { derive: { parallel: 'many' } } }, /^x\.json: search\.derive\.parallel: expected "auto" or a finite number, got "many"$/);
  bad({ search: { derive: { parallel: null } } }, /^x\.json: search\.derive\.parallel: expected "auto" or a finite number, got null$/);
  // A run saved before the key existed lacks it in its complete config.json, and resumes with the default.
  const saved = JSON.parse(JSON.stringify(resolveConfig(mnist, 'x.json')));
  delete saved.search.derive.parallel;
  assert.is(resolveConfig(saved, 'saved.json', true).search.derive.parallel, 'auto');
  delete saved.search.derive.steps;
  assert.throws(() => resolveConfig(saved, 'saved.json', true), /^saved\.json: search\.derive\.steps: missing$/);
});

test('a config file that is not JSON names the file', () => {
  const f = join(mkdtempSync(join(tmpdir(), 'agts-cfg-')), 'c.json');
  writeFileSync(f, '{ "seed": 1,');
  assert.throws(() => loadConfig(f), (e: Error) => e instanceof InputError && e.message.startsWith(`${f}: not valid JSON`));
  assert.throws(() => loadConfig(join(f, 'missing.json')), /cannot read config/);
});

test.run();
