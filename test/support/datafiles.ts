import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh empty folder under the OS temp dir. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `autogan-${prefix}-`));
}

/** CIFAR-10 binary records: label byte, then R, G, B planes of 32×32, row-major. */
export function cifarRecords(labels: number[], pixel: (i: number, c: number, row: number, col: number) => number): Buffer {
  const rec = 1 + 3072;
  const buf = Buffer.alloc(labels.length * rec);
  labels.forEach((label, i) => {
    buf[i * rec] = label;
    for (let c = 0; c < 3; c++) for (let r = 0; r < 32; r++) for (let x = 0; x < 32; x++) buf[i * rec + 1 + c * 1024 + r * 32 + x] = pixel(i, c, r, x);
  });
  return buf;
}

/** A CIFAR-10 folder of the official layout with `perFile` records per file, labels cycling 0..9. */
export function writeCifarDir(root: string, perFile: number, inSubfolder = true): string {
  const dir = inSubfolder ? join(root, 'cifar-10-batches-bin') : root;
  mkdirSync(dir, { recursive: true });
  const names = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
  names.forEach((name, f) => {
    const labels = Array.from({ length: perFile }, (_, i) => (f * perFile + i) % 10);
    writeFileSync(join(dir, name), cifarRecords(labels, (i, c, r, x) => (f * 31 + i * 7 + c * 50 + r + x) % 256));
  });
  return dir;
}

/** STL-10 images as stored: channel-major, column-major within a channel (byte c·9216 + col·96 + row). */
export function stlImages(n: number, pixel: (i: number, c: number, row: number, col: number) => number): Buffer {
  const buf = Buffer.alloc(n * 3 * 96 * 96);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) for (let col = 0; col < 96; col++) for (let row = 0; row < 96; row++) buf[i * 27648 + c * 9216 + col * 96 + row] = pixel(i, c, row, col);
  }
  return buf;
}

/** An STL-10 folder of the official layout: images whose channels 0 and 1 encode row and column, labels 1..10. */
export function writeStlDir(root: string, counts: { train: number; test: number; unlabeled: number }): string {
  const dir = join(root, 'stl10_binary');
  mkdirSync(dir, { recursive: true });
  const image = (i: number, c: number, row: number, col: number) => (c === 0 ? 2 * row : c === 1 ? 2 * col : i % 256);
  for (const split of ['train', 'test'] as const) {
    writeFileSync(join(dir, `${split}_X.bin`), stlImages(counts[split], image));
    writeFileSync(join(dir, `${split}_y.bin`), Buffer.from(Array.from({ length: counts[split] }, (_, i) => 1 + (i % 10))));
  }
  writeFileSync(join(dir, 'unlabeled_X.bin'), stlImages(counts.unlabeled, image));
  return dir;
}
