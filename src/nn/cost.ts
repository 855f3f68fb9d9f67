/**
 * Multiply-adds per generated image of a derived generator: its convolutions, transposed convolutions and
 * the stem's linear layer (interpolation, normalisation and activations are left out, as is usual).
 */
import { cellCount, cellOf, skipSources, searchSpaceSize, CELL_CHOICES, type Arch } from './arch.js';
import type { GeneratorDims } from './generator.js';

const DECONV = 2;

export function generatorMacs(arch: Arch, dims: GeneratorDims): number {
  const { latent, gf: c, bottom: b, channels } = dims;
  let macs = latent * b * b * c;
  const cells = cellCount(arch);
  for (let k = 0; k < cells; k++) {
    const cell = cellOf(arch, k);
    const s = b * 2 ** k; // input side; the cell outputs 2s
    const out = (2 * s) ** 2;
    const deconv = cell.up === DECONV;
    macs += 2 * out * 9 * c * c; // the two 3×3 convs
    if (deconv) macs += s * s * 4 * c * c; // block 1's transposed conv
    if (cell.shortcut) macs += out * c * c + (deconv ? s * s * 4 * c * c : 0);
    const sources = skipSources(cell, k);
    macs += sources.length * out * c * c; // the 1×1 conv of each skip-in
    if (deconv) {
      if (sources.some((j) => k - j === 1)) macs += s * s * 4 * c * c; // ×2 from the previous cell's side s
      if (sources.some((j) => k - j === 2)) macs += (s / 2) ** 2 * 4 * c * c + s * s * 4 * c * c; // ×4 in two steps
    }
  }
  const side = b * 2 ** cells;
  return macs + side * side * 9 * c * channels;
}

/** Smallest and largest multiply-adds over every architecture with `cells` cells (the shared generator's paths). */
export function macsRange(dims: GeneratorDims, cells = 3): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  const choices = CELL_CHOICES.slice(0, cells).flat();
  const arch = new Array<number>(choices.length).fill(0);
  for (let n = 0; n < searchSpaceSize(cells); n++) {
    let r = n;
    for (let i = choices.length - 1; i >= 0; i--) {
      arch[i] = r % choices[i]!;
      r = Math.floor(r / choices[i]!);
    }
    const m = generatorMacs(arch, dims);
    if (m < min) min = m;
    if (m > max) max = m;
  }
  return { min, max };
}
