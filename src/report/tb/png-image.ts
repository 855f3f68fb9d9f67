/** A PNG file as TensorBoard's Summary.Image: its bytes as they are, with the size and colours its header gives. */
import { readFileSync } from 'node:fs';
import type { TbImage } from './event-records.js';

/** PNG colour types (IHDR byte 25) as Summary.Image colorspaces: grey, RGB, grey + alpha, RGBA. */
const COLORSPACE: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** A PNG file as a TensorBoard image, or null when it cannot be read (the report names it). */
export function pngImage(path: string): TbImage | null {
  let png: Buffer;
  try {
    png = readFileSync(path);
  } catch {
    return null;
  }
  if (png.length < 33 || png.readUInt32BE(0) !== 0x89504e47 || png.toString('ascii', 12, 16) !== 'IHDR') return null;
  const colorspace = COLORSPACE[png[25]!];
  if (colorspace === undefined) return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), colorspace, png };
}
