/**
 * A stand-in for `classify_image_graph_def.pb`: a GraphDef with the real graph's node names, ops,
 * attributes and weight shapes (INCEPTION_GRAPH), wired the same way, with seeded random weights.
 * The official weights cannot be downloaded in tests; everything the loader reads is here.
 */
import { writeFile } from 'node:fs/promises';
import { DT, type AttrValue, type NodeDef, type TensorProto } from '../../src/metrics/inception/graphdef.js';
import { INCEPTION_GRAPH, convWeightNames, type ConvLayer, type Layer, type PoolLayer } from '../../src/metrics/inception/inception-graph.js';
import { Rng } from '../../src/util/rng.js';
import { encodeGraphDef } from './protobuf-writer.js';

const FLOAT: AttrValue = { kind: 'type', value: DT.float };

function tensor(dtype: number, shape: number[], values: Float32Array | Int32Array): TensorProto {
  const content = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return { dtype, shape, content, floatVal: [], doubleVal: [], intVal: [], int64Val: [] };
}

function node(name: string, op: string, input: string[], attr: Record<string, AttrValue> = {}): NodeDef {
  return { name, op, input, device: '', attr: new Map(Object.entries(attr)) };
}

/** A float Const holding `values` as raw tensor_content, as TensorFlow writes large constants. */
export function floatConst(name: string, shape: number[], values: Float32Array): NodeDef {
  return node(name, 'Const', [], { dtype: FLOAT, value: { kind: 'tensor', value: tensor(DT.float, shape, values) } });
}

/** A scalar float Const in float_val form, as TensorFlow writes small constants. */
function scalarConst(name: string, value: number): NodeDef {
  const t: TensorProto = { dtype: DT.float, shape: [], content: null, floatVal: [value], doubleVal: [], intVal: [], int64Val: [] };
  return node(name, 'Const', [], { dtype: FLOAT, value: { kind: 'tensor', value: t } });
}

const ints = (i: number[]): AttrValue => ({ kind: 'list', value: { s: [], i, f: [], b: [], type: [] } });
const str = (s: string): AttrValue => ({ kind: 's', value: new TextEncoder().encode(s) });

/** Uniform in [lo, hi), seeded. */
function uniform(rng: Rng, n: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng.next();
  return out;
}

/** Conv2D → BatchNormWithGlobalNormalization → Relu named `layer.name`, with He-scaled random weights. */
function convNodes(rng: Rng, layer: ConvLayer, input: string): NodeDef[] {
  const w = convWeightNames(layer);
  const [kh, kw] = layer.kernel;
  const fanIn = kh * kw * layer.cin;
  const bound = Math.sqrt(6 / fanIn);
  const c = layer.cout;
  return [
    floatConst(w.params, [kh, kw, layer.cin, c], uniform(rng, fanIn * c, -bound, bound)),
    node(`${layer.name}/Conv2D`, 'Conv2D', [input, w.params], {
      T: FLOAT, strides: ints([1, layer.stride, layer.stride, 1]), padding: str(layer.padding),
    }),
    floatConst(w.beta, [c], uniform(rng, c, -0.1, 0.1)),
    floatConst(w.gamma, [c], uniform(rng, c, 0.8, 1.2)),
    floatConst(w.mean, [c], uniform(rng, c, -0.1, 0.1)),
    floatConst(w.variance, [c], uniform(rng, c, 0.5, 1.5)),
    node(`${layer.name}/batchnorm`, 'BatchNormWithGlobalNormalization', [`${layer.name}/Conv2D`, w.mean, w.variance, w.beta, w.gamma], {
      T: FLOAT, variance_epsilon: { kind: 'f', value: 0.001 }, scale_after_normalization: { kind: 'b', value: true },
    }),
    node(layer.name, 'Relu', [`${layer.name}/batchnorm`], { T: FLOAT }),
  ];
}

function poolNode(layer: PoolLayer, input: string): NodeDef {
  return node(layer.name, layer.op, [input], {
    T: FLOAT, ksize: ints([1, layer.size, layer.size, 1]), strides: ints([1, layer.stride, layer.stride, 1]), padding: str(layer.padding),
  });
}

/** The nodes of the whole graph, from the preprocessing to the softmax, with weights drawn from `seed`. */
export function inceptionGraphNodes(seed: number): NodeDef[] {
  const rng = new Rng(seed);
  const size = INCEPTION_GRAPH.imageSize;
  const nodes: NodeDef[] = [
    node('ExpandDims', 'Placeholder', [], { dtype: FLOAT }),
    node(INCEPTION_GRAPH.resizeSize, 'Const', [], {
      dtype: { kind: 'type', value: DT.int32 },
      value: { kind: 'tensor', value: tensor(DT.int32, [2], Int32Array.of(size, size)) },
    }),
    node(INCEPTION_GRAPH.resize, 'ResizeBilinear', ['ExpandDims', INCEPTION_GRAPH.resizeSize], { T: FLOAT, align_corners: { kind: 'b', value: false } }),
    scalarConst(INCEPTION_GRAPH.sub, 128),
    node('Sub', 'Sub', [INCEPTION_GRAPH.resize, INCEPTION_GRAPH.sub], { T: FLOAT }),
    scalarConst(INCEPTION_GRAPH.mul, 1 / 128),
    node('Mul', 'Mul', ['Sub', INCEPTION_GRAPH.mul], { T: FLOAT }),
  ];
  const chain = (layers: readonly Layer[], input: string): string => {
    for (const l of layers) {
      nodes.push(...(l.kind === 'conv' ? convNodes(rng, l, input) : [poolNode(l, input)]));
      input = l.name;
    }
    return input;
  };
  const concat = (name: string, inputs: string[]): void => {
    const dim = node(`${name}/concat_dim`, 'Const', [], {
      dtype: { kind: 'type', value: DT.int32 },
      value: { kind: 'tensor', value: tensor(DT.int32, [], Int32Array.of(3)) },
    });
    nodes.push(dim, node(name, 'Concat', [`${name}/concat_dim`, ...inputs], { N: { kind: 'i', value: inputs.length }, T: FLOAT }));
  };
  let x = chain(INCEPTION_GRAPH.stem, 'Mul');
  for (const block of INCEPTION_GRAPH.blocks) {
    const outs = block.towers.map(({ layers, split }) => {
      const y = chain(layers, x);
      if (!split) return y;
      const name = split[0]!.name.replace(/\/conv$/, '');
      concat(name, split.map((l) => chain([l], y)));
      return name;
    });
    concat(`${block.name}/join`, outs);
    x = `${block.name}/join`;
  }
  x = chain([INCEPTION_GRAPH.finalPool], x);
  const { featureDim, numClasses } = INCEPTION_GRAPH;
  const bound = Math.sqrt(6 / featureDim);
  nodes.push(
    node('pool_3/_reshape', 'Reshape', [x], { T: FLOAT }),
    floatConst(INCEPTION_GRAPH.softmaxWeights, [featureDim, numClasses], uniform(rng, featureDim * numClasses, -bound, bound)),
    floatConst('softmax/biases', [numClasses], uniform(rng, numClasses, -0.1, 0.1)),
    node('softmax/logits/MatMul', 'MatMul', ['pool_3/_reshape', INCEPTION_GRAPH.softmaxWeights], { T: FLOAT }),
    node('softmax/logits', 'BiasAdd', ['softmax/logits/MatMul', 'softmax/biases'], { T: FLOAT }),
    node('softmax', 'Softmax', ['softmax/logits'], { T: FLOAT }),
  );
  return nodes;
}

export async function writeGraphFile(path: string, nodes: readonly NodeDef[]): Promise<void> {
  await writeFile(path, encodeGraphDef(nodes));
}
