import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputError } from '../src/errors.js';
import type { NodeDef } from '../src/metrics/inception/graphdef.js';
import { GraphError } from '../src/metrics/inception/graph-index.js';
import { INCEPTION_GRAPH, convLayers, convWeightNames } from '../src/metrics/inception/inception-graph.js';
import { inceptionWeightsFromGraph, loadInceptionWeights } from '../src/metrics/inception/load-inception.js';
import { floatConst, inceptionGraphNodes, writeGraphFile } from './support/inception-graph-file.js';

const nodes = inceptionGraphNodes(1);
let dir = '';

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inception-loader-'));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const constValues = (graph: readonly NodeDef[], name: string): Float32Array => {
  const v = graph.find((n) => n.name === name)?.attr.get('value');
  if (v?.kind !== 'tensor' || !v.value.content) throw new Error(`no raw tensor ${name}`);
  return new Float32Array(new Uint8Array(v.value.content).buffer);
};

/** The graph with one node replaced (or removed, when `by` is omitted). */
const replaced = (name: string, by?: NodeDef): NodeDef[] =>
  nodes.flatMap((n) => (n.name !== name ? [n] : by ? [by] : []));

/** Rejections name the node and say what was expected and found. */
function rejects(graph: readonly NodeDef[], message: RegExp): void {
  assert.throws(() => inceptionWeightsFromGraph(graph), (e: Error) => e instanceof GraphError && message.test(e.message));
}

test('takes every conv, the preprocessing constants and the softmax weights by name', () => {
  const w = inceptionWeightsFromGraph(nodes);
  assert.is(w.convs.size, 94);
  assert.is(w.shift, 128);
  assert.is(w.scale, 1 / 128);
  assert.is(w.alignCorners, false);
  assert.is(w.softmax.length, INCEPTION_GRAPH.featureDim * INCEPTION_GRAPH.numClasses);
  // Conv weights + a γ, β pair per conv + a 1000-way fc is torchvision's Inception-v3 without its aux
  // head, 23,834,568 parameters: the same layers with the same widths.
  const convs = convLayers();
  const params = convs.reduce((n, l) => n + l.kernel[0] * l.kernel[1] * l.cin * l.cout + 2 * l.cout, 0);
  assert.is(params + 2048 * 1000 + 1000, 23_834_568);
});

test('folds each batch norm into its conv: w·γ/√(v+ε), β − m·γ/√(v+ε)', () => {
  const layer = convLayers().find((l) => l.name === 'mixed_4/tower/conv_1')!;
  const n = convWeightNames(layer);
  const [w, g, m, v, b] = [n.params, n.gamma, n.mean, n.variance, n.beta].map((k) => constValues(nodes, k)) as Float32Array[];
  const folded = inceptionWeightsFromGraph(nodes).convs.get(layer.name)!;
  for (const i of [0, 1, 127, 5000, w!.length - 1]) {
    const c = i % layer.cout;
    const s = g![c]! / Math.sqrt(v![c]! + 0.001);
    assert.ok(Math.abs(folded.filter[i]! - w![i]! * s) < 1e-6 * (1 + Math.abs(w![i]! * s)), `filter[${i}]`);
    assert.ok(Math.abs(folded.bias[c]! - (b![c]! - m![c]! * s)) < 1e-6, `bias[${c}]`);
  }
});

test('without scale_after_normalization, gamma is not applied', () => {
  const bn = nodes.find((x) => x.name === 'conv/batchnorm')!;
  const noScale: NodeDef = { ...bn, attr: new Map([...bn.attr, ['scale_after_normalization', { kind: 'b', value: false }]]) };
  const folded = inceptionWeightsFromGraph(replaced('conv/batchnorm', noScale)).convs.get('conv')!;
  const [w, v] = ['conv/conv2d_params', 'conv/batchnorm/moving_variance'].map((k) => constValues(nodes, k)) as Float32Array[];
  assert.ok(Math.abs(folded.filter[0]! - w![0]! / Math.sqrt(v![0]! + 0.001)) < 1e-6);
});

test('rejects a missing weight deep in the graph, by name', () => {
  rejects(replaced('mixed_10/tower_2/conv/batchnorm/gamma'), /missing node "mixed_10\/tower_2\/conv\/batchnorm\/gamma" \(a float Const of shape \[192\]\)/);
});

test('rejects a transposed 1×7 filter, with expected and found shapes', () => {
  const name = 'mixed_4/tower/conv_1/conv2d_params';
  const wrong = floatConst(name, [7, 1, 128, 128], constValues(nodes, name));
  rejects(replaced(name, wrong), /node "mixed_4\/tower\/conv_1\/conv2d_params": expected shape \[1, 7, 128, 128\], found \[7, 1, 128, 128\]/);
});

test('rejects ops whose attributes differ from the 2015 graph', () => {
  const pool = nodes.find((x) => x.name === 'mixed_10/tower_2/pool')!;
  rejects(replaced(pool.name, { ...pool, op: 'AvgPool' }), /node "mixed_10\/tower_2\/pool": expected op MaxPool, found AvgPool/);
  const conv = nodes.find((x) => x.name === 'conv/Conv2D')!;
  const stride1: NodeDef = { ...conv, attr: new Map([...conv.attr, ['strides', { kind: 'list', value: { s: [], i: [1, 1, 1, 1], f: [], b: [], type: [] } }]]) };
  rejects(replaced(conv.name, stride1), /node "conv\/Conv2D": expected strides \[1, 2, 2, 1\], found \[1, 1, 1, 1\]/);
  const bn = nodes.find((x) => x.name === 'conv_1/batchnorm')!;
  const swapped: NodeDef = { ...bn, input: [bn.input[0]!, bn.input[1]!, bn.input[2]!, bn.input[4]!, bn.input[3]!] };
  rejects(replaced(bn.name, swapped), /node "conv_1\/batchnorm": expected inputs conv_1\/Conv2D, .*beta, .*gamma, found/);
});

async function rejectsWith(p: Promise<unknown>, ok: (e: Error) => boolean): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(ok(e as Error), (e as Error).message);
    return;
  }
  assert.unreachable('expected a rejection');
}

/** The preprocessing and the first conv layer only: a real file, cheap to write, missing the rest. */
const head = nodes.slice(0, nodes.findIndex((n) => n.name === 'conv') + 1);

test('a file with a missing node: InputError naming the file, the node and its expected shape', async () => {
  const path = join(dir, 'missing.pb');
  await writeGraphFile(path, head);
  await rejectsWith(loadInceptionWeights(path), (e: Error) =>
    isInputError(e) && e.message === `${path}: missing node "conv_1/conv2d_params" (a float Const of shape [3, 3, 32, 32])`);
});

test('a file with a misshapen node: InputError naming the file, the node, expected and found shapes', async () => {
  const path = join(dir, 'misshapen.pb');
  const name = 'conv/conv2d_params';
  await writeGraphFile(path, head.map((n) => (n.name === name ? floatConst(name, [3, 3, 1, 32], new Float32Array(288)) : n)));
  await rejectsWith(loadInceptionWeights(path), (e: Error) =>
    isInputError(e) && e.message === `${path}: node "conv/conv2d_params": expected shape [3, 3, 3, 32], found [3, 3, 1, 32]`);
});

test('a file that is not a GraphDef, and no file at all', async () => {
  const gz = join(dir, 'archive.tgz');
  await writeFile(gz, Uint8Array.of(0x1f, 0x8b, 0x08, 0x00, 0x00));
  await rejectsWith(loadInceptionWeights(gz), (e: Error) => isInputError(e) && e.message.startsWith(`${gz}: not a TensorFlow GraphDef`));
  const none = join(dir, 'nope.pb');
  await rejectsWith(loadInceptionWeights(none), (e: Error) => isInputError(e) && e.message.includes('fetch-inception'));
});

test.run();
