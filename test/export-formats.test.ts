/**
 * `autogan export`: a smoke-trained generator of each upsampling kind, with batch, instance and no norm, every
 * conv kind, shortcut and skip among them, exported and run back through tfjs (GraphModel, in Node), ONNX
 * Runtime (Node) and the export's page in headless chromium, each against check.json; and check.json against
 * the generator itself. Then every token value of the search space, untrained, through tfjs and ONNX Runtime.
 */
import { refreshReport } from '../src/report/refresh.js';
import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { startBackend } from '../src/backend/select.js';
import { CHECK_TOLERANCE } from '../src/export/check-file.js';
import { EXPORT_PRODUCER, type ExportMetadata } from '../src/export/export-metadata.js';
import { generate, openExportedGenerator } from '../src/export/exported-generator.js';
import { recordGenerator } from '../src/export/inference-graph.js';
import { onnxModelBytes } from '../src/export/onnx-model.js';
import { graphModelFiles } from '../src/export/tfjs-graph-model.js';
import { exportGenerator, generate as libraryGenerate, loadGenerator } from '../src/index.js';
import { TOKEN_CHOICES, formatArch, parseArch } from '../src/nn/arch.js';
import { Generator } from '../src/nn/generator.js';
import { loadEmaGenerator } from '../src/train/ema-generator.js';
import { runTraining } from '../src/train/train-run.js';
import { requireChromium } from './support/chromium.js';
import { checkPage, maxAbsDifference, onnxHeader, onnxImages } from './support/export-runtimes.js';
import { tempRunDir, tinySearchConfig } from './support/tiny-search.js';
import { cli } from './support/kill.js';

/** One architecture per upsampling kind; together they hold every token value but skip-in from cell 1 alone at cell 3 (mask 2, in `nearest`). */
const ARCHS = {
  bilinear: '0 1 0 1  1 2 0 0 1  0 0 0 1 3',
  nearest: '1 2 1 0  0 1 1 1 0  1 1 1 0 2',
  deconv: '0 2 2 1  1 0 2 1 1  1 1 2 1 3',
} as const;

interface Check {
  latents: { shape: [number, number]; data: number[] };
  images: { shape: number[]; data: number[] };
}

const root = mkdtempSync(join(tmpdir(), 'agts-export-'));
const exports = new Map<string, { run: string; out: string }>();
const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;
const readCheck = (out: string) => JSON.parse(readFileSync(join(out, 'check.json'), 'utf8')) as Check;

test.before(async () => {
  await startBackend('auto');
  for (const [kind, arch] of Object.entries(ARCHS)) {
    const run = tempRunDir(`export-${kind}`);
    await runTraining({ config: tinySearchConfig({ train: { steps: 2 } }), arch: parseArch(arch), outDir: run, resume: false, backend: 'test', log: () => {}, progress: quiet });
    const out = join(root, kind);
    const tensors = tf.memory().numTensors;
    const report = await exportGenerator({ checkpoint: run, out });
    assert.ok(report.tfjsDifference !== null && report.tfjsDifference <= CHECK_TOLERANCE, `${kind}: the export's own tfjs check`);
    assert.is(tf.memory().numTensors, tensors, `${kind}: the export leaves no tensor behind`);
    exports.set(kind, { run, out });
  }
});

test('an export holds both models, check.json and the page; the metadata says latent, resolution and channels', () => {
  for (const [kind, { out }] of exports) {
    assert.equal(readdirSync(out).sort(), ['check.json', 'group1-shard1of1.bin', 'index.html', 'model.json', 'model.onnx', 'page.js'], kind);
    const modelJson = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { format: string; userDefinedMetadata: ExportMetadata; modelTopology: { node: { op: string }[] } };
    assert.is(modelJson.format, 'graph-model');
    const m = modelJson.userDefinedMetadata;
    assert.equal(m, { producer: EXPORT_PRODUCER, latent: 8, resolution: 32, channels: 1, arch: formatArch(parseArch(ARCHS[kind as keyof typeof ARCHS])), dataset: 'mnist', step: 2, layout: 'NHWC' });
    // Batch norm is folded: no op of tfjs's batch norm, and a post-activation cell's norm leaves no Mul either.
    assert.not.ok(modelJson.modelTopology.node.some((n) => n.op.startsWith('FusedBatchNorm')));
    const onnx = onnxHeader(readFileSync(join(out, 'model.onnx')));
    assert.is(onnx.opset, 17);
    assert.equal(onnx.metadata, { producer: EXPORT_PRODUCER, latent: '8', resolution: '32', channels: '1', arch: m.arch, dataset: 'mnist', step: '2', layout: 'NCHW' });
  }
});

test("check.json holds the trained generator's images of its latents", () => {
  for (const [kind, { run, out }] of exports) {
    const check = readCheck(out);
    assert.equal(check.latents.shape, [4, 8]);
    const { G, meta } = loadEmaGenerator(run);
    const ours = tf.tidy(() => G.forward(tf.tensor2d(check.latents.data, check.latents.shape), meta.arch, false).dataSync());
    G.dispose();
    assert.equal(check.images.shape, [4, 32, 32, 1]);
    assert.ok(maxAbsDifference(ours, check.images.data) < 1e-6, kind);
    assert.ok(check.images.data.every((v) => v >= -1 && v <= 1), `${kind}: images in [−1, 1]`);
    assert.ok(new Set(check.images.data).size > 100, `${kind}: images with content`);
  }
});

test('tfjs GraphModel in Node (loadGenerator, generate) matches check.json; no tensor is left behind', async () => {
  for (const [kind, { out }] of exports) {
    const check = readCheck(out);
    const before = tf.memory().numTensors;
    const gen = await loadGenerator(out);
    assert.is(gen.metadata.latent, 8);
    const rows = Array.from({ length: 4 }, (_, i) => check.latents.data.slice(i * 8, (i + 1) * 8));
    const images = libraryGenerate(gen, rows);
    assert.equal(images.shape, [4, 32, 32, 1]);
    const difference = maxAbsDifference(images.dataSync(), check.images.data);
    images.dispose();
    gen.dispose();
    assert.ok(difference <= CHECK_TOLERANCE, `${kind}: tfjs differs by ${difference}`);
    assert.is(tf.memory().numTensors, before, `${kind}: tensors flat`);
    console.log(`  ${kind}: tfjs max |difference| ${difference.toExponential(2)}`);
  }
});

test('ONNX Runtime (onnxruntime-node) matches check.json', async () => {
  for (const [kind, { out }] of exports) {
    const check = readCheck(out);
    const got = await onnxImages(join(out, 'model.onnx'), Float32Array.from(check.latents.data), 4);
    assert.equal(got.shape, check.images.shape);
    const difference = maxAbsDifference(got.data, check.images.data);
    assert.ok(difference <= CHECK_TOLERANCE, `${kind}: ONNX Runtime differs by ${difference}`);
    console.log(`  ${kind}: ONNX Runtime max |difference| ${difference.toExponential(2)}`);
  }
});

test('in headless chromium, offline: the page draws its grid, redraws, interpolates and checks itself within 1e-4', async () => {
  requireChromium();
  // The three pages at once (each in its export's folder).
  const pages = await Promise.all([...exports].map(async ([kind, { out }]) => [kind, await checkPage(out)] as const));
  for (const [kind, page] of pages) {
    assert.is(page.state, 'ready', `${kind}: ${page.status}`);
    assert.ok(page.maxDifference <= CHECK_TOLERANCE, `${kind}: the page's check differs by ${page.maxDifference}`);
    assert.equal(page.gridSize, [8 * 33 + 1, 8 * 33 + 1]);
    assert.ok(page.gridLevels > 50, `${kind}: ${page.gridLevels} grey levels on the grid`);
    assert.ok(page.redrawChanged, `${kind}: Redraw draws new samples`);
    assert.ok(page.sliderAtStart && page.sliderAtEnd && page.sliderBetween, `${kind}: the slider runs from z₀ to z₁ ${JSON.stringify(page)}`);
    console.log(`  ${kind}: page (${page.backend}) max |difference| ${page.maxDifference.toExponential(2)}`);
  }
});

test("the run's report.html gives the export command, and it runs", () => {
  const { run } = exports.get('nearest')!;
  // The train job writes a run's report; this run was trained through runTraining itself.
  refreshReport(run);
  const cmd = /<pre>(autogan export [^<]*)<\/pre>/.exec(readFileSync(join(run, 'report.html'), 'utf8'))?.[1];
  assert.is(cmd, `autogan export --checkpoint ${run} --out ${run}-export`);
  const r = cli(...cmd!.split(' ').slice(1));
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /tfjs check: max \|difference\| /);
  assert.ok(readdirSync(`${run}-export`).includes('index.html'));
});

test('`autogan sample` draws the same grid from an export as from its checkpoint', () => {
  const { run, out } = exports.get('deconv')!;
  const grid = (from: string, name: string) => {
    const png = join(root, name);
    const r = cli('sample', '--checkpoint', from, '--out', png, '--n', '16', '--seed', '4');
    assert.is(r.status, 0, r.stderr);
    return PNG.sync.read(readFileSync(png));
  };
  const [a, b] = [grid(out, 'from-export.png'), grid(run, 'from-checkpoint.png')];
  assert.is(a.width, b.width);
  assert.ok(maxAbsDifference(a.data, b.data) <= 1, 'the same grid, to a grey level');
  assert.ok(new Set(a.data).size > 50, 'with content');
});

/** For each token and value: a 14-token architecture with that value, the rest varied (as nn-generator's test). */
function coveringArchs(): number[][] {
  const archs: number[][] = [];
  for (let i = 0; i < 14; i++) {
    for (let v = 0; v < TOKEN_CHOICES[i]!; v++) archs.push(Array.from({ length: 14 }, (_, j) => (j === i ? v : (i + j + v) % TOKEN_CHOICES[j]!)));
  }
  return archs;
}

test('every token value of the search space: the recorded graph runs in tfjs and ONNX Runtime as the generator does', async () => {
  const dims = { latent: 6, gf: 3, bottom: 2, channels: 3 };
  const z = tf.randomNormal([3, dims.latent], 0, 1, 'float32', 5) as tf.Tensor2D;
  const latents = z.dataSync() as Float32Array;
  let worst = 0;
  for (const [k, arch] of coveringArchs().entries()) {
    const G = new Generator(dims, { kind: 'derived', arch }, k);
    // Running statistics unlike their initial 0 and 1, so that folding them is tested.
    for (const [name, v] of G.store.bufferEntries()) v.assign(name.endsWith('running_var') ? tf.randomUniform(v.shape, 0.5, 2, 'float32', k) : tf.randomNormal(v.shape, 0, 0.5, 'float32', k));
    const expected = tf.tidy(() => G.forward(z, arch, false).dataSync());
    const graph = recordGenerator(G, arch);
    G.dispose();
    const metadata: ExportMetadata = { producer: EXPORT_PRODUCER, latent: 6, resolution: 16, channels: 3, arch: formatArch(arch), dataset: 'cifar10', step: 0, layout: 'NHWC' };
    const { modelJson, shards } = graphModelFiles(graph, metadata);
    const files = new Map<string, Uint8Array>([['model.json', Buffer.from(JSON.stringify(modelJson))], ...shards]);
    const gen = await openExportedGenerator(async (name) => files.get(name)!, `[${arch}]`);
    const tfjs = tf.tidy(() => generate(gen, z).dataSync());
    gen.dispose();
    const onnx = await onnxImages(onnxModelBytes(graph, { ...metadata, layout: 'NCHW' }), latents, 3);
    assert.equal(onnx.shape, [3, 16, 16, 3]);
    for (const [runtime, got] of [['tfjs', tfjs], ['ONNX Runtime', onnx.data]] as const) {
      const d = maxAbsDifference(got, expected);
      assert.ok(d <= CHECK_TOLERANCE, `[${arch}] ${runtime} differs by ${d}`);
      worst = Math.max(worst, d);
    }
  }
  z.dispose();
  console.log(`  ${coveringArchs().length} architectures: worst max |difference| ${worst.toExponential(2)}`);
});

test.run();
