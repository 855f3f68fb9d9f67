/**
 * A derived generator as a graph of inference operations with their weights, recorded from the generator's own
 * forward pass (Generator.build) and written out by each format's writer (tfjs-graph-model.ts, onnx-model.ts).
 * Batch norm is in its inference form: a per-channel scale and shift from the running statistics, folded into
 * the conv before it where there is one. Images are NHWC here; a writer lays them out as its format wants.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../backend/ops.js';
import { cellCount, type Arch } from '../nn/arch.js';
import type { Generator, GeneratorOps, InterpolationMode } from '../nn/generator.js';
import { NORM_EPSILON, type BatchNorm, type Conv, type Deconv, type Linear } from '../nn/layers.js';

export interface Weight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** One operation; inputs are indices of earlier nodes. */
export type GraphNode =
  | { readonly op: 'input' }
  /** x · w + b; w is [in, out]. */
  | { readonly op: 'linear'; readonly x: number; readonly w: Weight; readonly b: Weight }
  /** [B, side·side·channels] → [B, side, side, channels]. */
  | { readonly op: 'toImage'; readonly x: number; readonly side: number; readonly channels: number }
  /** Stride-1 'same' conv, odd kernel; w is [k, k, Cin, Cout]. */
  | { readonly op: 'conv'; readonly x: number; readonly w: Weight; readonly b: Weight; readonly relu: boolean }
  /** Transposed conv, kernel 2, stride 2; w is [2, 2, Cout, Cin]: out[2i+a, 2j+c, o] = Σ x[i, j, :]·w[a, c, o, :] + b[o]. */
  | { readonly op: 'deconv'; readonly x: number; readonly w: Weight; readonly b: Weight }
  /** x · scale + shift per channel: batch norm with running statistics. */
  | { readonly op: 'scaleShift'; readonly x: number; readonly scale: Weight; readonly shift: Weight }
  | { readonly op: 'instanceNorm'; readonly x: number; readonly epsilon: number }
  /** Half-pixel centres for bilinear; nearest takes input ⌊i / factor⌋. */
  | { readonly op: 'upsample'; readonly x: number; readonly factor: number; readonly mode: InterpolationMode }
  | { readonly op: 'relu' | 'tanh'; readonly x: number }
  | { readonly op: 'add'; readonly a: number; readonly b: number };

export interface InferenceGraph {
  /** In order: every node's inputs come before it; node 0 is the latent input. */
  readonly nodes: readonly GraphNode[];
  readonly output: number;
  readonly latent: number;
  readonly resolution: number;
  readonly channels: number;
}

/** The node indices a node reads. */
export function nodeInputs(node: GraphNode): number[] {
  if (node.op === 'input') return [];
  if (node.op === 'add') return [node.a, node.b];
  return [node.x];
}

/** The side of each node's images (null for the latent and the stem's output, which are not images). */
export function imageSides(g: InferenceGraph): (number | null)[] {
  const sides: (number | null)[] = [];
  for (const n of g.nodes) {
    if (n.op === 'input' || n.op === 'linear') sides.push(null);
    else if (n.op === 'toImage') sides.push(n.side);
    else if (n.op === 'upsample') sides.push(sides[n.x]! * n.factor);
    else if (n.op === 'deconv') sides.push(sides[n.x]! * 2);
    else sides.push(sides[nodeInputs(n)[0]!]!);
  }
  return sides;
}

function weight(name: string, v: tf.Tensor): Weight {
  return { name, shape: v.shape, data: (v.dataSync() as Float32Array).slice() };
}

/** Records `G` running `arch` in inference mode. */
export function recordGenerator(G: Generator, arch: Arch): InferenceGraph {
  const nodes: GraphNode[] = [{ op: 'input' }];
  const add = (node: GraphNode) => nodes.push(node) - 1;
  const activate = (x: number, activation: Activation) => (activation === 'relu' ? add({ op: 'relu', x }) : x);
  const ops: GeneratorOps<number> = {
    linear: (layer: Linear, x) => add({ op: 'linear', x, w: weight(`${layer.name}.w`, layer.w), b: weight(`${layer.name}.b`, layer.b!) }),
    toImage: (x, s, channels) => add({ op: 'toImage', x, side: s, channels }),
    conv: (layer: Conv, x, activation) => add({ op: 'conv', x, w: weight(`${layer.name}.w`, layer.w), b: weight(`${layer.name}.b`, layer.b), relu: activation === 'relu' }),
    deconv: (layer: Deconv, x) => add({ op: 'deconv', x, w: weight(`${layer.name}.w`, layer.w), b: weight(`${layer.name}.b`, layer.b) }),
    batchNorm: (layer: BatchNorm, x, activation) => activate(add({ op: 'scaleShift', x, ...inferenceForm(layer) }), activation),
    instanceNorm: (x, activation) => activate(add({ op: 'instanceNorm', x, epsilon: NORM_EPSILON }), activation),
    upsample: (x, factor, mode) => add({ op: 'upsample', x, factor, mode }),
    relu: (x) => add({ op: 'relu', x }),
    tanh: (x) => add({ op: 'tanh', x }),
    add: (a, b) => add({ op: 'add', a, b }),
  };
  const output = G.build(ops, 0, arch);
  const graph = { nodes, output, latent: G.dims.latent, resolution: G.resolution(cellCount(arch)), channels: G.dims.channels };
  return foldBatchNorms(graph);
}

/** scale = γ / √(running var + ε), shift = β − running mean · scale, in double precision. */
function inferenceForm(bn: BatchNorm): { scale: Weight; shift: Weight } {
  const [gamma, beta, mean, variance] = [bn.gamma, bn.beta, bn.runningMean, bn.runningVar].map((v) => v.dataSync());
  const c = gamma!.length;
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    const s = gamma![i]! / Math.sqrt(variance![i]! + NORM_EPSILON);
    scale[i] = s;
    shift[i] = beta![i]! - mean![i]! * s;
  }
  return { scale: { name: `${bn.name}.scale`, shape: [c], data: scale }, shift: { name: `${bn.name}.shift`, shape: [c], data: shift } };
}

type ConvNode = Extract<GraphNode, { op: 'conv' }>;

/**
 * Folds each scale-and-shift into the conv that feeds only it (post-activation blocks): w·scale per output
 * channel, b·scale + shift. The folded conv keeps its place; later nodes are renumbered.
 */
function foldBatchNorms(g: InferenceGraph): InferenceGraph {
  const uses = new Array<number>(g.nodes.length).fill(0);
  for (const n of g.nodes) for (const i of nodeInputs(n)) uses[i]!++;
  const nodes: GraphNode[] = [];
  const index: number[] = [];
  const at = (i: number) => index[i]!;
  g.nodes.forEach((n, i) => {
    const source = n.op === 'scaleShift' ? g.nodes[n.x]! : null;
    if (n.op === 'scaleShift' && source?.op === 'conv' && !source.relu && uses[n.x] === 1) {
      const conv = nodes[at(n.x)] as ConvNode;
      nodes[at(n.x)] = { ...conv, ...folded(conv, n.scale, n.shift) };
      index[i] = at(n.x);
      return;
    }
    index[i] = nodes.length;
    nodes.push(renumber(n, at));
  });
  return { ...g, nodes, output: at(g.output) };
}

function renumber(n: GraphNode, at: (i: number) => number): GraphNode {
  if (n.op === 'input') return n;
  if (n.op === 'add') return { ...n, a: at(n.a), b: at(n.b) };
  return { ...n, x: at(n.x) };
}

function folded(conv: ConvNode, scale: Weight, shift: Weight): { w: Weight; b: Weight } {
  const cout = conv.b.data.length;
  // Cout is the weight's last axis.
  const w = conv.w.data.map((v, i) => v * scale.data[i % cout]!);
  const b = conv.b.data.map((v, o) => v * scale.data[o]! + shift.data[o]!);
  return { w: { ...conv.w, name: `${conv.w.name}.bn_folded`, data: w }, b: { ...conv.b, name: `${conv.b.name}.bn_folded`, data: b } };
}
