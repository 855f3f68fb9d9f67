/**
 * An inference graph as a tfjs GraphModel: model.json holds a TensorFlow GraphDef in its JSON form (the
 * converter's "graph-model" format) and the weights manifest; the weights are little-endian shards of at most
 * 4 MiB, as tensorflowjs_converter cuts them. Only ops tfjs-converter executes are used, in NHWC: MatMul,
 * BiasAdd, Reshape, Conv2D, DepthToSpace (the 2×2 stride-2 transposed conv is a 1×1 conv to 4·Cout channels
 * and a depth-to-space), Mul, AddV2, Mean, SquaredDifference, Sub, Rsqrt, ResizeBilinear,
 * ResizeNearestNeighbor, Relu, Tanh, Identity.
 */
import { imageSides, type GraphNode, type InferenceGraph, type Weight } from './inference-graph.js';
import { INPUT_NAME, OUTPUT_NAME, type ExportMetadata } from './export-metadata.js';

const SHARD_BYTES = 4 * 1024 * 1024;

type AttrValue =
  | { type: string }
  | { b: boolean }
  | { i: string }
  | { s: string }
  | { list: { i: string[] } }
  | { shape: { dim: { size: string }[] } }
  | { tensor: { dtype: string; tensorShape: { dim: { size: string }[] } } };

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrValue>;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

export interface GraphModelFiles {
  /** model.json's content. */
  readonly modelJson: object;
  /** Shard file name → bytes, in the manifest's order. */
  readonly shards: ReadonlyMap<string, Uint8Array>;
}

const dims = (shape: readonly number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const text = (s: string): AttrValue => ({ s: Buffer.from(s).toString('base64') });
const ints = (v: readonly number[]): AttrValue => ({ list: { i: v.map(String) } });
const FLOAT: AttrValue = { type: 'DT_FLOAT' };

/** Builds the graph's nodes and the weights they name, in order. */
class GraphDefWriter {
  readonly nodes: TfNode[] = [];
  readonly manifest: ManifestEntry[] = [];
  readonly data: Uint8Array[] = [];

  op(name: string, op: string, input: string[], attr: Record<string, AttrValue> = {}): string {
    this.nodes.push({ name, op, input, attr: { T: FLOAT, ...attr } });
    return name;
  }

  floats(w: Weight, name = w.name, shape = w.shape): string {
    return this.constant(name, shape, 'float32', w.data);
  }

  int32s(name: string, values: readonly number[]): string {
    return this.constant(name, [values.length], 'int32', Int32Array.from(values));
  }

  private constant(name: string, shape: readonly number[], dtype: ManifestEntry['dtype'], data: Float32Array | Int32Array): string {
    const type = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type }, value: { tensor: { dtype: type, tensorShape: dims(shape) } } } });
    this.manifest.push({ name, shape: [...shape], dtype });
    this.data.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return name;
  }
}

/** The 2×2 transposed conv's weight [2, 2, Cout, Cin] as a 1×1 conv's [1, 1, Cin, 4·Cout], channel (a·2 + c)·Cout + o. */
function depthToSpaceFilter(w: Weight): Float32Array {
  const [, , cout, cin] = w.shape as [number, number, number, number];
  const out = new Float32Array(cin * 4 * cout);
  for (let a = 0; a < 2; a++) {
    for (let c = 0; c < 2; c++) {
      for (let o = 0; o < cout; o++) {
        for (let i = 0; i < cin; i++) out[i * 4 * cout + (a * 2 + c) * cout + o] = w.data[((a * 2 + c) * cout + o) * cin + i]!;
      }
    }
  }
  return out;
}

/** Writes node i of `graph` as TensorFlow nodes, given the names of the nodes before it; returns its output's name. */
function writeNode(g: GraphDefWriter, graph: InferenceGraph, i: number, names: readonly string[], sides: readonly (number | null)[]): string {
  const node: GraphNode = graph.nodes[i]!;
  const id = `${node.op}_${i}`;
  const x = node.op === 'input' || node.op === 'add' ? '' : names[node.x]!;
  const conv2d = (input: string, filter: string, padding: 'SAME' | 'VALID', name: string) =>
    g.op(name, 'Conv2D', [input, filter], { strides: ints([1, 1, 1, 1]), padding: text(padding), data_format: text('NHWC'), dilations: ints([1, 1, 1, 1]), use_cudnn_on_gpu: { b: true } });
  const biasAdd = (input: string, b: Weight, name: string) => g.op(name, 'BiasAdd', [input, g.floats(b)], { data_format: text('NHWC') });
  switch (node.op) {
    case 'input':
      g.nodes.push({ name: INPUT_NAME, op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: dims([-1, graph.latent]) } } });
      return INPUT_NAME;
    case 'linear':
      return biasAdd(g.op(`${id}/MatMul`, 'MatMul', [x, g.floats(node.w)], { transpose_a: { b: false }, transpose_b: { b: false } }), node.b, id);
    case 'toImage':
      return g.op(id, 'Reshape', [x, g.int32s(`${id}/shape`, [-1, node.side, node.side, node.channels])], { Tshape: { type: 'DT_INT32' } });
    case 'conv': {
      const y = biasAdd(conv2d(x, g.floats(node.w), 'SAME', `${id}/Conv2D`), node.b, node.relu ? `${id}/BiasAdd` : id);
      return node.relu ? g.op(id, 'Relu', [y]) : y;
    }
    case 'deconv': {
      const [, , cout, cin] = node.w.shape as [number, number, number, number];
      const filter = g.floats({ ...node.w, data: depthToSpaceFilter(node.w) }, `${node.w.name}.depth_to_space`, [1, 1, cin, 4 * cout]);
      const spread = g.op(`${id}/DepthToSpace`, 'DepthToSpace', [conv2d(x, filter, 'VALID', `${id}/Conv2D`)], { block_size: { i: '2' }, data_format: text('NHWC') });
      return biasAdd(spread, node.b, id);
    }
    case 'scaleShift':
      return g.op(id, 'AddV2', [g.op(`${id}/Mul`, 'Mul', [x, g.floats(node.scale)]), g.floats(node.shift)]);
    case 'instanceNorm': {
      const axes = g.int32s(`${id}/axes`, [1, 2]);
      const mean = (input: string, name: string) => g.op(name, 'Mean', [input, axes], { keep_dims: { b: true }, Tidx: { type: 'DT_INT32' } });
      const mu = mean(x, `${id}/mean`);
      const variance = mean(g.op(`${id}/SquaredDifference`, 'SquaredDifference', [x, mu]), `${id}/variance`);
      const epsilon = g.floats({ name: `${id}/epsilon`, shape: [], data: Float32Array.of(node.epsilon) });
      const inv = g.op(`${id}/Rsqrt`, 'Rsqrt', [g.op(`${id}/add`, 'AddV2', [variance, epsilon])]);
      return g.op(id, 'Mul', [g.op(`${id}/sub`, 'Sub', [x, mu]), inv]);
    }
    case 'upsample': {
      const side = sides[node.x]! * node.factor;
      const size = g.int32s(`${id}/size`, [side, side]);
      const bilinear = node.mode === 'bilinear';
      return g.op(id, bilinear ? 'ResizeBilinear' : 'ResizeNearestNeighbor', [x, size], { align_corners: { b: false }, half_pixel_centers: { b: bilinear } });
    }
    case 'relu':
      return g.op(id, 'Relu', [x]);
    case 'tanh':
      return g.op(id, 'Tanh', [x]);
    case 'add':
      return g.op(id, 'AddV2', [names[node.a]!, names[node.b]!]);
  }
}

/** model.json and its shards for `graph`; the input is `z` [batch, latent], the output `images` [batch, S, S, C]. */
export function graphModelFiles(graph: InferenceGraph, metadata: ExportMetadata): GraphModelFiles {
  const g = new GraphDefWriter();
  const names: string[] = [];
  const sides = imageSides(graph);
  for (let i = 0; i < graph.nodes.length; i++) names.push(writeNode(g, graph, i, names, sides));
  g.nodes.push({ name: OUTPUT_NAME, op: 'Identity', input: [names[graph.output]!], attr: { T: FLOAT } });
  const bytes = concat(g.data);
  const count = Math.max(1, Math.ceil(bytes.length / SHARD_BYTES));
  const shards = new Map<string, Uint8Array>();
  for (let k = 0; k < count; k++) shards.set(`group1-shard${k + 1}of${count}.bin`, bytes.subarray(k * SHARD_BYTES, (k + 1) * SHARD_BYTES));
  const tensorInfo = (name: string, shape: number[]) => ({ name: `${name}:0`, dtype: 'DT_FLOAT', tensorShape: dims(shape) });
  const side = graph.resolution;
  const modelJson = {
    format: 'graph-model',
    generatedBy: metadata.producer,
    convertedBy: `${metadata.producer} export`,
    modelTopology: { node: g.nodes, library: {}, versions: {} },
    signature: {
      inputs: { [INPUT_NAME]: tensorInfo(INPUT_NAME, [-1, graph.latent]) },
      outputs: { [OUTPUT_NAME]: tensorInfo(OUTPUT_NAME, [-1, side, side, graph.channels]) },
    },
    userDefinedMetadata: metadata,
    weightsManifest: [{ paths: [...shards.keys()], weights: g.manifest }],
  };
  return { modelJson, shards };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
