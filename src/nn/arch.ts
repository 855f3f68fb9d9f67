/**
 * The AutoGAN search space (paper §3.1; reference "Architecture vector"): a generator of three cells, each
 * described by integer tokens. Cell 1: conv, norm, up, shortcut. Cells 2 and 3 add skip: cell 2's is one bit
 * (from cell 1), cell 3's a 2-bit mask (most significant bit = from cell 1, least = from cell 2).
 * One architecture is 14 integers; stage s of the multi-level search decides cell s+1, so its prefix
 * has 4 (stage 0), 9 (stage 1) or 14 (stage 2) tokens.
 *
 * @example
 *   const a = parseArch('1 0 1 1  1 0 0 1 1  1 0 1 0 3'); // published CIFAR-10 top-1
 *   formatArch(a) === '1 0 1 1  1 0 0 1 1  1 0 1 0 3'
 */
import { InputError, quote } from '../errors.js';

export const TOKEN_NAMES = ['conv', 'norm', 'up', 'shortcut', 'skip'] as const;
export type TokenName = (typeof TOKEN_NAMES)[number];

export const CONV_TYPES = ['post-activation', 'pre-activation'] as const;
export const NORM_TYPES = ['none', 'batch norm', 'instance norm'] as const;
export const UP_TYPES = ['bilinear', 'nearest', 'deconv'] as const;

/** Number of choices of each token, cell by cell. */
export const CELL_CHOICES: readonly (readonly number[])[] = [
  [2, 3, 3, 2],
  [2, 3, 3, 2, 2],
  [2, 3, 3, 2, 4],
];

/** Flat list of choice counts of the 14 tokens. */
export const TOKEN_CHOICES: readonly number[] = CELL_CHOICES.flat();
/** Tokens decided by the end of each stage: 4, 9, 14. */
export const STAGE_PREFIX_LENGTH: readonly number[] = [4, 9, 14];
export const NUM_STAGES = 3;

/** A (possibly partial) architecture: its first 4, 9 or 14 tokens. */
export type Arch = readonly number[];

export interface Cell {
  readonly conv: number;
  readonly norm: number;
  readonly up: number;
  readonly shortcut: number;
  /** Bitmask of skip-in sources: bit (k−1−j) set = from cell j (0-based) for cell k; 0 for cell 1. */
  readonly skip: number;
}

/** Number of cells an architecture prefix describes (1, 2 or 3). */
export function cellCount(arch: Arch): number {
  const n = STAGE_PREFIX_LENGTH.indexOf(arch.length);
  if (n < 0) throw new InputError(`architecture has ${arch.length} tokens; expected 4, 9 or 14`);
  return n + 1;
}

/** The cell at 0-based index k of an architecture prefix. */
export function cellOf(arch: Arch, k: number): Cell {
  const start = k === 0 ? 0 : STAGE_PREFIX_LENGTH[k - 1]!;
  const t = arch.slice(start, STAGE_PREFIX_LENGTH[k]);
  return { conv: t[0]!, norm: t[1]!, up: t[2]!, shortcut: t[3]!, skip: k === 0 ? 0 : t[4]! };
}

/** 0-based source cells of cell k's skip-ins, in order. */
export function skipSources(cell: Cell, k: number): number[] {
  const sources: number[] = [];
  for (let j = 0; j < k; j++) if ((cell.skip >> (k - 1 - j)) & 1) sources.push(j);
  return sources;
}

/**
 * Throws an InputError naming `source` (a flag, a file), the cell, token and allowed range of the first
 * invalid token; `arch` may come from parsed JSON, so a token need not be a number.
 */
export function validateArch(arch: readonly unknown[], source = 'architecture'): Arch {
  if (!STAGE_PREFIX_LENGTH.includes(arch.length)) throw new InputError(`${source}: ${arch.length} tokens; expected 4, 9 or 14`);
  arch.forEach((v, i) => {
    const k = STAGE_PREFIX_LENGTH.findIndex((end) => i < end);
    const start = k === 0 ? 0 : STAGE_PREFIX_LENGTH[k - 1]!;
    const name = TOKEN_NAMES[i - start]!;
    const choices = TOKEN_CHOICES[i]!;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= choices) {
      throw new InputError(`${source}: cell ${k + 1} token "${name}" is ${typeof v === 'number' ? v : JSON.stringify(v) ?? String(v)}; allowed 0..${choices - 1}`);
    }
  });
  return arch as Arch;
}

/** Parses the text form: integers separated by spaces and/or commas, e.g. "1 0 1 1  1 0 0 1 1  1 0 1 0 3". */
export function parseArch(text: string, source = 'architecture'): Arch {
  const parts = text.trim().split(/[\s,]+/).filter((p) => p !== '');
  const bad = parts.find((p) => !/^-?\d+$/.test(p));
  if (bad !== undefined) throw new InputError(`${source}: ${quote(bad)} is not an integer (in ${quote(text)})`);
  return validateArch(parts.map(Number), source);
}

/** Text form with two spaces between cells. */
export function formatArch(arch: Arch): string {
  const cells: string[] = [];
  for (let k = 0; k < cellCount(arch); k++) {
    const start = k === 0 ? 0 : STAGE_PREFIX_LENGTH[k - 1]!;
    cells.push(arch.slice(start, STAGE_PREFIX_LENGTH[k]).join(' '));
  }
  return cells.join('  ');
}

/** One line per cell, in words. */
export function describeArch(arch: Arch): string[] {
  const lines: string[] = [];
  for (let k = 0; k < cellCount(arch); k++) {
    const c = cellOf(arch, k);
    const skips = skipSources(c, k).map((j) => `cell ${j + 1}`);
    lines.push(
      `cell ${k + 1}: ${CONV_TYPES[c.conv]} conv, ${NORM_TYPES[c.norm]}, ${UP_TYPES[c.up]} upsampling, ` +
        `${c.shortcut ? 'with' : 'no'} shortcut` + (k === 0 ? '' : `, skip-in from ${skips.length ? skips.join(' and ') : 'none'}`),
    );
  }
  return lines;
}

/** Number of distinct architectures with `cells` cells (36 · 72 · 144 = 373,248 for three). */
export function searchSpaceSize(cells = NUM_STAGES): number {
  return CELL_CHOICES.slice(0, cells).reduce((n, c) => n * c.reduce((a, b) => a * b, 1), 1);
}
