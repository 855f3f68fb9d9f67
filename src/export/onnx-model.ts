/**
 * An inference graph as an ONNX model (https://onnx.ai/onnx/repo-docs/IR.html), written as its protobuf with
 * our own ProtoWriter: IR version 8, opset 17 of the default domain (ONNX 1.12), in which every operator used
 * here has its present form.
 * Images are NCHW, as ONNX's Conv wants them; the stem's weight columns are reordered so that its output
 * reshapes straight to [B, C, s, s]. Ops: Gemm, Reshape, Conv, ConvTranspose, Mul, Add,
 * InstanceNormalization, Resize, Relu, Tanh. The latent size, resolution and channels are metadata_props.
 */
import { ProtoWriter } from '../util/protobuf-writer.js';
import type { GraphNode, InferenceGraph, Weight } from './inference-graph.js';
import { INPUT_NAME, OUTPUT_NAME, type ExportMetadata } from './export-metadata.js';

export const ONNX_OPSET = 17;
export const ONNX_FILE = 'model.onnx';
const IR_VERSION = 8;

/** TensorProto.DataType and AttributeProto.AttributeType values used here. */
const FLOAT = 1;
const INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

type Attribute = { name: string } & ({ f: number } | { i: number } | { s: string } | { ints: readonly number[] });

function attribute(a: Attribute): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name);
  if ('f' in a) return w.float(2, a.f).varint(20, ATTR.FLOAT);
  if ('i' in a) return w.varint(3, a.i).varint(20, ATTR.INT);
  if ('s' in a) return w.string(4, a.s).varint(20, ATTR.STRING);
  return w.packedVarints(8, a.ints).varint(20, ATTR.INTS);
}

function tensor(name: string, dims: readonly number[], type: typeof FLOAT | typeof INT64, raw: Float32Array | BigInt64Array): ProtoWriter {
  return new ProtoWriter().packedVarints(1, dims).varint(2, type).string(8, name).bytes(9, new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
}

/** A float input or output whose first axis is the batch: dims given as numbers, the batch as a name. */
function valueInfo(name: string, dims: readonly (number | string)[]): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().varint(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

/** Reorders an array of `shape` to the axes `perm` (the ONNX layouts of our NHWC-era weights). */
function transposed(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const outShape = perm.map((p) => shape[p]!);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += index[k]! * strides[perm[k]!]!;
    out[o] = data[src]!;
    for (let k = perm.length - 1; k >= 0 && ++index[k]! === outShape[k]; k--) index[k] = 0;
  }
  return out;
}

class OnnxGraphWriter {
  readonly nodes: ProtoWriter[] = [];
  readonly initializers: ProtoWriter[] = [];

  op(output: string, type: string, inputs: readonly string[], attributes: readonly Attribute[] = []): string {
    const w = new ProtoWriter();
    for (const i of inputs) w.string(1, i);
    w.string(2, output).string(3, output).string(4, type);
    for (const a of attributes) w.message(5, attribute(a));
    this.nodes.push(w);
    return output;
  }

  floats(name: string, dims: readonly number[], data: Float32Array): string {
    this.initializers.push(tensor(name, dims, FLOAT, data));
    return name;
  }

  int64s(name: string, values: readonly number[]): string {
    this.initializers.push(tensor(name, [values.length], INT64, BigInt64Array.from(values.map(BigInt))));
    return name;
  }

  /** A per-channel vector as [C, 1, 1], which broadcasts over an NCHW image. */
  channelwise(w: Weight): string {
    return this.floats(w.name, [w.data.length, 1, 1], w.data);
  }
}

/** The stem's [latent, s·s·C] weight and bias with columns in C, y, x order (NCHW) instead of y, x, C. */
function stemToNchw(w: Weight, b: Weight, side: number, channels: number): { w: Float32Array; b: Float32Array } {
  const [rows, cols] = w.shape as [number, number];
  const column = (nhwc: number) => {
    const c = nhwc % channels;
    const yx = (nhwc - c) / channels;
    return c * side * side + yx;
  };
  const wOut = new Float32Array(w.data.length);
  const bOut = new Float32Array(cols);
  for (let j = 0; j < cols; j++) {
    const to = column(j);
    bOut[to] = b.data[j]!;
    for (let r = 0; r < rows; r++) wOut[r * cols + to] = w.data[r * cols + j]!;
  }
  return { w: wOut, b: bOut };
}

function writeNode(g: OnnxGraphWriter, graph: InferenceGraph, i: number, names: readonly string[]): string {
  const node: GraphNode = graph.nodes[i]!;
  const id = `${node.op}_${i}`;
  const x = node.op === 'input' || node.op === 'add' ? '' : names[node.x]!;
  const conv = (w: Weight, b: Weight, name: string) => {
    const [k, , cin, cout] = w.shape as [number, number, number, number];
    const pad = (k - 1) / 2;
    const filter = g.floats(w.name, [cout, cin, k, k], transposed(w.data, w.shape, [3, 2, 0, 1]));
    return g.op(name, 'Conv', [x, filter, g.floats(b.name, [cout], b.data)], [{ name: 'kernel_shape', ints: [k, k] }, { name: 'pads', ints: [pad, pad, pad, pad] }]);
  };
  switch (node.op) {
    case 'input':
      return INPUT_NAME;
    case 'linear': {
      // The stem feeds a toImage: its columns are laid out for the NCHW reshape that follows.
      const next = graph.nodes[i + 1];
      if (next?.op !== 'toImage' || next.x !== i) throw new Error('export: the stem must be followed by its reshape to an image');
      const { w, b } = stemToNchw(node.w, node.b, next.side, next.channels);
      return g.op(id, 'Gemm', [x, g.floats(node.w.name, node.w.shape, w), g.floats(node.b.name, node.b.shape, b)]);
    }
    case 'toImage':
      return g.op(id, 'Reshape', [x, g.int64s(`${id}/shape`, [-1, node.channels, node.side, node.side])]);
    case 'conv': {
      const y = conv(node.w, node.b, node.relu ? `${id}/Conv` : id);
      return node.relu ? g.op(id, 'Relu', [y]) : y;
    }
    case 'deconv': {
      const [, , cout, cin] = node.w.shape as [number, number, number, number];
      const filter = g.floats(node.w.name, [cin, cout, 2, 2], transposed(node.w.data, node.w.shape, [3, 2, 0, 1]));
      return g.op(id, 'ConvTranspose', [x, filter, g.floats(node.b.name, [cout], node.b.data)], [{ name: 'kernel_shape', ints: [2, 2] }, { name: 'strides', ints: [2, 2] }]);
    }
    case 'scaleShift':
      return g.op(id, 'Add', [g.op(`${id}/Mul`, 'Mul', [x, g.channelwise(node.scale)]), g.channelwise(node.shift)]);
    case 'instanceNorm': {
      const c = channelsOf(graph, i);
      const ones = g.floats(`${id}/scale`, [c], new Float32Array(c).fill(1));
      const zeros = g.floats(`${id}/bias`, [c], new Float32Array(c));
      return g.op(id, 'InstanceNormalization', [x, ones, zeros], [{ name: 'epsilon', f: node.epsilon }]);
    }
    case 'upsample': {
      const scales = g.floats(`${id}/scales`, [4], Float32Array.of(1, 1, node.factor, node.factor));
      const mode: Attribute[] = node.mode === 'bilinear'
        ? [{ name: 'mode', s: 'linear' }, { name: 'coordinate_transformation_mode', s: 'half_pixel' }]
        : [{ name: 'mode', s: 'nearest' }, { name: 'coordinate_transformation_mode', s: 'asymmetric' }, { name: 'nearest_mode', s: 'floor' }];
      return g.op(id, 'Resize', [x, '', scales], mode);
    }
    case 'relu':
      return g.op(id, 'Relu', [x]);
    case 'tanh':
      return g.op(id, 'Tanh', [x]);
    case 'add':
      return g.op(id, 'Add', [names[node.a]!, names[node.b]!]);
  }
}

/** Channels of node i's images: the last conv or deconv before it decides them, else the stem's reshape. */
function channelsOf(graph: InferenceGraph, i: number): number {
  for (let j = i; ; ) {
    const n = graph.nodes[j]!;
    if (n.op === 'conv' || n.op === 'deconv') return n.b.data.length;
    if (n.op === 'toImage') return n.channels;
    if (n.op === 'input' || n.op === 'linear') throw new Error(`export: node ${i} is not an image`);
    j = n.op === 'add' ? n.a : n.x;
  }
}

/** model.onnx's bytes: input `z` [batch, latent], output `images` [batch, C, S, S] in [−1, 1]. */
export function onnxModelBytes(graph: InferenceGraph, metadata: ExportMetadata): Uint8Array {
  const g = new OnnxGraphWriter();
  const names: string[] = [];
  for (let i = 0; i < graph.nodes.length; i++) names.push(writeNode(g, graph, i, names));
  const last = names[graph.output]!;
  g.op(OUTPUT_NAME, 'Identity', [last]);
  const graphProto = new ProtoWriter();
  for (const n of g.nodes) graphProto.message(1, n);
  graphProto.string(2, `autogan generator ${metadata.arch}`);
  for (const t of g.initializers) graphProto.message(5, t);
  graphProto.message(11, valueInfo(INPUT_NAME, ['batch', graph.latent]));
  graphProto.message(12, valueInfo(OUTPUT_NAME, ['batch', graph.channels, graph.resolution, graph.resolution]));
  const model = new ProtoWriter()
    .varint(1, IR_VERSION)
    .string(2, metadata.producer)
    .message(7, graphProto)
    .message(8, new ProtoWriter().string(1, '').varint(2, ONNX_OPSET));
  for (const [key, value] of Object.entries(metadata)) model.message(14, new ProtoWriter().string(1, key).string(2, String(value)));
  return model.finish();
}
