/**
 * Bad input in saved state and in messages (issue 7): train and search checkpoints whose checksum is valid but
 * whose content is wrong, run directories given to --resume, and every actor channel's messages. Each cell
 * checks that the error names the input (file, actor, channel) and the field, and that nothing saved changes.
 * test/checkpoint-file.test.ts covers the file-level damage (magic, version, truncation, flipped payload byte).
 */
import { suite } from './support/suite.js';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subject } from 'rxjs';
import { startBackend } from '../src/backend/select.js';
import type { RunConfig } from '../src/config/run-config.js';
import type { ImageDataset } from '../src/data/dataset.js';
import { ActorRequestError, FieldError, InputError } from '../src/errors.js';
import { BLOCKS_BY_STAGE, Discriminator } from '../src/nn/discriminator.js';
import { Generator } from '../src/nn/generator.js';
import { nameSeed } from '../src/nn/params.js';
import { PROTOCOL_VERSION } from '../src/protocol/base.js';
import { channels, type ActorKind } from '../src/protocol/channels.js';
import { malformedMessageError, parseActorMessage, parseInitMessage, parseParentMessage, type WireError } from '../src/protocol/lifecycle.js';
import { initialConductorState, runSearch, type ConductorState, type SearchPorts } from '../src/search/conductor.js';
import { controllerSettingsOf, makeController, resetterSettingsOf, searchGeneratorDims } from '../src/search/local-ports.js';
import { makeResetter } from '../src/search/reset-detector.js';
import { loadSearchCheckpoint, restoreSearch, saveSearchCheckpoint } from '../src/search/search-checkpoint.js';
import { SharedTrainer } from '../src/search/shared-trainer.js';
import { startActorSystem } from '../src/supervisor/actor-system.js';
import { EventLog } from '../src/supervisor/event-log.js';
import type { ActorChannel } from '../src/supervisor/actor-channel.js';
import { loadNewestCheckpoint, saveCheckpoint } from '../src/train/checkpoint-dir.js';
import { readCheckpoint, writeCheckpoint, type NamedArray } from '../src/util/checkpoint-file.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { ganStateArrays, ganStateMeta, restoreGanState } from '../src/train/gan-state.js';
import { parseTrainCheckpointMeta } from '../src/train/train-checkpoint-meta.js';
import { runTraining } from '../src/train/train-run.js';
import { Rng } from '../src/util/rng.js';
import { dirBytes, editCheckpointHeader, scriptedActor } from './support/bad-input.js';
import { fieldErrorOf } from './support/field-error.js';
import { cli } from './support/kill.js';
import { rejects } from './support/rejects.js';
import { readEvents, startFixtureSystem, tempRunDir as tempActorRunDir } from './support/runtime.js';
import { fakeReal } from './support/tiny-gan.js';
import { tinySearchConfig } from './support/tiny-search.js';

/** Cells edit saved JSON and messages at any depth, including into wrong shapes: typing them would defeat the point. */
type Json = any;
const tmp = mkdtempSync(join(tmpdir(), 'agts-bad-state-'));
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An InputError message: `file: ` then the problem. */
const naming = (file: string, problem: RegExp) => new RegExp(`^${esc(file)}: ${problem.source}`);
const rejectsNow = (f: () => unknown, pattern: RegExp) => rejects(Promise.resolve().then(f), pattern);
/** A runtime failure (not bad input of this process): the promise fails with a message matching `pattern`. */
const failsWith = (p: Promise<unknown>, pattern: RegExp) => p.then(() => assert.unreachable(`accepted: ${pattern}`), (e: Error) => assert.match(e.message, pattern));
const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;
const A4 = [1, 0, 1, 1];
const ARCH = [1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 3];

// ---------------------------------------------------------------- train checkpoints

const trainConfig = tinySearchConfig({ train: { steps: 4, checkpointEvery: 2 } });

/** The GAN `train` builds for ARCH, as runTraining builds it; `gSeed` varies G's initial weights. */
function derivedGan(gSeed = nameSeed(trainConfig.seed, 'G')): GanTrainer {
  const { latent, gf, df, bottom } = trainConfig.model;
  const G = new Generator({ latent, gf, bottom, channels: 1 }, { kind: 'derived', arch: ARCH }, gSeed);
  const D = new Discriminator({ df, channels: 1 }, nameSeed(trainConfig.seed, 'D'));
  return new GanTrainer(G, D, trainConfig.train, trainConfig.seed);
}

let trained: GanTrainer;
const goodTrainMeta = (): Json => ({
  kind: 'train', config: structuredClone(trainConfig), arch: [...ARCH], step: 2, gan: ganStateMeta(trained),
  cursor: { epoch: 0, position: 1, rng: new Rng(5).state() },
  history: [{ step: 1, dLoss: 1.5, gLoss: -0.5 }, { step: 2, dLoss: Number.NaN, gLoss: 0.25 }],
  pending: { dSum: Number.NaN, gSum: 0, n: 1 }, wallSeconds: 3,
});
const goodTrainArrays = () => new Map([...ganStateArrays(trained)].map(([k, a]) => [k, { shape: [...a.shape], data: a.data.slice() }]));
const firstKey = (arrays: Map<string, NamedArray>, prefix: string) => [...arrays.keys()].find((k) => k.startsWith(prefix))!;

/** A train run directory as `train` leaves it, with one checkpoint at step 2. */
function trainRunDir(name: string, meta: Json, arrays: Map<string, NamedArray>): { dir: string; ckpt: string } {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'samples'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ config: trainConfig, arch: ARCH }));
  return { dir, ckpt: saveCheckpoint(join(dir, 'checkpoints'), 2, meta, arrays) };
}

const train = suite('bad input: train checkpoints');

train.before(async () => {
  await startBackend('auto');
  trained = derivedGan();
  const real = fakeReal(trainConfig.train.dBatch, 32, 1);
  for (let i = 0; i < trainConfig.train.nCritic; i++) trained.trainIteration(real, ARCH, BLOCKS_BY_STAGE[2]!);
  real.dispose();
});

train('metadata: wrong types, out-of-range values, NaN and infinities, unknown fields are named with the file', async () => {
  const cells: [string, (m: Json) => void, RegExp][] = [
    ['kind', (m) => (m.kind = 'search'), /meta\.kind: expected "train", got string/],
    ['step-type', (m) => (m.step = '2'), /meta\.step: expected an integer ≥ 0, got string/],
    ['step-negative', (m) => (m.step = -1), /meta\.step: expected an integer ≥ 0, got -1/],
    ['step-nan', (m) => (m.step = Number.NaN), /meta\.step: expected an integer ≥ 0, got null/], // JSON writes NaN as null
    ['step-past-end', (m) => (m.step = 5), /meta\.step: is 5, past the run's 4 steps/],
    ['gan-type', (m) => (m.gan.iteration = true), /meta\.gan\.iteration: expected an integer ≥ 0, got boolean/],
    ['gan-fraction', (m) => (m.gan.optGSteps = 1.5), /meta\.gan\.optGSteps: expected an integer ≥ 0, got 1\.5/],
    ['arch-token', (m) => (m.arch[0] = 7), /meta\.arch: architecture: cell 1 token "conv" is 7; allowed 0\.\.1/],
    ['arch-prefix', (m) => (m.arch = A4), /meta\.arch: has 4 tokens; a trained architecture has 14/],
    ['arch-type', (m) => (m.arch = '1 0 1 1'), /meta\.arch: expected an array, got string/],
    ['cursor-negative', (m) => (m.cursor.position = -1), /meta\.cursor\.position: expected an integer ≥ 0, got -1/],
    ['cursor-rng-zero', (m) => (m.cursor.rng = { s: [0, 0, 0, 0] }), /meta\.cursor\.rng\.s: Rng state must not be all zeros/],
    ['cursor-rng-word', (m) => (m.cursor.rng.s[2] = 2 ** 32), /meta\.cursor\.rng\.s\[2\]: expected an integer in 0\.\.4294967295, got 4294967296/],
    ['history-type', (m) => (m.history = {}), /meta\.history: expected an array, got object/],
    ['history-loss', (m) => (m.history[0].dLoss = 'low'), /meta\.history\[0\]\.dLoss: expected a number, got string/],
    ['history-step', (m) => (m.history[0].step = 0), /meta\.history\[0\]\.step: expected an integer ≥ 1, got 0/],
    ['pending-count', (m) => (m.pending.n = -2), /meta\.pending\.n: expected an integer ≥ 0, got -2/],
    ['pending-missing', (m) => delete m.pending, /meta\.pending: expected an object, got undefined/],
    ['wall-infinite', (m) => (m.wallSeconds = Number.POSITIVE_INFINITY), /meta\.wallSeconds: expected a finite number, got null/],
    ['wall-negative', (m) => (m.wallSeconds = -1), /meta\.wallSeconds: expected seconds ≥ 0, got -1/],
    ['evals-type', (m) => (m.evals = {}), /meta\.evals: expected an array, got object/],
    ['evals-step', (m) => (m.evals = [{ step: 0, is: null, fid: 1 }]), /meta\.evals\[0\]\.step: expected an integer ≥ 1, got 0/],
    ['evals-is', (m) => (m.evals = [{ step: 2, is: { mean: 'high', std: 0 }, fid: null }]), /meta\.evals\[0\]\.is\.mean: expected a number, got string/],
    ['unknown-field', (m) => (m.resumable = true), /meta\.resumable: unexpected field/],
    ['unknown-nested', (m) => (m.gan.lr = 1), /meta\.gan\.lr: unexpected field/],
    ['config-type', (m) => (m.config.model.gf = '4'), /meta\.config: model\.gf: expected a finite number, got "4"/],
    ['config-unknown', (m) => (m.config.model.width = 3), /meta\.config: model\.width: unknown key/],
  ];
  for (const [name, edit, problem] of cells) {
    const meta = goodTrainMeta();
    edit(meta);
    const path = join(tmp, `meta-${name}.ckpt`);
    writeCheckpoint(path, meta, new Map());
    await rejectsNow(() => parseTrainCheckpointMeta(readCheckpoint(path).meta, path), naming(path, problem));
  }
  // 1e999 is how JSON spells an infinity that JSON.stringify never writes: only an edited file holds one.
  const path = join(tmp, 'meta-wall-1e999.ckpt');
  writeCheckpoint(path, goodTrainMeta(), new Map());
  editCheckpointHeader(path, (h) => h.replace('"wallSeconds":3', '"wallSeconds":1e999'));
  await rejectsNow(() => parseTrainCheckpointMeta(readCheckpoint(path).meta, path), naming(path, /meta\.wallSeconds: expected a finite number, got Infinity/));
});

train('NaN losses are data: they round-trip through a checkpoint as NaN, so a resumed history matches', () => {
  const path = join(tmp, 'meta-nan-losses.ckpt');
  writeCheckpoint(path, goodTrainMeta(), new Map());
  const meta = parseTrainCheckpointMeta(readCheckpoint(path).meta, path);
  assert.ok(Number.isNaN(meta.history[1]!.dLoss));
  assert.ok(Number.isNaN(meta.pending.dSum), 'a NaN sum stays NaN (as null it would add up as 0)');
  assert.is(meta.history[0]!.dLoss, 1.5);
  assert.equal(meta.evals, [], 'a checkpoint from before periodic evaluation has none');
});

train('header: a checksum-valid file whose header lies is damaged, and the newest intact one is taken instead', () => {
  const arrays = () => new Map([['a', { shape: [2], data: new Float32Array([1, 2]) }], ['b', { shape: [1, 2], data: new Float32Array([3, 4]) }]]);
  const cells: [string, (h: Json) => void, RegExp][] = [
    ['dtype', (h) => (h.tensors[0].dtype = 'float16'), /header\.tensors\[0\]\.dtype: unexpected field/],
    ['negative-dims', (h) => (h.tensors[1].shape = [-1, -2]), /header\.tensors\[1\]\.shape\[0\]: expected an integer ≥ 0, got -1/],
    ['shape-type', (h) => (h.tensors[0].shape = '2'), /header\.tensors\[0\]\.shape: expected an array, got string/],
    ['overlap', (h) => (h.tensors[1].offset = 4), /header\.tensors\[1\]\.offset: is 4; the arrays before it end at 8/],
    ['past-payload', (h) => (h.tensors[1].shape = [1, 3]), /header\.payloadBytes: is 16; the arrays take 20/],
    ['payload-type', (h) => (h.payloadBytes = '16'), /header\.payloadBytes: expected an integer ≥ 0, got string/],
    ['duplicate', (h) => (h.tensors[1].name = 'a'), /header\.tensors\[1\]\.name: "a" appears twice/],
    ['unknown', (h) => (h.compression = 'zstd'), /header\.compression: unexpected field/],
    ['tensors-type', (h) => (h.tensors = {}), /header\.tensors: expected an array, got object/],
  ];
  for (const [name, edit, problem] of cells) {
    const path = join(tmp, `header-${name}.ckpt`);
    writeCheckpoint(path, { step: 1 }, arrays());
    editCheckpointHeader(path, (text) => {
      const h = JSON.parse(text) as Json;
      edit(h);
      return JSON.stringify(h);
    });
    assert.throws(() => readCheckpoint(path), (e: Error) => e instanceof InputError && naming(path, new RegExp(`damaged header: ${problem.source}`)).test(e.message), name);
  }
  // Damage found by reading the file is what checkpoint-dir.ts skips, naming it, in favour of the one before.
  const dir = join(tmp, 'header-fallback');
  const older = saveCheckpoint(dir, 1, { step: 1 }, arrays());
  const newer = saveCheckpoint(dir, 2, { step: 2 }, arrays());
  editCheckpointHeader(newer, (h) => h.replace('"name":"a"', '"name":"a","dtype":"float16"'));
  const loaded = loadNewestCheckpoint<{ step: number }>(dir)!;
  assert.is(loaded.path, older);
  assert.match(loaded.skipped.join(), naming(newer, /damaged header: header\.tensors\[0\]\.dtype: unexpected field/));
});

train('arrays: misshapen, missing and unknown ones are named, before any weight changes; NaN weights round-trip', () => {
  const cells: [string, (a: Map<string, NamedArray>) => string, RegExp][] = [
    ['shape', (a) => { const k = firstKey(a, 'G/'); a.set(k, { shape: [3], data: new Float32Array(3) }); return k; }, /has shape \[3\], expected \[/],
    ['missing', (a) => { const k = firstKey(a, 'D/'); a.delete(k); return k; }, /missing$/],
    ['missing-ema', (a) => { const k = firstKey(a, 'ema/'); a.delete(k); return k; }, /missing$/],
    ['unknown', (a) => (a.set('G/cell9.conv.weight', { shape: [1], data: new Float32Array(1) }), 'G/cell9.conv.weight'), /is not an array of this model$/],
    ['unknown-group', (a) => (a.set('optC.m/x', { shape: [1], data: new Float32Array(1) }), 'optC.m/x'), /is not an array of this model$/],
    ['moment-shape', (a) => { const k = firstKey(a, 'optG.m/'); a.set(k, { shape: [1], data: new Float32Array(1) }); return k; }, /has shape \[1\], expected \[/],
  ];
  const target = derivedGan(99);
  const [weightName, weight] = target.G.store.trainable()[0]!;
  const before = weight.dataSync().slice();
  for (const [name, edit, problem] of cells) {
    const arrays = goodTrainArrays();
    const key = edit(arrays);
    const message = fieldErrorOf(() => restoreGanState(target, ganStateMeta(trained), arrays));
    assert.match(message, new RegExp(`^${esc(key)}: ${problem.source}`), name);
    assert.equal(weight.dataSync(), before, `${name}: nothing assigned`);
  }
  // An untrained path has no Adam moments: their absence is not an error.
  const noMoment = goodTrainArrays();
  noMoment.delete(firstKey(noMoment, 'optG.m/'));
  restoreGanState(target, ganStateMeta(trained), noMoment);

  const nan = goodTrainArrays();
  nan.get(`G/${weightName}`)!.data[0] = Number.NaN;
  const path = join(tmp, 'arrays-nan.ckpt');
  writeCheckpoint(path, goodTrainMeta(), nan);
  restoreGanState(target, ganStateMeta(trained), readCheckpoint(path).arrays);
  assert.ok(Number.isNaN(weight.dataSync()[0]!), 'a collapsed model is restored as saved');
  assert.is(weight.dataSync()[1], nan.get(`G/${weightName}`)!.data[1]);
  target.dispose();
});

train('resume: a bad array names the file and the array, and leaves the run directory as it was', async () => {
  const arrays = goodTrainArrays();
  const key = firstKey(arrays, 'D.buffer/');
  arrays.set(key, { shape: [2], data: new Float32Array(2) });
  const { dir, ckpt } = trainRunDir('resume-array', goodTrainMeta(), arrays);
  rmSync(join(dir, 'samples'), { recursive: true });
  const before = dirBytes(dir);
  const run = runTraining({ config: trainConfig, arch: ARCH, outDir: dir, resume: true, backend: 'test', log: () => {}, progress: quiet });
  await rejects(run, naming(ckpt, new RegExp(`${esc(key)}: has shape \\[2\\], expected`)));
  assert.equal(dirBytes(dir), before, 'not even samples/ made');
});

train('train --resume: bad metadata is exit 2 without falling back to an older checkpoint; a missing checkpoints folder too', () => {
  const bad = goodTrainMeta();
  bad.step = -1;
  const { dir } = trainRunDir('cli-meta', goodTrainMeta(), goodTrainArrays());
  const newest = saveCheckpoint(join(dir, 'checkpoints'), 3, bad, goodTrainArrays());
  const before = dirBytes(dir);
  const r = cli('train', '--resume', dir, '--backend', 'cpu');
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^error: ${esc(newest)}: meta\\.step: expected an integer ≥ 0, got -1$`, 'm'));
  assert.equal(dirBytes(dir), before);

  rmSync(join(dir, 'checkpoints'), { recursive: true });
  const without = dirBytes(dir);
  const r2 = cli('train', '--resume', dir, '--backend', 'cpu');
  assert.is(r2.status, 2, r2.stderr);
  assert.match(r2.stderr, new RegExp(`^error: ${esc(join(dir, 'checkpoints'))}: missing: a run keeps its checkpoints here`, 'm'));
  assert.equal(dirBytes(dir), without, 'the folder is not made');
});

train.after(() => trained.dispose());
train.run();

// ---------------------------------------------------------------- search checkpoints

const searchConfig: RunConfig = tinySearchConfig();
/** Four batches of blank MNIST-sized images: enough for the shared trainer without loading MNIST. */
const blank: ImageDataset = { name: 'mnist', split: 'train', count: 32, height: 32, width: 32, channels: 1, pixels: new Uint8Array(32 * 32 * 32), labels: null, numClasses: 10 };
const newTrainer = () => new SharedTrainer({ generator: searchGeneratorDims(searchConfig), df: searchConfig.search.df, train: searchConfig.train }, blank, 1);
/** The stateful actors' logic in this thread, as restoreSearch drives them. */
const localStateful = () => ({ controller: makeController(controllerSettingsOf(searchConfig)), trainer: newTrainer(), resetter: makeResetter(resetterSettingsOf(searchConfig)) });

let good: { meta: Json; arrays: Map<string, NamedArray> };

/** A search run directory whose one checkpoint is the good one, edited. */
function searchCase(name: string, editMeta: (m: Json) => void = () => {}, editArrays: (a: Map<string, NamedArray>) => void = () => {}) {
  const runDir = join(tmp, `search-${name}`);
  const ckptDir = join(runDir, 'checkpoints');
  const meta = structuredClone(good.meta);
  const arrays = new Map([...good.arrays].map(([k, a]) => [k, { shape: [...a.shape], data: a.data.slice() }]));
  editMeta(meta);
  editArrays(arrays);
  return { runDir, ckptDir, path: saveCheckpoint(ckptDir, 1, meta, arrays) };
}

const search = suite('bad input: search checkpoints');

search.before(async () => {
  await startBackend('auto');
  const { controller, trainer, resetter } = localStateful();
  await controller.beginStage({ stage: 0, prefixes: [] });
  const archs = (await controller.sample({ count: 2 })).map((s) => s.arch);
  await controller.update({ samples: archs.map((arch) => ({ arch, reward: 1 })) });
  await trainer.train({ stage: 0, archs }, () => 'continue');
  for (let i = 1; i <= 3; i++) await resetter.push({ loss: { step: i, dLoss: 1 / i, gLoss: -1 } });
  const conductor: ConductorState = {
    ...initialConductorState(), iteration: 1,
    history: [{ iteration: 0, stage: 0, dLoss: 1, gLoss: -1, meanReward: 1, bestReward: 1, bestArch: archs[0]!, reset: false }],
    finalCandidates: [{ arch: archs[0]!, reward: 1 }],
  };
  const dir = join(tmp, 'search-good');
  const path = await saveSearchCheckpoint(join(dir, 'checkpoints'), searchConfig, conductor, { controller, trainer, resetter } as unknown as SearchPorts);
  const { meta, arrays } = readCheckpoint<Json>(path);
  good = { meta, arrays };
  assert.ok(await loadSearchCheckpoint(dir, join(dir, 'checkpoints'), searchConfig), 'the good checkpoint passes');
  trainer.dispose();
});

search('conductor and actor states: each bad field is named as the file stores it', async () => {
  const cells: [string, (m: Json) => void, RegExp][] = [
    ['kind', (m) => (m.kind = 'train'), /meta\.kind: expected "search", got string/],
    ['iteration-negative', (m) => (m.conductor.iteration = -1), /meta\.conductor\.iteration: expected an integer ≥ 0, got -1/],
    ['iteration-past-end', (m) => (m.conductor.iteration = 7), /meta\.conductor\.iteration: is 7; the run has 3 iterations/],
    ['history-stage', (m) => (m.conductor.history[0].stage = 5), /meta\.conductor\.history\[0\]\.stage: expected an integer in 0\.\.2, got 5/],
    ['history-arch', (m) => (m.conductor.history[0].bestArch = [1, 0, 5, 1]), /meta\.conductor\.history\[0\]\.bestArch: architecture: cell 1 token "up" is 5; allowed 0\.\.2/],
    ['unscored', (m) => (m.conductor.unscored = { iteration: 1, stage: 0, dLoss: 1, gLoss: 1, reset: false }), /meta\.conductor\.unscored\.iteration: is 1; only iterations before 1 were trained/],
    ['prefix-width', (m) => (m.conductor.prefixes = [{ arch: A4, h: [0], c: [0] }]), /meta\.conductor\.prefixes\[0\]\.h: has 1 values; the controller's state has 100/],
    ['reward-nan', (m) => (m.conductor.finalCandidates[0].reward = Number.NaN), /meta\.conductor\.finalCandidates\[0\]\.reward: expected a finite number, got null/],
    ['phase-negative', (m) => (m.conductor.phases.training = -3), /meta\.conductor\.phases\.training: expected seconds ≥ 0, got -3/],
    ['conductor-unknown', (m) => (m.conductor.epoch = 2), /meta\.conductor\.epoch: unexpected field/],
    ['actor-unknown', (m) => (m.actors.evaluator = {}), /meta\.actors\.evaluator: unexpected field/],
    ['controller-stage', (m) => (m.actors.controller.stage = 5), /meta\.actors\.controller\.stage: expected an integer in 0\.\.2, got 5/],
    ['controller-prefixes', (m) => (m.actors.controller.stage = 1), /meta\.actors\.controller\.prefixes: stage 1 needs beam prefixes/],
    ['controller-baseline', (m) => (m.actors.controller.baseline = 'high'), /meta\.actors\.controller\.baseline: expected a finite number, got string/],
    ['controller-rng', (m) => (m.actors.controller.rng.s.pop()), /meta\.actors\.controller\.rng\.s: Rng state must be/],
    ['controller-steps', (m) => (m.actors.controller.adamSteps = -1), /meta\.actors\.controller\.adamSteps: expected an integer ≥ 0, got -1/],
    ['controller-unknown', (m) => (m.actors.controller.temperature = 1), /meta\.actors\.controller\.temperature: unexpected field/],
    ['trainer-resets', (m) => (m.actors.trainer.resets = 'x'), /meta\.actors\.trainer\.resets: expected an integer ≥ 0, got string/],
    ['trainer-iteration', (m) => (m.actors.trainer.gan.iteration = -1), /meta\.actors\.trainer\.gan\.iteration: expected an integer ≥ 0, got -1/],
    ['trainer-epoch', (m) => (m.actors.trainer.cursor.epoch = 1.5), /meta\.actors\.trainer\.cursor\.epoch: expected an integer ≥ 0, got 1\.5/],
    ['resetter-nan', (m) => (m.actors.resetter.g[1] = Number.NaN), /meta\.actors\.resetter\.g\[1\]: expected a finite number, got null/],
    ['resetter-window', (m) => (m.actors.resetter.d = new Array(51).fill(1)), /meta\.actors\.resetter\.d: holds 51 losses; the window holds 50/],
  ];
  for (const [name, edit, problem] of cells) {
    const { runDir, ckptDir, path } = searchCase(name, edit);
    await rejects(loadSearchCheckpoint(runDir, ckptDir, searchConfig), naming(path, problem));
  }
});

search('arrays: misshapen, missing, unknown and ownerless ones are named; NaN weights are restored as saved', async () => {
  const key = (prefix: string) => firstKey(good.arrays, prefix);
  const cells: [string, (a: Map<string, NamedArray>) => void, RegExp][] = [
    ['trainer-shape', (a) => a.set(key('trainer:G/'), { shape: [3], data: new Float32Array(3) }), new RegExp(`${esc(key('trainer:G/'))}: has shape \\[3\\], expected`)],
    ['trainer-missing', (a) => a.delete(key('trainer:D/')), new RegExp(`${esc(key('trainer:D/'))}: missing`)],
    ['trainer-unknown', (a) => a.set('trainer:G/cell9.w', { shape: [1], data: new Float32Array(1) }), /trainer:G\/cell9\.w: is not an array of this model/],
    ['policy-shape', (a) => a.set('controller:policy/c.embed', { shape: [2, 2], data: new Float32Array(4) }), /controller:policy\/c\.embed: has shape \[2,2\], expected \[36,100\]/],
    ['moment-shape', (a) => a.set('controller:adam.m/c.embed', { shape: [1], data: new Float32Array(1) }), /controller:adam\.m\/c\.embed: has shape \[1\], expected \[36,100\]/],
    ['resetter-array', (a) => a.set('resetter:w', { shape: [1], data: new Float32Array(1) }), /resetter:w: is not an array of this model/],
    ['no-actor', (a) => a.set('evaluator:w', { shape: [1], data: new Float32Array(1) }), /evaluator:w: is an array of no actor/],
  ];
  for (const [name, edit, problem] of cells) {
    const { runDir, ckptDir, path } = searchCase(name, undefined, edit);
    await rejects(loadSearchCheckpoint(runDir, ckptDir, searchConfig), naming(path, problem));
  }
  const weight = key('trainer:G/');
  const { runDir, ckptDir } = searchCase('nan-weights', undefined, (a) => void (a.get(weight)!.data[0] = Number.NaN));
  const loaded = (await loadSearchCheckpoint(runDir, ckptDir, searchConfig))!;
  const ports = localStateful();
  await restoreSearch(loaded, ports as unknown as SearchPorts);
  assert.ok(Number.isNaN((await ports.trainer.state()).arrays[weight.slice('trainer:'.length)]!.data[0]!));
  ports.trainer.dispose();
});

search('restore: what only an actor can check, and an actor\'s own FieldError, come back naming the file', async () => {
  const { runDir, ckptDir, path } = searchCase('cursor', (m) => (m.actors.trainer.cursor.position = 1_000_000));
  const loaded = (await loadSearchCheckpoint(runDir, ckptDir, searchConfig))!;
  const ports = localStateful();
  await rejects(restoreSearch(loaded, ports as unknown as SearchPorts), naming(path, /meta\.actors\.trainer\.cursor: batch cursor: position must be an integer in \[0, 3\], got 1000000/));
  ports.trainer.dispose();
  // Through the runtime an actor's FieldError arrives as a wire error: still named by file and field.
  const wire = (name: string): WireError => ({ name, message: 'meta.stage: expected an integer in 0..2, got 9', field: 'meta.stage' });
  // The controller is restored first, so its failure is the whole story.
  const failing = (w: WireError) => ({ controller: { restore: () => Promise.reject(new ActorRequestError('controller', 'controller.restore', w)) } }) as unknown as SearchPorts;
  await rejects(restoreSearch(loaded, failing(wire('FieldError'))), naming(path, /meta\.actors\.controller\.stage: expected an integer in 0\.\.2, got 9$/));
  // Any other failure of an actor is a runtime failure, not bad input.
  await restoreSearch(loaded, failing(wire('Error'))).then(() => assert.unreachable('restored'), (e: Error) => assert.instance(e, ActorRequestError));
});

search('run directory: a missing checkpoints folder, or a file in its place, is named', async () => {
  const runDir = join(tmp, 'search-no-checkpoints');
  mkdirSync(runDir);
  await rejects(loadSearchCheckpoint(runDir, join(runDir, 'checkpoints'), searchConfig), naming(join(runDir, 'checkpoints'), /missing: a run keeps its checkpoints here/));
  writeFileSync(join(runDir, 'checkpoints'), 'not a folder');
  await rejects(loadSearchCheckpoint(runDir, join(runDir, 'checkpoints'), searchConfig), naming(join(runDir, 'checkpoints'), /is not a folder/));
  await rejects(loadSearchCheckpoint(join(tmp, 'nowhere'), join(tmp, 'nowhere', 'checkpoints'), searchConfig), naming(join(tmp, 'nowhere'), /no such run directory/));
});

search('search --resume: a damaged search checkpoint is exit 2, before any actor starts or the run directory changes', () => {
  const { runDir, path } = searchCase('cli', undefined, (a) => a.set('trainer:G/cell9.w', { shape: [1], data: new Float32Array(1) }));
  writeFileSync(join(runDir, 'config.json'), JSON.stringify(searchConfig));
  writeFileSync(join(runDir, 'events.jsonl'), `${JSON.stringify({ seq: 1, time: 't', source: 'supervisor', type: 'run.started', payload: {} })}\n`);
  const before = dirBytes(runDir);
  const r = cli('search', '--resume', runDir, '--backend', 'cpu');
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^error: ${esc(path)}: trainer:G/cell9\\.w: is not an array of this model$`, 'm'));
  assert.equal(dirBytes(runDir), before, 'no stats/, no events appended');
});

search.run();

// ---------------------------------------------------------------- events.jsonl of a resumed run

const events = suite('bad input: events.jsonl');
const event = (seq: number) => `${JSON.stringify({ seq, time: '2025-01-01T00:00:00.000Z', source: 'supervisor', type: 'run.started', payload: { seq } })}\n`;
/** Two events, a line of text and a line of invalid UTF-8 in the middle, a third event, and a torn last line. */
const damagedLog = () => Buffer.concat([Buffer.from(event(1) + event(2) + 'garbage {\n'), Buffer.from([0xff, 0xfe, 0x41, 0x0a]), Buffer.from(event(3) + '{"seq":4,"ti')]);

events('garbage in the middle is kept byte for byte and named; only the torn last line is cut; seq goes on', () => {
  const path = join(tmp, 'events.jsonl');
  const bytes = damagedLog();
  writeFileSync(path, bytes);
  const clock = { now: () => Date.UTC(2025, 0, 1), setTimeout: () => () => undefined };
  const log = EventLog.open(path, clock);
  assert.is(log.lastSeq, 3);
  assert.equal(log.damagedLines, [3, 4]);
  log.emit('supervisor', 'run.started', { resumed: true });
  log.close();
  const after = readFileSync(path);
  const kept = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
  assert.equal(after.subarray(0, kept.length), kept, 'everything before the torn line, invalid bytes included');
  assert.equal(JSON.parse(after.subarray(kept.length).toString('utf8')), { seq: 4, time: '2025-01-01T00:00:00.000Z', source: 'supervisor', type: 'run.started', payload: { resumed: true } });
});

events.run();

// ---------------------------------------------------------------- messages between actors

const v = PROTOCOL_VERSION;
const bundle = (values = 6, shape = [2, 3]) => ({ w: { shape, data: new Float32Array(values) } });
const validArgs: { [K in ActorKind]: Record<keyof (typeof channels)[K], object> } = {
  controller: {
    'controller.beginStage': { stage: 1, prefixes: [{ arch: A4, h: [0.1], c: [0.2] }] },
    'controller.sample': { count: 3 },
    'controller.prefixStates': { archs: [A4] },
    'controller.update': { samples: [{ arch: A4, reward: 1.5 }] },
    'controller.state': {},
    'controller.restore': { state: { meta: { n: 1 }, arrays: bundle() } },
  },
  trainer: {
    'trainer.train': { stage: 0, archs: [A4] },
    'trainer.snapshot': { version: 1, stage: 0 },
    'trainer.reset': { resetIndex: 1 },
    'trainer.state': {},
    'trainer.restore': { state: { meta: { n: 1 }, arrays: bundle() } },
  },
  evaluator: { 'evaluator.score': { snapshot: { version: 2, stage: 0, arrays: bundle() }, archs: [A4], samples: 10 } },
  resetter: {
    'resetter.push': { loss: { step: 1, dLoss: 0.5, gLoss: null } },
    'resetter.clear': {},
    'resetter.state': {},
    'resetter.restore': { state: { meta: { n: 1 }, arrays: {} } },
  },
  deriver: { 'deriver.advance': { arch: ARCH, dir: '/runs/x/derive/top1' } },
};
const request = (kind: ActorKind, type: string): Json => ({ v, type, id: 7, args: structuredClone((validArgs[kind] as Record<string, object>)[type]) });

/** Sets `path` (keys from the message's top) in a copy of `msg`; `undefined` deletes. */
function edited(msg: Json, path: (string | number)[], value: unknown): Json {
  const copy = structuredClone(msg);
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k];
  if (value === undefined) delete at[path[path.length - 1]!];
  else at[path[path.length - 1]!] = value;
  return copy;
}

/** What an actor answers a malformed request with: its error names the actor, the message type and the field. */
function rejection(kind: ActorKind, msg: Json): WireError {
  try {
    parseParentMessage(kind, msg);
  } catch (e) {
    if (e instanceof FieldError) return malformedMessageError(kind, String(msg.type), e);
    throw e;
  }
  throw new Error(`${kind} accepted ${JSON.stringify(msg)}`);
}

const messages = suite('bad input: actor messages');

messages('every request of every channel has a valid example here, and it passes', () => {
  for (const kind of Object.keys(channels) as ActorKind[]) {
    assert.equal(Object.keys(validArgs[kind]).sort(), Object.keys(channels[kind]).sort(), `${kind}: one row per request type`);
    for (const type of Object.keys(channels[kind])) parseParentMessage(kind, request(kind, type));
  }
});

messages('requests: wrong types, out-of-range values, NaN and infinities, unknown fields, wrong version, misfit payloads', () => {
  // [actor, request, path in the message, value, field named, problem]
  const cells: [ActorKind, string, (string | number)[], unknown, string, RegExp][] = [
    // wrong types
    ['controller', 'controller.sample', ['args', 'count'], 'three', 'args.count', /expected an integer ≥ 0, got string/],
    ['controller', 'controller.beginStage', ['args', 'prefixes'], {}, 'args.prefixes', /expected an array, got object/],
    ['controller', 'controller.update', ['args', 'samples', 0, 'reward'], '1', 'args.samples[0].reward', /expected a finite number, got string/],
    ['trainer', 'trainer.train', ['args', 'archs', 0], '1 0 1 1', 'args.archs[0]', /expected an array, got string/],
    ['evaluator', 'evaluator.score', ['args', 'snapshot', 'arrays', 'w', 'data'], [0, 0, 0, 0, 0, 0], 'args.snapshot.arrays.w.data', /expected a Float32Array, got array/],
    ['evaluator', 'evaluator.score', ['args', 'snapshot', 'arrays', 'w', 'data'], new Float64Array(6), 'args.snapshot.arrays.w.data', /expected a Float32Array, got Float64Array/],
    ['resetter', 'resetter.push', ['args', 'loss', 'gLoss'], 'x', 'args.loss.gLoss', /expected a number, got string/],
    ['trainer', 'trainer.restore', ['args', 'state', 'meta'], { w: new Float32Array(1) }, 'args.state.meta.w', /expected JSON-safe data, got Float32Array/],
    ['resetter', 'resetter.clear', ['id'], '7', 'id', /expected an integer, got string/],
    ['trainer', 'trainer.reset', ['fault'], 'explode', 'fault', /expected one of crash\|hang\|nan, got string/],
    // out of range: negative iterations, stage 3+, tokens past their choices, negative dimensions
    ['controller', 'controller.sample', ['args', 'count'], -1, 'args.count', /expected an integer ≥ 0, got -1/],
    ['controller', 'controller.beginStage', ['args', 'stage'], 3, 'args.stage', /expected an integer in 0\.\.2, got 3/],
    ['trainer', 'trainer.train', ['args', 'stage'], 3, 'args.stage', /expected an integer in 0\.\.2, got 3/],
    ['trainer', 'trainer.snapshot', ['args', 'version'], -1, 'args.version', /expected an integer ≥ 0, got -1/],
    ['trainer', 'trainer.reset', ['args', 'resetIndex'], -1, 'args.resetIndex', /expected an integer ≥ 0, got -1/],
    ['evaluator', 'evaluator.score', ['args', 'samples'], 0, 'args.samples', /expected an integer ≥ 1, got 0/],
    ['evaluator', 'evaluator.score', ['args', 'snapshot', 'stage'], 7, 'args.snapshot.stage', /expected an integer in 0\.\.2, got 7/],
    ['resetter', 'resetter.push', ['args', 'loss', 'step'], -1, 'args.loss.step', /expected an integer ≥ 0, got -1/],
    ['controller', 'controller.prefixStates', ['args', 'archs', 0], [2, 0, 1, 1], 'args.archs[0]', /architecture: cell 1 token "conv" is 2; allowed 0\.\.1/],
    ['controller', 'controller.update', ['args', 'samples', 0, 'arch'], [1, 0, 1, 1, 1, 0, 0, 1, 4], 'args.samples[0].arch', /cell 2 token "skip" is 4; allowed 0\.\.1/],
    ['trainer', 'trainer.train', ['args', 'archs', 0], [1, 0, 1, 1, 0], 'args.archs[0]', /architecture: 5 tokens; expected 4, 9 or 14/],
    ['evaluator', 'evaluator.score', ['args', 'archs', 0], [-1, 0, 0, 0], 'args.archs[0]', /cell 1 token "conv" is -1/],
    ['trainer', 'trainer.restore', ['args', 'state', 'arrays', 'w', 'shape'], [-2, -3], 'args.state.arrays.w.shape[0]', /expected an integer ≥ 0, got -2/],
    // NaN and infinities where they are never data (see the schemas' comments for where they are)
    ['controller', 'controller.update', ['args', 'samples', 0, 'reward'], Number.NaN, 'args.samples[0].reward', /expected a finite number, got NaN/],
    ['controller', 'controller.update', ['args', 'samples', 0, 'reward'], Number.POSITIVE_INFINITY, 'args.samples[0].reward', /expected a finite number, got Infinity/],
    ['controller', 'controller.beginStage', ['args', 'prefixes', 0, 'h', 0], Number.NaN, 'args.prefixes[0].h[0]', /expected a finite number, got NaN/],
    ['controller', 'controller.sample', ['args', 'count'], Number.POSITIVE_INFINITY, 'args.count', /expected an integer ≥ 0, got Infinity/],
    ['trainer', 'trainer.snapshot', ['args', 'version'], Number.NaN, 'args.version', /expected an integer ≥ 0, got NaN/],
    ['evaluator', 'evaluator.score', ['args', 'samples'], Number.NaN, 'args.samples', /expected an integer ≥ 1, got NaN/],
    // unknown fields, at every depth
    ['controller', 'controller.state', ['args', 'verbose'], true, 'args.verbose', /unexpected field/],
    ['trainer', 'trainer.train', ['args', 'lr'], 0.1, 'args.lr', /unexpected field/],
    ['evaluator', 'evaluator.score', ['args', 'snapshot', 'hash'], 'x', 'args.snapshot.hash', /unexpected field/],
    ['resetter', 'resetter.push', ['args', 'loss', 'epoch'], 1, 'args.loss.epoch', /unexpected field/],
    ['resetter', 'resetter.push', ['priority'], 1, 'priority', /unexpected field/],
    // wrong version
    ['controller', 'controller.sample', ['v'], 2, 'v', /expected protocol version 1, got 2/],
    ['trainer', 'trainer.state', ['v'], '1', 'v', /expected protocol version 1, got "1"/],
    ['evaluator', 'evaluator.score', ['v'], undefined, 'v', /expected protocol version 1, got undefined/],
    // payloads whose bytes do not fit their declared shape
    ['evaluator', 'evaluator.score', ['args', 'snapshot', 'arrays', 'w', 'data'], new Float32Array(7), 'args.snapshot.arrays.w.data', /has 7 values, shape \[2,3\] needs 6/],
    ['evaluator', 'evaluator.score', ['args', 'snapshot', 'arrays', 'w', 'data'], new Float32Array(2), 'args.snapshot.arrays.w.data', /has 2 values, shape \[2,3\] needs 6/],
    ['controller', 'controller.restore', ['args', 'state', 'arrays', 'w', 'shape'], [1e6, 1e6], 'args.state.arrays.w.data', /has 6 values, shape \[1000000,1000000\] needs 1000000000000/],
    ['deriver', 'deriver.advance', ['args', 'arch'], A4, 'args.arch', /4 tokens; a derived architecture has all 14/],
    ['deriver', 'deriver.advance', ['args', 'dir'], null, 'args.dir', /expected a string, got null/],
    ['deriver', 'deriver.advance', ['args', 'steps'], 5, 'args.steps', /unexpected field/],
    // a message of another channel
    ['controller', 'trainer.stop', ['type'], 'trainer.stop', 'type', /controller does not take trainer\.stop/],
    ['trainer', 'deriver.stop', ['type'], 'deriver.stop', 'type', /trainer does not take deriver\.stop/],
  ];
  for (const [kind, type, path, value, field, problem] of cells) {
    const wire = rejection(kind, edited(request(kind, type), path, value));
    const label = `${kind} ${type} ${path.join('.')}=${String(value)}`;
    assert.is(wire.field, field, label);
    assert.ok(wire.message.startsWith(`${kind}: rejected malformed ${type} message: ${field}: `), `${label}: ${wire.message}`);
    assert.match(wire.message, problem, label);
  }
});

messages('NaN and infinities are data where a model measured them: losses, scores, collapsed weights, policy statistics', () => {
  parseParentMessage('resetter', edited(request('resetter', 'resetter.push'), ['args', 'loss'], { step: 3, dLoss: Number.NaN, gLoss: Number.POSITIVE_INFINITY }));
  parseParentMessage('evaluator', edited(request('evaluator', 'evaluator.score'), ['args', 'snapshot', 'arrays', 'w', 'data'], new Float32Array(6).fill(Number.NaN)));
  channels.evaluator['evaluator.score'].result.parse([Number.NaN, 2], 'result');
  channels.trainer['trainer.train'].result.parse({ iterations: 2, meanDLoss: Number.NaN, meanGLoss: Number.NEGATIVE_INFINITY, stoppedEarly: true, seconds: 1 }, 'result');
  channels.controller['controller.sample'].result.parse([{ arch: A4, logProb: Number.NEGATIVE_INFINITY, entropy: Number.NaN }], 'result');
  channels.controller['controller.update'].result.parse({ loss: Number.NaN, baseline: 0, meanReward: 1, meanEntropy: 0, meanAdvantage: 0 }, 'result');
  channels.deriver['deriver.advance'].result.parse({ step: 4, steps: 4, interrupted: false, scores: { is: { mean: Number.NaN, std: Number.NaN }, fid: Number.NaN } }, 'result');
  parseActorMessage({ v, type: 'deriver.step', id: 1, step: { step: 1, steps: 4, dLoss: Number.NaN, gLoss: Number.POSITIVE_INFINITY } });
});

messages('rewards: a NaN score is data in events but reward 0 for the policy; a wrong number of scores is an error', async () => {
  const cfg = tinySearchConfig({ search: { levels: 'single', controllerSteps: 2, derive: { candidates: 2, topK: 1, steps: 1 } } }).search;
  const updates: number[][] = [];
  let scores = (n: number) => new Array<number>(n).fill(Number.NaN);
  const ports = {
    controller: {
      beginStage: async () => undefined,
      sample: async ({ count: n }: { count: number }) => Array.from({ length: n }, (_, i) => ({ arch: [...ARCH.slice(0, 13), i % 4], logProb: 0, entropy: 0 })),
      update: async ({ samples }: { samples: { reward: number }[] }) => (updates.push(samples.map((x) => x.reward)), { loss: 0, baseline: 0, meanReward: 0, meanEntropy: 0, meanAdvantage: 0 }),
    },
    trainer: { train: async () => ({ iterations: 1, meanDLoss: 0, meanGLoss: 0, stoppedEarly: false, seconds: 0 }), snapshot: async () => ({ version: 0, stage: 2, arrays: {} }) },
    evaluator: { score: async ({ archs }: { archs: number[][] }) => scores(archs.length) },
    resetter: { push: async () => false, clear: async () => undefined },
  } as unknown as SearchPorts;
  const state = await runSearch(ports, cfg, initialConductorState(), { emit: () => {}, checkpoint: async () => {} });
  assert.equal(updates, [[0, 0], [0, 0], [0, 0]], 'three iterations at the last stage');
  assert.equal(state.finalCandidates!.map((c) => c.reward), [0, 0]);
  scores = () => [1];
  await failsWith(runSearch(ports, cfg, initialConductorState(), { emit: () => {}, checkpoint: async () => {} }), /^evaluator: 1 scores for 2 architectures$/);
});

messages('answers and actor messages: the parent names the field of whatever an actor sends wrong', () => {
  const result = (kind: ActorKind, type: string, value: unknown) => fieldErrorOf(() => (channels[kind] as Record<string, { result: { parse(v: unknown, p: string): unknown } }>)[type]!.result.parse(value, 'result'));
  const snap = { version: 1, stage: 0, arrays: bundle() };
  assert.is(result('trainer', 'trainer.snapshot', { ...snap, version: -1 }), 'result.version: expected an integer ≥ 0, got -1');
  assert.is(result('trainer', 'trainer.snapshot', { ...snap, stage: 3 }), 'result.stage: expected an integer in 0..2, got 3');
  assert.is(result('trainer', 'trainer.snapshot', { ...snap, arrays: bundle(8) }), 'result.arrays.w.data: has 8 values, shape [2,3] needs 6');
  assert.is(result('trainer', 'trainer.train', { iterations: -1, meanDLoss: 0, meanGLoss: 0, stoppedEarly: false, seconds: 0 }), 'result.iterations: expected an integer ≥ 0, got -1');
  assert.is(result('trainer', 'trainer.train', { iterations: 1, meanDLoss: 0, meanGLoss: 0, stoppedEarly: false, seconds: Number.NaN }), 'result.seconds: expected a finite number, got NaN');
  assert.is(result('controller', 'controller.sample', [{ arch: [9, 0, 0, 0], logProb: 0, entropy: 0 }]), 'result[0].arch: architecture: cell 1 token "conv" is 9; allowed 0..1');
  assert.is(result('controller', 'controller.prefixStates', [{ arch: A4, h: [Number.NaN], c: [0] }]), 'result[0].h[0]: expected a finite number, got NaN');
  assert.is(result('evaluator', 'evaluator.score', ['high']), 'result[0]: expected a number, got string');
  assert.is(result('deriver', 'deriver.advance', { step: 2, steps: 0, interrupted: false, scores: null }), 'result.steps: expected an integer ≥ 1, got 0');
  assert.is(result('deriver', 'deriver.advance', { step: 4, steps: 4, interrupted: false, scores: { is: null } }), 'result.scores.fid: expected a number, got undefined');

  const actor = (msg: Json) => fieldErrorOf(() => parseActorMessage(msg));
  const placement = { transport: 'thread', pid: 1, threadId: 0, backend: 'cpu', tfBackend: 'cpu', cudaVisibleDevices: null };
  assert.is(actor({ v, type: 'actor.heartbeat', time: Number.NaN, tensors: 3 }), 'time: expected a finite number, got NaN');
  assert.is(actor({ v, type: 'actor.heartbeat', time: 1, tensors: -2 }), 'tensors: expected an integer ≥ -1, got -2');
  assert.is(actor({ v, type: 'actor.heartbeat', time: 1, tensors: 3, load: 0.5 }), 'load: unexpected field');
  assert.is(actor({ v, type: 'actor.ready', placement: { ...placement, pid: -5 } }), 'placement.pid: expected an integer ≥ 0, got -5');
  assert.is(actor({ v, type: 'actor.result', id: 'x', result: null }), 'id: expected an integer, got string');
  assert.is(actor({ v, type: 'actor.error', id: 1, error: { name: 'E', message: 'm', field: 3 } }), 'error.field: expected a string, got 3');
  assert.is(actor({ v, type: 'actor.log', level: 'debug', line: 'x' }), 'level: expected one of info|warn, got string');
  assert.is(actor({ v, type: 'trainer.loss', id: 1, loss: { step: -1, dLoss: 0, gLoss: null } }), 'loss.step: expected an integer ≥ 0, got -1');
  assert.is(actor({ v, type: 'deriver.step', id: 1, step: { step: 0, steps: 4, dLoss: 0, gLoss: 0 } }), 'step.step: expected an integer ≥ 1, got 0');
  assert.is(actor({ v: 0, type: 'actor.result', id: 1, result: null }), 'v: expected protocol version 1, got 0');

  const init = { v, type: 'supervisor.init', actorId: 'controller', kind: 'controller', logicModule: 'x', config: null, seed: 1, backend: 'cpu', heartbeatMs: 50 };
  parseInitMessage(init);
  assert.is(fieldErrorOf(() => parseInitMessage({ ...init, heartbeatMs: 0 })), 'heartbeatMs: expected an integer ≥ 1, got 0');
  assert.is(fieldErrorOf(() => parseInitMessage({ ...init, seed: 1.5 })), 'seed: expected an integer, got 1.5');
  assert.is(fieldErrorOf(() => parseInitMessage({ ...init, kind: 'critic' })), 'kind: expected one of controller|trainer|evaluator|resetter|deriver, got string');
  assert.is(fieldErrorOf(() => parseInitMessage(request('controller', 'controller.sample'))), 'type: expected supervisor.init first, got "controller.sample"');
});

messages('the supervisor: a wrong answer fails its request with an error event naming actor and field; the actor serves on', async () => {
  const dir = tempActorRunDir();
  const spoken: Partial<Record<string, ActorChannel>> = {};
  /** Per request type, the wrong answers to give first (then right ones). */
  const wrong: Record<string, ((id: number) => object)[]> = {
    'evaluator.score': [(id) => ({ type: 'actor.result', id, result: ['high'] })],
    'trainer.snapshot': [(id) => ({ type: 'actor.result', id, result: { version: 1, stage: 0, arrays: bundle(8) } })],
    'trainer.train': [(id) => ({ type: 'trainer.loss', id, loss: { step: -1, dLoss: 0, gLoss: null } })],
    'controller.sample': [(id) => ({ v: 2, type: 'actor.result', id, result: [] })],
  };
  const right = (m: { type: string; id?: number; args?: Json }): object => {
    const result = {
      'evaluator.score': () => m.args.archs.map(() => 1),
      'trainer.snapshot': () => ({ version: 1, stage: 0, arrays: bundle() }),
      'trainer.train': () => ({ iterations: 1, meanDLoss: 0, meanGLoss: 0, stoppedEarly: false, seconds: 0 }),
      'controller.sample': () => [{ arch: A4, logProb: -1, entropy: 1 }],
      'controller.state': () => ({ meta: {}, arrays: {} }),
    }[m.type]!();
    return { type: 'actor.result', id: m.id, result };
  };
  const sys = await startActorSystem({
    runDir: dir, actorConfig: { controller: null, trainer: null, evaluator: null, resetter: null }, seed: 1, gpus: null, backend: 'cpu',
    spawn: (p) => (spoken[p.id] = scriptedActor((m) => [wrong[m.type]?.shift()?.(m.id!) ?? right(m)])),
  });
  try {
    (spoken.controller!.messages$ as Subject<unknown>).next({ v, type: 'actor.heartbeat', time: Number.NaN, tensors: 0 });
    const snap = { version: 1, stage: 0, arrays: bundle() };
    const failed: [Promise<unknown>, RegExp][] = [
      [sys.ports.evaluator.score({ snapshot: snap, archs: [A4], samples: 10 }), /^evaluator-0: evaluator\.score failed: MalformedMessage: rejected malformed message from evaluator-0: result\[0\]: expected a number, got string$/],
      [sys.ports.trainer.snapshot({ version: 1, stage: 0 }), /^trainer: trainer\.snapshot failed: MalformedMessage: .*result\.arrays\.w\.data: has 8 values, shape \[2,3\] needs 6$/],
      [sys.ports.trainer.train({ stage: 0, archs: [A4] }, () => 'continue'), /^trainer: trainer\.train failed: MalformedMessage: .*loss\.step: expected an integer ≥ 0, got -1$/],
      [sys.ports.controller.sample({ count: 1 }), /^controller: controller\.sample failed: MalformedMessage: .*v: expected protocol version 1, got 2$/],
    ];
    for (const [p, pattern] of failed) await failsWith(p, pattern);
    // Every actor still answers.
    assert.equal(await sys.ports.evaluator.score({ snapshot: snap, archs: [A4, A4], samples: 10 }), [1, 1]);
    assert.is((await sys.ports.trainer.snapshot({ version: 2, stage: 0 })).version, 1);
    assert.is((await sys.ports.controller.sample({ count: 1 })).length, 1);
  } finally {
    await sys.shutdown('done');
  }
  const errors = readEvents(dir).filter((e) => e.type === 'actor.error').map((e) => ({ source: e.source, field: (e.payload as { field: string }).field }));
  assert.equal(errors, [
    { source: 'controller', field: 'time' },
    { source: 'evaluator-0', field: 'result[0]' },
    { source: 'trainer', field: 'result.arrays.w.data' },
    { source: 'trainer', field: 'loss.step' },
    { source: 'controller', field: 'v' },
  ]);
  assert.not.ok(readEvents(dir).some((e) => e.type === 'actor.exited'));
});

messages('real actors: a NaN reward and stage 3 are rejected by the actors, which keep serving; a damaged log is named', async () => {
  const dir = tempActorRunDir();
  writeFileSync(dir.events, damagedLog());
  const sys = await startFixtureSystem({ runDir: dir });
  try {
    await failsWith(sys.ports.controller.update({ samples: [{ arch: A4, reward: Number.NaN }] }),
      /^controller: controller\.update failed: MalformedMessage: controller: rejected malformed controller\.update message: args\.samples\[0\]\.reward: expected a finite number, got NaN$/);
    await failsWith(sys.ports.trainer.train({ stage: 3, archs: [A4] }, () => 'continue'),
      /^trainer: trainer\.train failed: MalformedMessage: trainer: rejected malformed trainer\.train message: args\.stage: expected an integer in 0\.\.2, got 3$/);
    assert.is((await sys.ports.controller.sample({ count: 2 })).length, 2);
    assert.is((await sys.ports.trainer.train({ stage: 0, archs: [A4] }, () => 'continue')).iterations, 1);
  } finally {
    await sys.shutdown('done');
  }
  const log = readEvents(dir);
  assert.equal(log.find((e) => e.type === 'log.damaged')?.payload, { path: dir.events, lines: [3, 4] });
  assert.is(log.find((e) => e.type === 'run.started' && e.seq > 3)?.seq, 4, 'seq goes on from the last event');
  assert.equal(log.filter((e) => e.type === 'actor.error').map((e) => [e.source, (e.payload as { field: string }).field]), [['controller', 'args.samples[0].reward'], ['trainer', 'args.stage']]);
  assert.not.ok(log.some((e) => e.type === 'actor.exited' || e.type === 'actor.restarting'));
});

messages.run();
