import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { downloadFile } from '../src/data/download.js';
import { formatProgress } from '../src/data/progress.js';
import { tempDir } from './support/datafiles.js';

const payload = Buffer.alloc(1_500_000);
for (let i = 0, x = 7; i < payload.length; i++) payload[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
const md5 = createHash('md5').update(payload).digest('hex');

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local HTTP server on 127.0.0.1 whose behaviour each test sets; records the Range headers it saw. */
async function serve(handler: { current: Handler }): Promise<{ url: string; ranges: (string | undefined)[]; close: () => Promise<void> }> {
  const ranges: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    ranges.push(req.headers.range);
    handler.current(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/file.tar.gz`,
    ranges,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Serves the payload honouring "Range: bytes=N-". */
const honoursRange: Handler = (req, res) => {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const from = m ? Number(m[1]) : 0;
  if (from >= payload.length) {
    res.writeHead(416, { 'Content-Range': `bytes */${payload.length}` }).end();
    return;
  }
  res.writeHead(m ? 206 : 200, { 'Content-Length': payload.length - from, ...(m ? { 'Content-Range': `bytes ${from}-${payload.length - 1}/${payload.length}` } : {}) });
  res.end(payload.subarray(from));
};

/** Sends the head of the payload, then drops the connection. */
const dropsAfter = (n: number): Handler => (_req, res) => {
  res.writeHead(200, { 'Content-Length': payload.length });
  res.write(payload.subarray(0, n), () => setTimeout(() => res.socket?.destroy(), 50));
};

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable('expected an error');
}

test('an interrupted download keeps its .part and resumes with a Range request', async () => {
  const handler = { current: dropsAfter(600_000) };
  const server = await serve(handler);
  const dest = join(tempDir('dl-resume'), 'file.tar.gz');
  try {
    await rejects(downloadFile(server.url, dest, { md5 }), /transfer interrupted at byte \d+ of 1500000.*run again to resume/);
    assert.not.ok(existsSync(dest), 'no file under the final name');
    const partSize = statSync(`${dest}.part`).size;
    assert.ok(partSize > 0 && partSize <= 600_000, `part holds ${partSize} bytes`);

    handler.current = honoursRange;
    const seen: number[] = [];
    const outcome = await downloadFile(server.url, dest, { md5, onProgress: (p) => seen.push(p.bytes) });
    assert.is(outcome, 'resumed');
    assert.equal(server.ranges, [undefined, `bytes=${partSize}-`]);
    assert.ok(readFileSync(dest).equals(payload));
    assert.not.ok(existsSync(`${dest}.part`));
    assert.ok(seen[0]! > partSize && seen.at(-1) === payload.length, 'progress counts the resumed bytes');

    // Already present: verified, not fetched again.
    assert.is(await downloadFile(server.url, dest, { md5 }), 'present');
    assert.is(server.ranges.length, 2);
  } finally {
    await server.close();
  }
});

test('a .part that already holds the whole file is verified and completed (416 answer)', async () => {
  const server = await serve({ current: honoursRange });
  const dest = join(tempDir('dl-416'), 'file.tar.gz');
  try {
    writeFileSync(`${dest}.part`, payload);
    assert.is(await downloadFile(server.url, dest, { md5 }), 'resumed');
    assert.ok(readFileSync(dest).equals(payload));
  } finally {
    await server.close();
  }
});

test('an MD5 mismatch removes the download and never creates the final file', async () => {
  const server = await serve({ current: honoursRange });
  const dest = join(tempDir('dl-md5'), 'file.tar.gz');
  try {
    await rejects(downloadFile(server.url, dest, { md5: '0'.repeat(32) }), new RegExp(`MD5 of the download is ${md5}, expected 0{32}`));
    assert.not.ok(existsSync(dest));
    assert.not.ok(existsSync(`${dest}.part`));
    // A resumed part with corrupt bytes is caught too: the part is hashed from disk.
    const corrupt = Buffer.from(payload.subarray(0, 1000));
    corrupt[10] ^= 0xff;
    writeFileSync(`${dest}.part`, corrupt);
    await rejects(downloadFile(server.url, dest, { md5 }), /MD5 of the download is/);
    assert.not.ok(existsSync(dest));
  } finally {
    await server.close();
  }
});

test('a server that ignores Range restarts the file; redirects are followed; HTTP errors are reported', async () => {
  const handler = {
    current: ((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { Location: '/file.tar.gz' }).end();
      else if (req.url === '/missing') res.writeHead(404).end();
      else res.writeHead(200, { 'Content-Length': payload.length }).end(payload);
    }) as Handler,
  };
  const server = await serve(handler);
  const dir = tempDir('dl-misc');
  try {
    const dest = join(dir, 'a.tar.gz');
    writeFileSync(`${dest}.part`, payload.subarray(0, 5000));
    assert.is(await downloadFile(server.url.replace('/file.tar.gz', '/moved'), dest, { md5 }), 'downloaded');
    assert.ok(readFileSync(dest).equals(payload));
    await rejects(downloadFile(server.url.replace('/file.tar.gz', '/missing'), join(dir, 'b.tar.gz'), { md5 }), /missing: HTTP 404/);
    assert.not.ok(existsSync(join(dir, 'b.tar.gz')));
  } finally {
    await server.close();
  }
});

test('the progress line shows a bar, the percentage, bytes and rate', () => {
  assert.is(formatProgress({ bytes: 50e6, total: 200e6, rate: 2.5e6 }, 10), '[###-------]  25.0%  50.0/200.0 MB  2.5 MB/s');
  assert.is(formatProgress({ bytes: 3e6, total: null, rate: 1e6 }), '3.0 MB  1.0 MB/s');
});

test.run();
