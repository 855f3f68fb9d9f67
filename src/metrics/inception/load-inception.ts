/**
 * Reads `classify_image_graph_def.pb`: takes every weight of the Inception graph by its node name, checks
 * its shape and the attributes of the ops that use it against INCEPTION_GRAPH, and folds each batch norm
 * into its conv. A file that is not this graph is an InputError naming the file, the node, and what was
 * expected and found.
 */
import { readFile } from 'node:fs/promises';
import { fileError } from '../../errors.js';
import { decodeGraphDef, type NodeDef } from './graphdef.js';
import { GraphError, GraphIndex, attrBool, attrFloat, attrInts, attrString, fmtShape } from './graph-index.js';
import { INCEPTION_GRAPH, convLayers, convWeightNames, poolLayers, type ConvLayer, type PoolLayer } from './inception-graph.js';
import { InceptionNet, type FoldedConv, type InceptionNetOptions, type InceptionWeights } from './inception-net.js';
import { ProtobufError } from './protobuf.js';

/** Loads the graph file and builds the network on the current tfjs backend. */
export async function loadInception(path: string, opts: InceptionNetOptions = {}): Promise<InceptionNet> {
  return new InceptionNet(await loadInceptionWeights(path), opts);
}

export async function loadInceptionWeights(path: string): Promise<InceptionWeights> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fileError(path, 'no such file (`metrics fetch-inception --dir DIR` downloads it)');
    throw fileError(path, `cannot read: ${(e as Error).message}`);
  }
  let nodes: NodeDef[];
  try {
    nodes = decodeGraphDef(bytes);
  } catch (e) {
    if (e instanceof ProtobufError) throw fileError(path, `not a TensorFlow GraphDef: ${e.message}`);
    throw e;
  }
  try {
    return inceptionWeightsFromGraph(nodes);
  } catch (e) {
    if (e instanceof GraphError) throw fileError(path, e.message);
    throw e;
  }
}

/** The weights of a decoded graph; a GraphError names the first node that is missing or wrong. */
export function inceptionWeightsFromGraph(nodes: readonly NodeDef[]): InceptionWeights {
  const g = new GraphIndex(nodes);
  const size = INCEPTION_GRAPH.imageSize;
  const resizeTo = [...g.int32Const(INCEPTION_GRAPH.resizeSize, [2])];
  if (resizeTo[0] !== size || resizeTo[1] !== size) {
    throw new GraphError(`node "${INCEPTION_GRAPH.resizeSize}": expected [${size}, ${size}], found ${fmtShape(resizeTo)}`);
  }
  const resize = g.node(INCEPTION_GRAPH.resize, 'ResizeBilinear', 'the input resize');
  const convs = new Map<string, FoldedConv>();
  for (const layer of convLayers()) convs.set(layer.name, readConv(g, layer));
  for (const layer of poolLayers()) checkPool(g, layer);
  return {
    alignCorners: attrBool(resize, 'align_corners', false),
    shift: g.floatScalar(INCEPTION_GRAPH.sub),
    scale: g.floatScalar(INCEPTION_GRAPH.mul),
    convs,
    softmax: g.floatConst(INCEPTION_GRAPH.softmaxWeights, [INCEPTION_GRAPH.featureDim, INCEPTION_GRAPH.numClasses]),
  };
}

function expectInts(node: NodeDef, key: string, expected: readonly number[]): void {
  const found = attrInts(node, key);
  if (found.length !== expected.length || found.some((v, i) => v !== expected[i])) {
    throw new GraphError(`node "${node.name}": expected ${key} ${fmtShape(expected)}, found ${fmtShape(found)}`);
  }
}

function expectPadding(node: NodeDef, expected: string): void {
  const found = attrString(node, 'padding');
  if (found !== expected) throw new GraphError(`node "${node.name}": expected padding ${expected}, found ${found}`);
}

/** The single op of type `op` that reads `name`. */
function onlyReader(g: GraphIndex, name: string, op: string): NodeDef {
  const readers = g.readersOf(name, op);
  if (readers.length !== 1) throw new GraphError(`expected one ${op} node reading "${name}", found ${readers.length}`);
  return readers[0]!;
}

function readConv(g: GraphIndex, layer: ConvLayer): FoldedConv {
  const names = convWeightNames(layer);
  const [kh, kw] = layer.kernel;
  const filter = g.floatConst(names.params, [kh, kw, layer.cin, layer.cout]);
  const vec = [layer.cout];
  const beta = g.floatConst(names.beta, vec);
  const gamma = g.floatConst(names.gamma, vec);
  const mean = g.floatConst(names.mean, vec);
  const variance = g.floatConst(names.variance, vec);

  const conv = onlyReader(g, names.params, 'Conv2D');
  expectInts(conv, 'strides', [1, layer.stride, layer.stride, 1]);
  // A 1×1 stride-1 conv computes the same with either padding; the graph's choice there does not matter.
  if (kh > 1 || kw > 1 || layer.stride > 1) expectPadding(conv, layer.padding);

  const bn = onlyReader(g, names.mean, 'BatchNormWithGlobalNormalization');
  const expectedInputs = [conv.name, names.mean, names.variance, names.beta, names.gamma]; // t, m, v, beta, gamma
  const found = g.sources(bn);
  if (found.length !== 5 || found.some((s, i) => s !== expectedInputs[i])) {
    throw new GraphError(`node "${bn.name}": expected inputs ${expectedInputs.join(', ')}, found ${found.join(', ')}`);
  }
  const eps = attrFloat(bn, 'variance_epsilon');
  const scaleAfter = attrBool(bn, 'scale_after_normalization');

  // BatchNormWithGlobalNormalization: (x − m)·rsqrt(v + ε)·(γ if scale_after_normalization) + β.
  const bias = new Float32Array(layer.cout);
  const scale = new Float32Array(layer.cout);
  for (let c = 0; c < layer.cout; c++) {
    if (!(variance[c]! + eps > 0)) {
      throw new GraphError(`node "${names.variance}": value ${c} is ${variance[c]}; with variance_epsilon ${eps} the batch norm divides by the square root of ${variance[c]! + eps}`);
    }
    scale[c] = (scaleAfter ? gamma[c]! : 1) / Math.sqrt(variance[c]! + eps);
    bias[c] = beta[c]! - mean[c]! * scale[c]!;
  }
  // `filter` is our own copy: scale each output channel (HWIO's last axis) in place.
  for (let i = 0, c = 0; i < filter.length; i++) {
    filter[i] = filter[i]! * scale[c]!;
    if (++c === layer.cout) c = 0;
  }
  return { filter, bias };
}

function checkPool(g: GraphIndex, layer: PoolLayer): void {
  const node = g.node(layer.name, layer.op, `a ${layer.op} ${layer.size}×${layer.size}`);
  expectInts(node, 'ksize', [1, layer.size, layer.size, 1]);
  expectInts(node, 'strides', [1, layer.stride, layer.stride, 1]);
  expectPadding(node, layer.padding);
}
