/**
 * Fetches TensorFlow's official Inception archive and unpacks `classify_image_graph_def.pb`, with the
 * project's resumable, verified download (src/data/download.ts) and tar reader (src/data/archive.ts).
 * TensorFlow publishes no checksum for this archive; the server that hosts it (Google Cloud Storage,
 * behind download.tensorflow.org) states the object's MD5 in an `x-goog-hash` header, which is what the
 * download is verified against. The unpacked graph is then loaded once, which checks every weight by
 * node name and shape.
 */
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { fileError } from '../../errors.js';
import { extractTarGz } from '../../data/archive.js';
import { downloadFile, type DownloadOutcome } from '../../data/download.js';
import type { TransferProgress } from '../../data/progress.js';
import { loadInceptionWeights } from './load-inception.js';

export const INCEPTION_ARCHIVE = {
  url: 'http://download.tensorflow.org/models/image/imagenet/inception-2015-12-05.tgz',
  fileName: 'inception-2015-12-05.tgz',
  graphFile: 'classify_image_graph_def.pb',
} as const;

export interface FetchInceptionOptions {
  /** Where to fetch the archive from (default: the official URL). */
  readonly url?: string;
  /** The archive's MD5 (hex); by default the one the server states. */
  readonly md5?: string;
  readonly onProgress?: (p: TransferProgress) => void;
}

/** Downloads (or resumes, or finds) the archive in `dir`, unpacks it there; returns the graph's path. */
export async function fetchInception(dir: string, opts: FetchInceptionOptions = {}): Promise<{ graphPath: string; outcome: DownloadOutcome }> {
  const url = opts.url ?? INCEPTION_ARCHIVE.url;
  const md5 = opts.md5 ?? (await statedMd5(url));
  await mkdir(dir, { recursive: true });
  const archive = join(dir, INCEPTION_ARCHIVE.fileName);
  const outcome = await downloadFile(url, archive, { md5, onProgress: opts.onProgress });
  const files = await extractTarGz(archive, dir);
  if (!files.includes(INCEPTION_ARCHIVE.graphFile)) throw fileError(archive, `holds no ${INCEPTION_ARCHIVE.graphFile}`);
  const graphPath = join(dir, INCEPTION_ARCHIVE.graphFile);
  await loadInceptionWeights(graphPath);
  return { graphPath, outcome };
}

/** The MD5 (hex) in the `x-goog-hash: crc32c=…,md5=<base64>` header of a HEAD request, following redirects. */
export async function statedMd5(url: string, redirects = 5): Promise<string> {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = (url.startsWith('https:') ? https : http).request(url, { method: 'HEAD' }, resolve);
    req.setTimeout(60_000, () => req.destroy(new Error(`${url}: no answer for 60 s`)));
    req.on('error', reject);
    req.end();
  });
  res.resume();
  const location = res.headers.location;
  if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
    if (redirects === 0) throw new Error(`${url}: too many redirects`);
    return statedMd5(new URL(location, url).toString(), redirects - 1);
  }
  if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
  const header = [res.headers['x-goog-hash'] ?? []].flat().join(',');
  const b64 = /(?:^|,)\s*md5=([A-Za-z0-9+/]+=*)/.exec(header)?.[1];
  if (!b64) throw new Error(`${url}: the server states no MD5 (x-goog-hash) to verify the download against; pass --md5 HEX`);
  return Buffer.from(b64, 'base64').toString('hex');
}
