import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileError } from '../errors.js';
import { makeDataset, type ImageDataset } from './dataset.js';
import { openRecordFile, resolveDataDir } from './record-file.js';

/** The folder the official archive (cifar-10-binary.tar.gz) unpacks to. */
export const CIFAR10_DIR = 'cifar-10-batches-bin';
export const CIFAR10_FILES = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
} as const;
export type Cifar10Split = keyof typeof CIFAR10_FILES;
export const CIFAR10_SPLITS: readonly Cifar10Split[] = ['train', 'test'];
/** Images per split in the official files (10,000 per file). */
export const CIFAR10_OFFICIAL_COUNTS: Record<Cifar10Split, number> = { train: 50_000, test: 10_000 };

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/**
 * Reads one split of the official CIFAR-10 binary version from `root` or `root/cifar-10-batches-bin`.
 * Each record is 1 label byte (0..9) then 3,072 bytes: the R, G and B planes, each 32×32 row-major;
 * they are interleaved here into [N, 32, 32, 3].
 *
 * @example
 * const train = await loadCifar10('/data', 'train'); // train.count === 50000 with the official files
 */
export async function loadCifar10(root: string, split: Cifar10Split): Promise<ImageDataset> {
  const dir = resolveDataDir(root, CIFAR10_DIR);
  const files = [];
  for (const name of CIFAR10_FILES[split]) {
    files.push(await openRecordFile(join(dir, name), RECORD, 'label byte + 32x32x3 image', 10_000));
  }
  const count = files.reduce((n, f) => n + f.records, 0);
  const pixels = new Uint8Array(count * 3 * PLANE); // [N, 32, 32, 3]
  const labels = new Uint8Array(count);
  let n = 0;
  for (const f of files) {
    const bytes = await readFile(f.path);
    if (bytes.length !== f.records * RECORD) throw fileError(f.path, `changed size while being read`);
    for (let r = 0; r < f.records; r++, n++) {
      const rec = r * RECORD;
      const label = bytes[rec]!;
      if (label > 9) throw fileError(f.path, `record ${r} has label ${label}, expected 0..9`);
      labels[n] = label;
      const dst = n * 3 * PLANE;
      for (let p = 0; p < PLANE; p++) {
        pixels[dst + 3 * p] = bytes[rec + 1 + p]!;
        pixels[dst + 3 * p + 1] = bytes[rec + 1 + PLANE + p]!;
        pixels[dst + 3 * p + 2] = bytes[rec + 1 + 2 * PLANE + p]!;
      }
    }
  }
  return makeDataset({ name: 'cifar10', split, count, height: SIDE, width: SIDE, channels: 3, pixels, labels, numClasses: 10 });
}
