import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, posix, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { fileError } from '../errors.js';

const BLOCK = 512;

/**
 * Unpacks a .tar.gz (ustar / GNU / pax headers; regular files and directories) into `destDir`.
 * Every file is written to `<name>.partial` and renamed when complete, so an interrupted unpack never
 * leaves a half-written file under the name of a complete one. Entries that would land outside
 * `destDir` (absolute paths, `..`) and other entry types (links, devices) are refused.
 * Returns the paths written, relative to `destDir`.
 *
 * @example
 * await extractTarGz('/data/cifar-10-binary.tar.gz', '/data'); // ['cifar-10-batches-bin/data_batch_1.bin', ...]
 */
export async function extractTarGz(archive: string, destDir: string): Promise<string[]> {
  const gunzip = createReadStream(archive).pipe(createGunzip());
  const reader = new ChunkReader(gunzip[Symbol.asyncIterator](), archive);
  const written: string[] = [];
  let longName: string | null = null; // from a GNU 'L' entry, names the entry that follows
  let paxPath: string | null = null; // from a pax 'x' entry, names the entry that follows
  try {
    for (;;) {
      const header = await reader.exactly(BLOCK, 'the next entry header');
      if (header === null || header.every((b) => b === 0)) break; // end-of-archive marker (or a tolerated missing one)
      checkChecksum(header, archive);
      const size = parseSize(header, archive);
      const type = String.fromCharCode(header[156]!);
      // POSIX ustar splits long names into prefix (at 345) + name; old GNU headers keep other fields there.
      const prefix = header.toString('latin1', 257, 263) === 'ustar\0' ? readString(header, 345, 155) : '';
      const headerName = prefix ? `${prefix}/${readString(header, 0, 100)}` : readString(header, 0, 100);
      const name: string = longName ?? paxPath ?? headerName;
      if (type === 'L') {
        longName = (await reader.all(size, name)).toString('utf8').replace(/\0.*$/s, '');
      } else if (type === 'x') {
        paxPath = parsePax(await reader.all(size, name)).get('path') ?? null;
      } else {
        longName = paxPath = null;
        if (type === 'g') {
          await reader.skip(size, name);
        } else if (type === '5') {
          const rel = safeRelative(name, archive);
          if (rel) await mkdir(join(destDir, rel), { recursive: true });
        } else if (type === '0' || type === '\0' || type === '7') {
          const rel = safeRelative(name, archive);
          if (!rel) throw fileError(archive, `entry "${name}" is a file without a name`);
          await writeEntry(reader, size, join(destDir, rel), name);
          written.push(rel);
        } else {
          throw fileError(archive, `entry "${name}" has type '${type}'; only regular files and directories are unpacked`);
        }
      }
      await reader.skip((BLOCK - (size % BLOCK)) % BLOCK, name);
    }
  } finally {
    gunzip.destroy();
  }
  return written;
}

/** Streams one entry's data to `target.partial`, then renames it; removes the partial file on failure. */
async function writeEntry(reader: ChunkReader, size: number, target: string, name: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.partial`;
  const fh = await open(temp, 'w');
  try {
    for await (const piece of reader.pieces(size, name)) await fh.write(piece);
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e;
  }
  await rename(temp, target);
}

/** The entry's path relative to the destination, or an error if it would escape it; '' for the root itself. */
function safeRelative(name: string, archive: string): string {
  const norm = posix.normalize(name.replace(/\\/g, '/'));
  if (name.includes('\0') || posix.isAbsolute(norm) || /^[A-Za-z]:/.test(norm) || norm === '..' || norm.startsWith('../')) {
    throw fileError(archive, `entry "${name}" points outside the destination folder; refusing to unpack it`);
  }
  const rel = norm.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return rel === '.' ? '' : rel.split('/').join(sep);
}

function readString(h: Buffer, at: number, len: number): string {
  const field = h.subarray(at, at + len);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? len : end).toString('utf8');
}

function parseOctal(h: Buffer, at: number, len: number): number {
  const s = readString(h, at, len).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

/** Size field: octal text, or GNU base-256 (high bit set) for files of 8 GiB and more. */
function parseSize(h: Buffer, archive: string): number {
  let size: number;
  if (h[124]! & 0x80) {
    size = h[124]! & 0x7f;
    for (let i = 125; i < 136; i++) size = size * 256 + h[i]!;
  } else {
    size = parseOctal(h, 124, 12);
  }
  if (!Number.isSafeInteger(size) || size < 0) throw fileError(archive, `entry "${readString(h, 0, 100)}" has an unreadable size field`);
  return size;
}

function checkChecksum(h: Buffer, archive: string): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  if (parseOctal(h, 148, 8) !== sum) throw fileError(archive, `header of entry "${readString(h, 0, 100)}" fails its checksum; not a tar archive, or corrupt`);
}

/** pax extended header records: "<len> <key>=<value>\n". */
function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const len = parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (space < 0 || !(len > 0)) break;
    const record = data.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

/** Pulls exact byte counts out of a stream of chunks of any size. */
class ChunkReader {
  private buf: Buffer = Buffer.alloc(0);
  private off = 0;

  constructor(
    private readonly chunks: AsyncIterator<Buffer>,
    private readonly archive: string,
  ) {}

  /** `n` bytes, or null when the stream ends cleanly before any of them. */
  async exactly(n: number, what: string): Promise<Buffer | null> {
    while (this.buf.length - this.off < n) {
      if (!(await this.fill())) {
        if (this.buf.length === this.off) return null;
        throw this.truncated(what);
      }
    }
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }

  async all(n: number, name: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const p of this.pieces(n, name)) parts.push(p);
    return Buffer.concat(parts);
  }

  async skip(n: number, name: string): Promise<void> {
    for await (const _ of this.pieces(n, name));
  }

  /** The next `n` bytes as they arrive, without holding them all (entries can be gigabytes). */
  async *pieces(n: number, name: string): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.off >= this.buf.length && !(await this.fill())) throw this.truncated(`entry "${name}"`);
      const k = Math.min(left, this.buf.length - this.off);
      yield this.buf.subarray(this.off, this.off + k);
      this.off += k;
      left -= k;
    }
  }

  private async fill(): Promise<boolean> {
    let r: IteratorResult<Buffer>;
    try {
      r = await this.chunks.next();
    } catch (e) {
      throw fileError(this.archive, `cannot be decompressed (${(e as Error).message}); a truncated or corrupt download?`);
    }
    if (r.done) return false;
    this.buf = this.off < this.buf.length ? Buffer.concat([this.buf.subarray(this.off), r.value]) : r.value;
    this.off = 0;
    return true;
  }

  private truncated(what: string): Error {
    return fileError(this.archive, `ends in the middle of ${what}; a truncated download?`);
  }
}

