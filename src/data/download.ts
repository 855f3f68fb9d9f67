import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat, truncate } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileError } from '../errors.js';
import type { TransferProgress } from './progress.js';

/** An official archive: where it is, what it is called and the MD5 its publisher gives. */
export interface ArchiveSpec {
  readonly url: string;
  readonly fileName: string;
  readonly md5: string;
}

export const ARCHIVES = {
  cifar10: { url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', fileName: 'cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' },
  stl10: { url: 'http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz', fileName: 'stl10_binary.tar.gz', md5: '91f7769df0f17e558f3565bffb0c7dfb' },
} as const satisfies Record<string, ArchiveSpec>;

export interface DownloadOptions {
  md5: string;
  onProgress?: (p: TransferProgress) => void;
  /** Give up when no data arrives for this long. */
  idleTimeoutMs?: number;
}

/** What `downloadFile` did. */
export type DownloadOutcome = 'present' | 'downloaded' | 'resumed';

/**
 * Fetches `url` to `dest` so that `dest` only ever exists complete and verified: the bytes go to
 * `dest.part`; an existing `.part` is resumed with an HTTP Range request; the MD5 of the whole file is
 * checked before `.part` is renamed to `dest`. An interrupted transfer leaves `.part` for the next call;
 * a checksum mismatch deletes it (its bytes cannot be trusted) and throws.
 * A `dest` already present is verified, not fetched again (a mismatch there is an InputError: it is the user's file).
 *
 * @example
 * await downloadFile(ARCHIVES.cifar10.url, '/data/cifar-10-binary.tar.gz', { md5: ARCHIVES.cifar10.md5 });
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions): Promise<DownloadOutcome> {
  const want = opts.md5.toLowerCase();
  if ((await sizeOf(dest)) !== null) {
    const got = await md5OfFile(dest);
    if (got !== want) throw fileError(dest, `MD5 ${got}, expected ${want} (not the official archive, or damaged); delete it to download it again`);
    return 'present';
  }
  const part = `${dest}.part`;
  let offset = (await sizeOf(part)) ?? 0;
  let hash = createHash('md5');
  // The resumed bytes are hashed from disk, so the check covers exactly what the file will hold.
  if (offset > 0) for await (const chunk of createReadStream(part)) hash.update(chunk as Buffer);

  const res = await httpGet(url, offset > 0 ? { Range: `bytes=${offset}-` } : {}, opts.idleTimeoutMs ?? 60_000);
  let total: number | null = null;
  if (res.statusCode === 206) {
    const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
    if (!m || Number(m[1]) !== offset) {
      res.destroy();
      throw new Error(`${url}: the server answered the range request from byte ${offset} with Content-Range "${res.headers['content-range']}"`);
    }
    total = m[2] === '*' ? null : Number(m[2]);
  } else if (res.statusCode === 416 && offset > 0) {
    res.resume(); // the part already holds the whole file; verify it below
    total = offset;
  } else if (res.statusCode === 200) {
    if (offset > 0) {
      // The server ignored the range and sends the whole file: start over.
      await truncate(part, 0);
      offset = 0;
      hash = createHash('md5');
    }
    total = lengthOf(res);
  } else {
    res.resume();
    throw new Error(`${url}: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
  }
  const resumed = offset > 0;
  if (res.statusCode !== 416) await receive(url, res, part, hash, offset, total, opts.onProgress);
  await verifyAndRename(part, dest, hash, want, url);
  return resumed ? 'resumed' : 'downloaded';
}

/** Appends the body to `part`, hashing and reporting as it goes. */
async function receive(
  url: string,
  res: http.IncomingMessage,
  part: string,
  hash: Hash,
  offset: number,
  total: number | null,
  onProgress?: (p: TransferProgress) => void,
): Promise<void> {
  const start = Date.now();
  let bytes = offset;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      onProgress?.({ bytes, total, rate: ((bytes - offset) * 1000) / Math.max(1, Date.now() - start) });
      done(null, chunk);
    },
  });
  const interrupted = (why: string) => new Error(`${url}: transfer interrupted at byte ${bytes}${total === null ? '' : ` of ${total}`} (${why}); run again to resume from ${part}`);
  try {
    await pipeline(res, tap, createWriteStream(part, { flags: 'a' }));
  } catch (e) {
    throw interrupted((e as Error).message);
  }
  if (!res.complete || (total !== null && bytes !== total)) throw interrupted('the connection closed early');
}

async function verifyAndRename(part: string, dest: string, hash: Hash, want: string, url: string): Promise<void> {
  const got = hash.digest('hex');
  if (got !== want) {
    await rm(part, { force: true });
    throw new Error(`${url}: MD5 of the download is ${got}, expected ${want}; the partial file was removed, run again to start over`);
  }
  await rename(part, dest);
}

/** GET with redirects followed (http ↔ https), failing when no data arrives for `idleMs`. */
function httpGet(url: string, headers: Record<string, string>, idleMs: number, redirects = 5): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { headers }, (res) => {
      const location = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
        res.resume();
        if (redirects === 0) return reject(new Error(`${url}: too many redirects`));
        return resolve(httpGet(new URL(location, url).toString(), headers, idleMs, redirects - 1));
      }
      resolve(res);
    });
    req.setTimeout(idleMs, () => req.destroy(new Error(`${url}: no data for ${idleMs / 1000} s`)));
    req.on('error', reject);
  });
}

function lengthOf(res: http.IncomingMessage): number | null {
  const n = Number(res.headers['content-length']);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
