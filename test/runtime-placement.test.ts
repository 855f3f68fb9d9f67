import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deriverActorConfig } from '../src/actors/logic/actor-config.js';
import { resolveConfig } from '../src/config/run-config.js';
import { InputError } from '../src/errors.js';
import { checkGpus, deriverCount, parseGpuList, planDerivers, planPlacement } from '../src/supervisor/placement.js';
import { miniSearch, readEvents, startFixtureSystem, tempRunDir } from './support/runtime.js';

const test = suite('runtime: placement');

const brief = (gpus: number[] | null, evaluators?: number) =>
  planPlacement(gpus, evaluators).map((p) => `${p.id}:${p.transport}:${p.cudaVisibleDevices ?? '-'}`);

test('without GPUs every actor is a thread', () => {
  assert.equal(brief(null), ['controller:thread:-', 'resetter:thread:-', 'trainer:thread:-', 'evaluator-0:thread:-']);
});

test('--gpus 0,1: trainer on GPU 0, the evaluator on GPU 1, each a process; light actors stay threads', () => {
  assert.equal(brief([0, 1]), ['controller:thread:-', 'resetter:thread:-', 'trainer:process:0', 'evaluator-0:process:1']);
});

test('one GPU is shared; evaluators cycle over the GPUs after the first', () => {
  assert.equal(brief([3]), ['controller:thread:-', 'resetter:thread:-', 'trainer:process:3', 'evaluator-0:process:3']);
  assert.equal(brief([0, 1, 2], 3).slice(3), ['evaluator-0:process:1', 'evaluator-1:process:2', 'evaluator-2:process:1']);
});

test('derivers: one per GPU, else search.derive.parallel threads (auto: half the cores), never more than the derivations left', () => {
  assert.equal(planDerivers(null, 2).map((p) => `${p.id}:${p.transport}:${p.cudaVisibleDevices ?? '-'}`), ['deriver-0:thread:-', 'deriver-1:thread:-']);
  assert.equal(planDerivers([2, 5], 2).map((p) => `${p.id}:${p.transport}:${p.cudaVisibleDevices}`), ['deriver-0:process:2', 'deriver-1:process:5']);
  assert.is(deriverCount(null, 'auto', 2, 2), 1);
  assert.is(deriverCount(null, 'auto', 10, 9), 4);
  assert.is(deriverCount(null, 'auto', 2, 64), 2);
  assert.is(deriverCount(null, 3, 10, 2), 3);
  assert.is(deriverCount(null, 3, 1, 2), 1);
  assert.is(deriverCount([0, 1], 1, 5, 2), 2, 'with GPUs, one per GPU');
  assert.is(deriverCount([0, 1, 2], 'auto', 2, 2), 2);
});

test('each deriver\'s OpenBLAS threads: the cores shared by topK, whatever search.derive.parallel says', () => {
  const threads = (topK: number, parallel: number | 'auto', cores: number) =>
    deriverActorConfig(resolveConfig({ data: { dataset: 'mnist' }, eval: { features: 'digits' }, search: { derive: { topK, parallel } } }, 'x.json'), null, 'blas', cores).blasThreads;
  assert.is(threads(1, 'auto', 8), 8);
  assert.is(threads(2, 1, 8), 4);
  assert.is(threads(2, 2, 8), 4);
  assert.is(threads(3, 'auto', 2), 1);
});

test('--gpus values and GPUs the machine lacks are input errors', () => {
  assert.throws(() => parseGpuList('0,x'), (e: Error) => e instanceof InputError && e.message === '--gpus: expects GPU indices like 0,1, got "0,x"');
  assert.throws(() => parseGpuList('1,1'), (e: Error) => e.message === '--gpus: lists a GPU twice: "1,1"');
  assert.throws(() => checkGpus([0, 2], 'node-gpu', () => [0, 1]), (e: Error) => e instanceof InputError && e.message === '--gpus: GPU 2 not found; this machine has 0, 1');
  assert.throws(() => checkGpus([0], 'node-gpu', () => []), (e: Error) => e.message === '--gpus: no usable GPU: nvidia-smi lists none');
  checkGpus([5, 6], 'cpu', () => {
    throw new Error('a CPU backend must not look for GPUs');
  });
});

test('--gpus 0,1 --backend cpu starts trainer and evaluator as child processes with their CUDA_VISIBLE_DEVICES', async () => {
  const dir = tempRunDir();
  const sys = await startFixtureSystem({ runDir: dir, gpus: [0, 1] });
  try {
    assert.is((await miniSearch(sys, dir, 1)).length, 3, 'snapshots and scores cross the process boundary');
  } finally {
    await sys.shutdown('done');
  }
  const placed = Object.fromEntries(readEvents(dir).filter((e) => e.type === 'actor.placed').map((e) => [e.source, e.payload as { transport: string; pid: number; cudaVisibleDevices: string | null }]));
  assert.is(placed.trainer!.transport, 'process');
  assert.is(placed.trainer!.cudaVisibleDevices, '0');
  assert.is(placed['evaluator-0']!.transport, 'process');
  assert.is(placed['evaluator-0']!.cudaVisibleDevices, '1');
  assert.is.not(placed.trainer!.pid, process.pid);
  assert.is.not(placed.trainer!.pid, placed['evaluator-0']!.pid);
  assert.is(placed.controller!.transport, 'thread');
  assert.is(placed.controller!.pid, process.pid);
});

test.run();
