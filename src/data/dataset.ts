/** The data sets this project reads. */
export const DATASET_NAMES = ['mnist', 'cifar10', 'stl10'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/**
 * One split of an image data set, held in memory as bytes.
 *
 * Pixels stay uint8 (0..255) at the target size and are converted to float per minibatch
 * (`gatherBatch`): STL-10's 105,000 training images at 48×48×3 are 0.73 GB as bytes but would be
 * 2.9 GB as float32. Every data set uses the same layout so the trainer sees one type.
 */
export interface ImageDataset {
  readonly name: DatasetName;
  /** 'train' | 'test' | 'unlabeled' | 'train+unlabeled' */
  readonly split: string;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** [N, H, W, C] row-major, 0..255; background/black is 0. */
  readonly pixels: Uint8Array;
  /** [N] class index 0..numClasses-1, or null for unlabeled images. */
  readonly labels: Uint8Array | null;
  readonly numClasses: number;
}

/** Checks the buffers agree with the declared shape; a mismatch is a bug in a reader, not bad input. */
export function makeDataset(d: ImageDataset): ImageDataset {
  const per = d.height * d.width * d.channels;
  if (d.pixels.length !== d.count * per) {
    throw new Error(`${d.name}/${d.split}: ${d.pixels.length} pixel bytes for ${d.count} images of ${d.height}x${d.width}x${d.channels}`);
  }
  if (d.labels && d.labels.length !== d.count) throw new Error(`${d.name}/${d.split}: ${d.labels.length} labels for ${d.count} images`);
  return d;
}

/** byte → [-1, 1], tabulated: a lookup is several times faster than dividing per pixel. */
const UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 127.5 - 1);

/**
 * The images at `indices` as one float32 batch in [-1, 1] (byte / 127.5 - 1: 0 → -1, 255 → 1), laid out [B, H, W, C] (NHWC, as tfjs wants).
 * Pass `out` to reuse a buffer of exactly B·H·W·C floats.
 */
export function gatherBatch(ds: ImageDataset, indices: ArrayLike<number>, out?: Float32Array): Float32Array {
  const per = ds.height * ds.width * ds.channels;
  const batch = out ?? new Float32Array(indices.length * per);
  if (batch.length !== indices.length * per) throw new Error(`gatherBatch: out has ${batch.length} floats, need ${indices.length * per}`);
  const px = ds.pixels;
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b]!;
    if (!(i >= 0 && i < ds.count)) throw new Error(`gatherBatch: index ${i} outside 0..${ds.count - 1}`);
    const src = i * per;
    const dst = b * per;
    for (let k = 0; k < per; k++) batch[dst + k] = UNIT[px[src + k]!]!;
  }
  return batch;
}

/** The labels at `indices`, or null for an unlabeled set. */
export function gatherLabels(ds: ImageDataset, indices: ArrayLike<number>): Uint8Array | null {
  if (!ds.labels) return null;
  const out = new Uint8Array(indices.length);
  for (let b = 0; b < indices.length; b++) out[b] = ds.labels[indices[b]!]!;
  return out;
}

/** How many images carry each class label; null for an unlabeled set. */
export function labelHistogram(ds: ImageDataset): number[] | null {
  if (!ds.labels) return null;
  const h = new Array<number>(ds.numClasses).fill(0);
  for (const l of ds.labels) h[l]!++;
  return h;
}
