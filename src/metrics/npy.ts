import { readFileSync } from 'node:fs';
import { fileError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/**
 * NumPy's `.npy` format (versions 1.0, 2.0 and 3.0; C order; little-endian numbers), as written by
 * `np.save` and read by `np.load`: the files users already have for features and statistics.
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
export type NpyDtype = '<f4' | '<f8' | '<i4' | '<i8' | '|u1';

export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** An n-d array in C (row-major) order; a 0-d array has shape [] and one element. */
export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ITEM_SIZE: Record<NpyDtype, number> = { '<f4': 4, '<f8': 8, '<i4': 4, '<i8': 8, '|u1': 1 };
// numpy spells the same dtypes with other byte-order marks on a little-endian machine
const ALIASES: Record<string, NpyDtype> = { '=f4': '<f4', '=f8': '<f8', '=i4': '<i4', '=i8': '<i8', '<u1': '|u1', '=u1': '|u1' };

/** A typed array of `dtype` for raw little-endian bytes (copied, so alignment never matters). */
function typedArray(dtype: NpyDtype, bytes: Uint8Array): NpyData {
  const buf = new Uint8Array(bytes).buffer; // a copy: Buffer.slice would share node's pooled memory
  switch (dtype) {
    case '<f4':
      return new Float32Array(buf);
    case '<f8':
      return new Float64Array(buf);
    case '<i4':
      return new Int32Array(buf);
    case '<i8':
      return new BigInt64Array(buf);
    case '|u1':
      return new Uint8Array(buf);
  }
}

export function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof BigInt64Array) return '<i8';
  return '|u1';
}

export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Decodes `.npy` bytes; `name` (a path, or `archive.npz:entry.npy`) starts every error message.
 * @example
 * const { shape, data } = decodeNpy(readFileSync('mu.npy'), 'mu.npy'); // shape [2048], Float64Array
 */
export function decodeNpy(bytes: Uint8Array, name: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fileError(name, 'not a .npy file (bad magic bytes)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLen: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw fileError(name, 'truncated .npy header');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw fileError(name, `unsupported .npy format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw fileError(name, `truncated .npy header (${headerLen} bytes announced, ${bytes.length - headerStart} present)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { dtype, shape } = parseHeader(header, name);
  const expected = elementCount(shape) * ITEM_SIZE[dtype];
  const present = bytes.length - dataStart;
  if (present < expected) {
    throw fileError(name, `truncated: shape (${shape.join(', ')}) of ${dtype} needs ${expected} bytes of data, the file has ${present}`);
  }
  if (present > expected) {
    throw fileError(name, `${present - expected} bytes past the end of the array: shape (${shape.join(', ')}) of ${dtype} needs ${expected} bytes`);
  }
  return { dtype, shape, data: typedArray(dtype, bytes.subarray(dataStart, dataStart + expected)) };
}

const HEADER_KEYS = ['descr', 'fortran_order', 'shape'];

/**
 * Parses the header, a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
 * The format has exactly these three keys; like np.load, any other key makes the file unreadable.
 */
function parseHeader(header: string, name: string): { dtype: NpyDtype; shape: number[] } {
  const unknown = [...header.matchAll(/['"]([^'"]*)['"]\s*:/g)].map((m) => m[1]!).filter((k) => !HEADER_KEYS.includes(k));
  if (unknown.length > 0) throw fileError(name, `.npy header has unknown key ${unknown.map((k) => `'${k}'`).join(', ')} (the format has only ${HEADER_KEYS.join(', ')})`);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr) {
    if (/'descr'\s*:\s*\[/.test(header)) throw fileError(name, 'structured dtypes are not supported (need a plain numeric array)');
    throw fileError(name, `malformed .npy header (no 'descr'): ${header.trim()}`);
  }
  if (!fortran || !shapeMatch) throw fileError(name, `malformed .npy header: ${header.trim()}`);
  if (fortran[1] === 'True') throw fileError(name, 'array is in Fortran order (fortran_order: True); save it in C order, e.g. np.save(f, np.ascontiguousarray(a))');
  const d = descr[1]!;
  const dtype = (d in ITEM_SIZE ? d : ALIASES[d]) as NpyDtype | undefined;
  if (dtype === undefined) {
    const hint = d.startsWith('>') ? ' (big-endian is not supported)' : '';
    throw fileError(name, `unsupported dtype '${d}'${hint}: expected one of ${Object.keys(ITEM_SIZE).join(', ')}`);
  }
  const dims = shapeMatch[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const shape = dims.map((s) => {
    if (!/^\d+$/.test(s)) throw fileError(name, `malformed shape in .npy header: (${shapeMatch[1]})`);
    if (!Number.isSafeInteger(Number(s))) throw fileError(name, `shape (${shapeMatch[1]}) has a dimension of ${s}, more than any file can hold`);
    return Number(s);
  });
  return { dtype, shape };
}

/** Encodes an array as `.npy` (version 1.0 unless the header needs 2.0), header padded to 64 bytes as numpy does. */
export function encodeNpy(array: NpyArray): Uint8Array {
  const { dtype, shape, data } = array;
  if (dtypeOf(data) !== dtype) throw new Error(`encodeNpy: data is ${dtypeOf(data)} but dtype says ${dtype}`);
  if (elementCount(shape) !== data.length) throw new Error(`encodeNpy: shape (${shape.join(', ')}) does not hold ${data.length} elements`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let version = 1;
  let prefix = 10;
  if (dict.length + 1 + prefix > 0xffff) {
    version = 2;
    prefix = 12;
  }
  const padded = dict.padEnd(Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(prefix + padded.length + data.byteLength);
  out.set(MAGIC);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[prefix + i] = padded.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefix + padded.length);
  return out;
}

export function readNpy(path: string): NpyArray {
  return decodeNpy(readFile(path), path);
}

export function writeNpy(path: string, array: NpyArray): void {
  writeFileAtomic(path, [encodeNpy(array)]);
}

/** Reads a whole file; a missing or unreadable file is the user's input error. */
export function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw fileError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The data of a float32/float64 array; any other dtype is the file's error. */
export function floatData(array: NpyArray, name: string, what: string): Float32Array | Float64Array {
  if (array.data instanceof Float32Array || array.data instanceof Float64Array) return array.data;
  throw fileError(name, `${what} has dtype ${array.dtype}, expected float32 (<f4) or float64 (<f8)`);
}
