import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileError } from '../errors.js';
import { makeDataset, type ImageDataset } from './dataset.js';
import { openRecordFile, resolveDataDir, type RecordFile } from './record-file.js';

/** The folder the official archive (stl10_binary.tar.gz) unpacks to. */
export const STL10_DIR = 'stl10_binary';
export type Stl10Split = 'train' | 'test' | 'unlabeled' | 'train+unlabeled';
/** The splits as stored; 'train+unlabeled' (what AutoGAN trains on for STL-10) is their union. */
export const STL10_SPLITS: readonly Stl10Split[] = ['train', 'test', 'unlabeled'];
export const STL10_OFFICIAL_COUNTS: Record<Stl10Split, number> = { train: 5_000, test: 8_000, unlabeled: 100_000, 'train+unlabeled': 105_000 };

const FILES: Record<Exclude<Stl10Split, 'train+unlabeled'>, { x: string; y: string | null }> = {
  train: { x: 'train_X.bin', y: 'train_y.bin' },
  test: { x: 'test_X.bin', y: 'test_y.bin' },
  unlabeled: { x: 'unlabeled_X.bin', y: null },
};

/** Stored side and the side the paper trains at. */
export const STL10_SOURCE_SIDE = 96;
export const STL10_SIDE = 48;
const SRC_PLANE = STL10_SOURCE_SIDE * STL10_SOURCE_SIDE;
const SRC_IMAGE = 3 * SRC_PLANE;
const DST_IMAGE = STL10_SIDE * STL10_SIDE * 3;
/** Images read per chunk: 1,024 × 27,648 bytes = 28 MB, so the 2.8 GB unlabeled file never sits in memory whole. */
const CHUNK_IMAGES = 1024;

/**
 * Reads one split of the official STL-10 binary version from `root` or `root/stl10_binary`, resized to
 * 48×48 as the paper does, as [N, 48, 48, 3] bytes; labels 1..10 on disk become 0..9.
 * 'train+unlabeled' is the 5,000 training images followed by the 100,000 unlabeled ones, without labels.
 *
 * @example
 * const data = await loadStl10('/data', 'train+unlabeled'); // data.count === 105000 with the official files
 */
export async function loadStl10(root: string, split: Stl10Split): Promise<ImageDataset> {
  const dir = resolveDataDir(root, STL10_DIR);
  const parts = split === 'train+unlabeled' ? (['train', 'unlabeled'] as const) : ([split] as const);
  const xs: RecordFile[] = [];
  for (const p of parts) xs.push(await openRecordFile(join(dir, FILES[p].x), SRC_IMAGE, '3x96x96 image, channel-major, column-major', STL10_OFFICIAL_COUNTS[p]));
  const count = xs.reduce((n, f) => n + f.records, 0);
  const pixels = new Uint8Array(count * DST_IMAGE); // [N, 48, 48, 3]
  let n = 0;
  for (const f of xs) {
    await readImages(f, pixels.subarray(n * DST_IMAGE, (n + f.records) * DST_IMAGE));
    n += f.records;
  }
  const yName = parts.length === 1 ? FILES[parts[0]].y : null;
  const labels = yName === null ? null : await readLabels(join(dir, yName), xs[0]!, STL10_OFFICIAL_COUNTS[split]);
  return makeDataset({ name: 'stl10', split, count, height: STL10_SIDE, width: STL10_SIDE, channels: 3, pixels, labels, numClasses: 10 });
}

async function readImages(f: RecordFile, out: Uint8Array): Promise<void> {
  const fh = await open(f.path, 'r');
  try {
    const chunk = Buffer.alloc(Math.min(CHUNK_IMAGES, f.records) * SRC_IMAGE);
    for (let first = 0; first < f.records; first += CHUNK_IMAGES) {
      const k = Math.min(CHUNK_IMAGES, f.records - first);
      const want = k * SRC_IMAGE;
      let got = 0;
      while (got < want) {
        const { bytesRead } = await fh.read(chunk, got, want - got, first * SRC_IMAGE + got);
        if (bytesRead === 0) throw fileError(f.path, `ended at byte ${first * SRC_IMAGE + got} while being read; expected ${f.records * SRC_IMAGE} bytes`);
        got += bytesRead;
      }
      for (let i = 0; i < k; i++) downsampleStlImage(chunk, i * SRC_IMAGE, out, (first + i) * DST_IMAGE);
    }
  } finally {
    await fh.close();
  }
}

async function readLabels(path: string, images: RecordFile, officialCount: number): Promise<Uint8Array> {
  const f = await openRecordFile(path, 1, `one label byte 1..10 per image of ${images.path}`, officialCount);
  if (f.records !== images.records) {
    throw fileError(path, `size ${f.records} bytes, expected ${images.records} (one label byte per image of ${images.path})`);
  }
  const fh = await open(path, 'r');
  const labels = new Uint8Array(f.records);
  try {
    const { bytesRead } = await fh.read(labels, 0, f.records, 0);
    if (bytesRead !== f.records) throw fileError(path, `changed size while being read`);
  } finally {
    await fh.close();
  }
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 1 || l > 10) throw fileError(path, `label ${i} is ${l}, expected 1..10`);
    labels[i] = l - 1;
  }
  return labels;
}

/**
 * Converts one stored STL-10 image to 48×48 HWC bytes by 2×2 area averaging (each output pixel is the
 * rounded mean of the 2×2 source block it covers, which is what an area resize by exactly one half computes).
 * The source is channel-major and column-major within a channel: pixel (row y, column x) of channel c is
 * byte c·9216 + x·96 + y.
 */
export function downsampleStlImage(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number): void {
  const S = STL10_SOURCE_SIDE;
  for (let c = 0; c < 3; c++) {
    const plane = srcOffset + c * SRC_PLANE;
    for (let x = 0; x < STL10_SIDE; x++) {
      const col0 = plane + 2 * x * S;
      const col1 = col0 + S;
      for (let y = 0; y < STL10_SIDE; y++) {
        const r = 2 * y;
        const sum = src[col0 + r]! + src[col0 + r + 1]! + src[col1 + r]! + src[col1 + r + 1]!;
        dst[dstOffset + (y * STL10_SIDE + x) * 3 + c] = (sum + 2) >> 2;
      }
    }
  }
}
