/**
 * The topology of TensorFlow's `inception-2015-12-05` graph (`classify_image_graph_def.pb`), by node name:
 * the network that the improved-GAN Inception Score, TTUR's FID and AutoGAN's evaluation run. Layer
 * names, kernel shapes, strides and padding are the graph's own; each conv is followed by a
 * BatchNormWithGlobalNormalization and a ReLU. Where this graph differs from a stock Inception-v3 (and
 * from torchvision's), as the PyTorch FID ports document:
 *  - the average pools of the mixed blocks' `tower_2` are TF 'SAME' pools, whose mean leaves the padding
 *    out of the count;
 *  - `mixed_10/tower_2/pool` is a max pool where Inception-v3 has an average pool.
 * The loader checks the file against this description; the network computes exactly this.
 */

export type Padding = 'SAME' | 'VALID';

/** A conv2d_params (HWIO) + batch norm + ReLU layer. */
export interface ConvLayer {
  readonly kind: 'conv';
  readonly name: string;
  readonly kernel: readonly [number, number]; // [kh, kw]
  readonly cin: number;
  readonly cout: number;
  readonly stride: number;
  readonly padding: Padding;
}

export interface PoolLayer {
  readonly kind: 'pool';
  readonly name: string;
  readonly op: 'MaxPool' | 'AvgPool';
  readonly size: number;
  readonly stride: number;
  readonly padding: Padding;
}

export type Layer = ConvLayer | PoolLayer;

/** One branch of a mixed block: a chain of layers, optionally ending in parallel convs that are concatenated. */
export interface Tower {
  readonly layers: readonly Layer[];
  /** The `.../mixed/conv`, `.../mixed/conv_1` pair of mixed_9 and mixed_10, both applied to the chain's output. */
  readonly split?: readonly ConvLayer[];
}

/** A mixed block: its towers' outputs concatenated along channels, in this order (the graph's `join`). */
export interface Block {
  readonly name: string;
  readonly towers: readonly Tower[];
}

function conv(name: string, kh: number, kw: number, cin: number, cout: number, stride = 1, padding: Padding = 'SAME'): ConvLayer {
  return { kind: 'conv', name, kernel: [kh, kw], cin, cout, stride, padding };
}

function pool(name: string, op: PoolLayer['op'], size: number, stride: number, padding: Padding): PoolLayer {
  return { kind: 'pool', name, op, size, stride, padding };
}

/** 35×35 blocks (torchvision's InceptionA): 1×1, 5×5, double 3×3, and a pooled 1×1 tower. */
function blockA(name: string, cin: number, poolFeatures: number): Block {
  return {
    name,
    towers: [
      { layers: [conv(`${name}/conv`, 1, 1, cin, 64)] },
      { layers: [conv(`${name}/tower/conv`, 1, 1, cin, 48), conv(`${name}/tower/conv_1`, 5, 5, 48, 64)] },
      {
        layers: [
          conv(`${name}/tower_1/conv`, 1, 1, cin, 64),
          conv(`${name}/tower_1/conv_1`, 3, 3, 64, 96),
          conv(`${name}/tower_1/conv_2`, 3, 3, 96, 96),
        ],
      },
      { layers: [pool(`${name}/tower_2/pool`, 'AvgPool', 3, 1, 'SAME'), conv(`${name}/tower_2/conv`, 1, 1, cin, poolFeatures)] },
    ],
  };
}

/** 17×17 blocks (InceptionC): factorised 7×7 towers of width `c7`. */
function blockC(name: string, c7: number): Block {
  return {
    name,
    towers: [
      { layers: [conv(`${name}/conv`, 1, 1, 768, 192)] },
      {
        layers: [
          conv(`${name}/tower/conv`, 1, 1, 768, c7),
          conv(`${name}/tower/conv_1`, 1, 7, c7, c7),
          conv(`${name}/tower/conv_2`, 7, 1, c7, 192),
        ],
      },
      {
        layers: [
          conv(`${name}/tower_1/conv`, 1, 1, 768, c7),
          conv(`${name}/tower_1/conv_1`, 7, 1, c7, c7),
          conv(`${name}/tower_1/conv_2`, 1, 7, c7, c7),
          conv(`${name}/tower_1/conv_3`, 7, 1, c7, c7),
          conv(`${name}/tower_1/conv_4`, 1, 7, c7, 192),
        ],
      },
      { layers: [pool(`${name}/tower_2/pool`, 'AvgPool', 3, 1, 'SAME'), conv(`${name}/tower_2/conv`, 1, 1, 768, 192)] },
    ],
  };
}

/** 8×8 blocks (InceptionE): towers that split into 1×3 and 3×1 convs; `poolOp` differs between the two. */
function blockE(name: string, cin: number, poolOp: PoolLayer['op']): Block {
  return {
    name,
    towers: [
      { layers: [conv(`${name}/conv`, 1, 1, cin, 320)] },
      {
        layers: [conv(`${name}/tower/conv`, 1, 1, cin, 384)],
        split: [conv(`${name}/tower/mixed/conv`, 1, 3, 384, 384), conv(`${name}/tower/mixed/conv_1`, 3, 1, 384, 384)],
      },
      {
        layers: [conv(`${name}/tower_1/conv`, 1, 1, cin, 448), conv(`${name}/tower_1/conv_1`, 3, 3, 448, 384)],
        split: [conv(`${name}/tower_1/mixed/conv`, 1, 3, 384, 384), conv(`${name}/tower_1/mixed/conv_1`, 3, 1, 384, 384)],
      },
      { layers: [pool(`${name}/tower_2/pool`, poolOp, 3, 1, 'SAME'), conv(`${name}/tower_2/conv`, 1, 1, cin, 192)] },
    ],
  };
}

/** 299×299×3 → 35×35×192. */
const STEM: readonly Layer[] = [
  conv('conv', 3, 3, 3, 32, 2, 'VALID'),
  conv('conv_1', 3, 3, 32, 32, 1, 'VALID'),
  conv('conv_2', 3, 3, 32, 64, 1, 'SAME'),
  pool('pool', 'MaxPool', 3, 2, 'VALID'),
  conv('conv_3', 1, 1, 64, 80, 1, 'VALID'),
  conv('conv_4', 3, 3, 80, 192, 1, 'VALID'),
  pool('pool_1', 'MaxPool', 3, 2, 'VALID'),
];

const BLOCKS: readonly Block[] = [
  blockA('mixed', 192, 32), // → 256
  blockA('mixed_1', 256, 64), // → 288
  blockA('mixed_2', 288, 64), // → 288
  {
    name: 'mixed_3', // 35 → 17, → 768 (InceptionB)
    towers: [
      { layers: [conv('mixed_3/conv', 3, 3, 288, 384, 2, 'VALID')] },
      {
        layers: [
          conv('mixed_3/tower/conv', 1, 1, 288, 64),
          conv('mixed_3/tower/conv_1', 3, 3, 64, 96),
          conv('mixed_3/tower/conv_2', 3, 3, 96, 96, 2, 'VALID'),
        ],
      },
      { layers: [pool('mixed_3/pool', 'MaxPool', 3, 2, 'VALID')] },
    ],
  },
  blockC('mixed_4', 128),
  blockC('mixed_5', 160),
  blockC('mixed_6', 160),
  blockC('mixed_7', 192),
  {
    name: 'mixed_8', // 17 → 8, → 1280 (InceptionD)
    towers: [
      { layers: [conv('mixed_8/tower/conv', 1, 1, 768, 192), conv('mixed_8/tower/conv_1', 3, 3, 192, 320, 2, 'VALID')] },
      {
        layers: [
          conv('mixed_8/tower_1/conv', 1, 1, 768, 192),
          conv('mixed_8/tower_1/conv_1', 1, 7, 192, 192),
          conv('mixed_8/tower_1/conv_2', 7, 1, 192, 192),
          conv('mixed_8/tower_1/conv_3', 3, 3, 192, 192, 2, 'VALID'),
        ],
      },
      { layers: [pool('mixed_8/pool', 'MaxPool', 3, 2, 'VALID')] },
    ],
  },
  blockE('mixed_9', 1280, 'AvgPool'), // → 2048
  blockE('mixed_10', 2048, 'MaxPool'), // → 2048
];

/** The whole graph, from the preprocessing constants to the softmax weights. */
export const INCEPTION_GRAPH = {
  /** Preprocessing nodes: images (0..255) → ResizeBilinear to `ResizeBilinear/size` → − `Sub/y` → × `Mul/y`. */
  resize: 'ResizeBilinear',
  resizeSize: 'ResizeBilinear/size',
  sub: 'Sub/y',
  mul: 'Mul/y',
  imageSize: 299,
  stem: STEM,
  blocks: BLOCKS,
  /** 8×8×2048 → 1×1×2048: the FID features. */
  finalPool: pool('pool_3', 'AvgPool', 8, 1, 'VALID'),
  /** [2048, 1008]: the Inception Score's logits are pool_3 × these weights, without the biases. */
  softmaxWeights: 'softmax/weights',
  featureDim: 2048,
  numClasses: 1008,
} as const;

/** Every conv layer, in the order the network runs them. */
export function convLayers(): ConvLayer[] {
  const out: ConvLayer[] = [];
  const add = (layers: readonly Layer[]) => layers.forEach((l) => l.kind === 'conv' && out.push(l));
  add(INCEPTION_GRAPH.stem);
  for (const b of INCEPTION_GRAPH.blocks) for (const t of b.towers) add([...t.layers, ...(t.split ?? [])]);
  return out;
}

/** Every pool layer, in the order the network runs them. */
export function poolLayers(): PoolLayer[] {
  const out: PoolLayer[] = [];
  const add = (layers: readonly Layer[]) => layers.forEach((l) => l.kind === 'pool' && out.push(l));
  add(INCEPTION_GRAPH.stem);
  for (const b of INCEPTION_GRAPH.blocks) for (const t of b.towers) add(t.layers);
  out.push(INCEPTION_GRAPH.finalPool);
  return out;
}

/** The Const nodes of one conv layer: its HWIO filter and its batch norm's four vectors. */
export function convWeightNames(layer: ConvLayer): { params: string; beta: string; gamma: string; mean: string; variance: string } {
  const bn = `${layer.name}/batchnorm`;
  return {
    params: `${layer.name}/conv2d_params`,
    beta: `${bn}/beta`,
    gamma: `${bn}/gamma`,
    mean: `${bn}/moving_mean`,
    variance: `${bn}/moving_variance`,
  };
}
