import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { fileError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { decodeNpy, encodeNpy, readFile, type NpyArray } from './npy.js';

/**
 * NumPy's `.npz` archives: a zip of `.npy` files, stored (`np.savez`) or deflated (`np.savez_compressed`),
 * with zip64 fields where numpy writes them. TTUR's `fid_stats_cifar10_train.npz` holds `mu` and `sigma`.
 *
 * @example
 * const arrays = readNpz('fid_stats_cifar10_train.npz'); // Map { 'mu' => NpyArray, 'sigma' => NpyArray }
 * writeNpz('stats.npz', { mu: arrays.get('mu')!, sigma: arrays.get('sigma')! });
 */
export function readNpz(path: string): Map<string, NpyArray> {
  return decodeNpz(readFile(path), path);
}

export function writeNpz(path: string, arrays: Readonly<Record<string, NpyArray>>, options: { compress?: boolean } = {}): void {
  writeFileAtomic(path, [encodeNpz(arrays, options.compress ?? false)]);
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;
const STORED = 0;
const DEFLATED = 8;
const U32_MAX = 0xffffffff;

export function decodeNpz(bytes: Uint8Array, path: string): Map<string, NpyArray> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u64 = (at: number): number => Number(view.getBigUint64(at, true));
  const need = (at: number, len: number, what: string): void => {
    if (at < 0 || at + len > bytes.length) throw fileError(path, `truncated zip archive (${what} runs past the end of the file)`);
  };

  // The end-of-central-directory record is the last 22 bytes, followed by a comment of up to 64 KiB.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (u32(at) === SIG_END) {
      end = at;
      break;
    }
  }
  if (end < 0) throw fileError(path, 'not a .npz file (no zip end-of-central-directory record; truncated or not a zip)');
  const extra = bytes.length - (end + 22 + u16(end + 20));
  if (extra !== 0) throw fileError(path, extra > 0 ? `${extra} bytes past the end of the zip archive` : 'truncated zip archive (its comment runs past the end of the file)');
  let count = u16(end + 10);
  let cdSize = u32(end + 12);
  let cdOffset = u32(end + 16);
  if (count === 0xffff || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const loc = end - 20;
    if (loc < 0 || u32(loc) !== SIG_END64_LOCATOR) throw fileError(path, 'zip64 archive without its zip64 end record locator');
    const end64 = u64(loc + 8);
    need(end64, 56, 'zip64 end record');
    if (u32(end64) !== SIG_END64) throw fileError(path, 'bad zip64 end record signature');
    count = u64(end64 + 32);
    cdSize = u64(end64 + 40);
    cdOffset = u64(end64 + 48);
  }
  need(cdOffset, cdSize, 'central directory');

  const arrays = new Map<string, NpyArray>();
  let at = cdOffset;
  for (let e = 0; e < count; e++) {
    need(at, 46, 'central directory entry');
    if (u32(at) !== SIG_CENTRAL) throw fileError(path, `bad zip central directory entry ${e} (wrong signature)`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    let compressed = u32(at + 20);
    let size = u32(at + 24);
    const nameLen = u16(at + 28);
    const extraLen = u16(at + 30);
    const commentLen = u16(at + 32);
    let local = u32(at + 42);
    need(at + 46, nameLen + extraLen + commentLen, 'central directory entry');
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLen));
    // zip64 extra field: 64-bit values, in this order, for exactly the fields saturated above
    for (let x = at + 46 + nameLen; x + 4 <= at + 46 + nameLen + extraLen; ) {
      const id = u16(x);
      const len = u16(x + 2);
      if (id === 0x0001) {
        let p = x + 4;
        if (size === U32_MAX) {
          size = u64(p);
          p += 8;
        }
        if (compressed === U32_MAX) {
          compressed = u64(p);
          p += 8;
        }
        if (local === U32_MAX) local = u64(p);
      }
      x += 4 + len;
    }
    at += 46 + nameLen + extraLen + commentLen;
    if (!name.endsWith('.npy')) continue; // np.load lists only .npy members as arrays
    const entry = `${path}:${name}`;
    if (flags & 1) throw fileError(entry, 'encrypted zip entries are not supported');
    need(local, 30, `local header of ${name}`);
    if (u32(local) !== SIG_LOCAL) throw fileError(entry, 'bad zip local header signature');
    const dataAt = local + 30 + u16(local + 26) + u16(local + 28);
    need(dataAt, compressed, `data of ${name}`);
    const raw = bytes.subarray(dataAt, dataAt + compressed);
    let content: Uint8Array;
    if (method === STORED) content = raw;
    else if (method === DEFLATED) {
      try {
        content = inflateRawSync(raw);
      } catch (err) {
        throw fileError(entry, `corrupt deflate data: ${(err as Error).message}`);
      }
    } else throw fileError(entry, `unsupported zip compression method ${method} (only stored and deflated)`);
    if (content.length !== size) throw fileError(entry, `size mismatch: zip directory says ${size} bytes, entry has ${content.length}`);
    if (crc32(content) >>> 0 !== crc) throw fileError(entry, 'CRC-32 mismatch: the archive is corrupt');
    arrays.set(name.slice(0, -4), decodeNpy(content, entry));
  }
  return arrays;
}

/** A zip of `<key>.npy` entries with fixed timestamps (1980-01-01), so equal arrays give equal files. */
export function encodeNpz(arrays: Readonly<Record<string, NpyArray>>, compress: boolean): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [key, array] of Object.entries(arrays)) {
    const name = new TextEncoder().encode(`${key}.npy`);
    const content = encodeNpy(array);
    const data = compress ? deflateRawSync(content) : content;
    const crc = crc32(content) >>> 0;
    if (offset + 30 + name.length + data.length > U32_MAX || content.length > U32_MAX) {
      throw new Error(`encodeNpz: entry ${key} is past the 4 GiB a zip without zip64 can hold`);
    }
    const header = (sig: number, size: number): { buf: Uint8Array; view: DataView } => {
      const buf = new Uint8Array(size + name.length);
      const view = new DataView(buf.buffer);
      view.setUint32(0, sig, true);
      buf.set(name, size);
      return { buf, view };
    };
    const method = compress ? DEFLATED : STORED;
    const lh = header(SIG_LOCAL, 30);
    // version needed 2.0, flags 0, method, time 00:00, date 1980-01-01, crc, sizes, name length
    [20, 0, method, 0, 0x21].forEach((v, i) => lh.view.setUint16(4 + 2 * i, v, true));
    lh.view.setUint32(14, crc, true);
    lh.view.setUint32(18, data.length, true);
    lh.view.setUint32(22, content.length, true);
    lh.view.setUint16(26, name.length, true);
    const ch = header(SIG_CENTRAL, 46);
    // version made by 2.0, needed 2.0, flags 0, method, time, date
    [20, 20, 0, method, 0, 0x21].forEach((v, i) => ch.view.setUint16(4 + 2 * i, v, true));
    ch.view.setUint32(16, crc, true);
    ch.view.setUint32(20, data.length, true);
    ch.view.setUint32(24, content.length, true);
    ch.view.setUint16(28, name.length, true);
    ch.view.setUint32(42, offset, true);
    locals.push(lh.buf, data);
    centrals.push(ch.buf);
    offset += lh.buf.length + data.length;
  }
  const cdSize = centrals.reduce((s, c) => s + c.length, 0);
  const endRecord = new Uint8Array(22);
  const ev = new DataView(endRecord.buffer);
  ev.setUint32(0, SIG_END, true);
  ev.setUint16(8, centrals.length, true);
  ev.setUint16(10, centrals.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const part of [...locals, ...centrals, endRecord]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
