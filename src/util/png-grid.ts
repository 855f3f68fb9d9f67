import { PNG } from 'pngjs';
import { writeFileAtomic } from './atomic-write.js';

/** Maps [-1, 1] to 0..255 as the reference does: ×127.5 + 127.5, clamped, truncated. */
export function toByte(v: number): number {
  return Math.trunc(Math.min(255, Math.max(0, v * 127.5 + 127.5)));
}

/**
 * Writes images [N, H, W, C] (C = 1 or 3, values in [-1, 1]) as one PNG grid, `columns` wide with a 2 px
 * border. Atomic: a crash never leaves a half-written PNG.
 */
export function writeImageGrid(path: string, images: Float32Array, shape: readonly [number, number, number, number], columns = 8): void {
  const [n, h, w, c] = shape;
  if (c !== 1 && c !== 3) throw new Error(`image grid: ${c} channels; expected 1 or 3`);
  const cols = Math.min(columns, n);
  const rows = Math.ceil(n / cols);
  const pad = 2;
  const png = new PNG({ width: cols * (w + pad) + pad, height: rows * (h + pad) + pad });
  png.data.fill(255);
  for (let i = 0; i < n; i++) {
    const ox = pad + (i % cols) * (w + pad);
    const oy = pad + Math.floor(i / cols) * (h + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = ((i * h + y) * w + x) * c;
        const dst = ((oy + y) * png.width + ox + x) * 4;
        for (let k = 0; k < 3; k++) png.data[dst + k] = toByte(images[src + (c === 3 ? k : 0)]!);
        png.data[dst + 3] = 255;
      }
    }
  }
  writeFileAtomic(path, [PNG.sync.write(png)]);
}
