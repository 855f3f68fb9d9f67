import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { floatConst, inceptionGraphNodes } from './support/inception-graph-file.js';
import { encodeGraphDef } from './support/protobuf-writer.js';
import { tempDir } from './support/datafiles.js';
import { tarGz } from './support/tar.js';

// The CLI as shipped: dist/ is built by `npm test` before the tests run.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** The CLI run asynchronously, so that this process's test server can answer it. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The full-size graph with zero weights: every node and shape of the real one, and it gzips to little.
const graph = encodeGraphDef(
  inceptionGraphNodes(1).map((n) => {
    const v = n.attr.get('value');
    if (n.op !== 'Const' || v?.kind !== 'tensor' || v.value.content === null || v.value.dtype !== 1) return n;
    return floatConst(n.name, v.value.shape, new Float32Array(v.value.content.length / 4));
  }),
);
const good = tarGz([{ name: './classify_image_graph_def.pb', data: Buffer.from(graph) }, { name: './LICENSE', data: 'Apache 2.0' }]);
const truncatedGraph = tarGz([{ name: './classify_image_graph_def.pb', data: Buffer.from(graph.subarray(0, 200_000)) }]);

const md5Base64 = (b: Buffer) => createHash('md5').update(b).digest('base64');

/** Serves one archive at /a.tgz, stating its MD5 the way Google Cloud Storage does (or not). */
async function serve(archive: Buffer, statesMd5: boolean): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const headers = { 'Content-Length': archive.length, ...(statesMd5 ? { 'x-goog-hash': `crc32c=AAAAAA==, md5=${md5Base64(archive)}` } : {}) };
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : archive);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/a.tgz`, server };
}

const close = (s: Server) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });

test('fetch-inception downloads, verifies the stated MD5, unpacks and checks the graph; a rerun finds it', async () => {
  const { url, server } = await serve(good, true);
  const dir = tempDir('fetch-inception');
  try {
    const first = await cli('metrics', 'fetch-inception', '--dir', dir, '--url', url);
    assert.is(first.code, 0, first.stderr);
    assert.match(first.stderr, /inception-2015-12-05\.tgz .*100\.0%/);
    assert.match(first.stdout, /classify_image_graph_def\.pb: the inception-2015-12-05 graph, every weight checked/);
    assert.equal(readFileSync(join(dir, 'classify_image_graph_def.pb')), Buffer.from(graph));
    assert.not.ok(existsSync(join(dir, 'inception-2015-12-05.tgz.part')));
    const again = await cli('metrics', 'fetch-inception', '--dir', dir, '--url', url);
    assert.is(again.code, 0, again.stderr);
    assert.match(again.stderr, /already downloaded, MD5 verified/);
  } finally {
    await close(server);
  }
});

test('without a stated MD5 it refuses unless --md5 is given, and checks that one', async () => {
  const { url, server } = await serve(good, false);
  const dir = tempDir('fetch-inception-nomd5');
  try {
    const refused = await cli('metrics', 'fetch-inception', '--dir', dir, '--url', url);
    assert.is(refused.code, 1);
    assert.match(refused.stderr, /states no MD5.*--md5/);
    const wrong = await cli('metrics', 'fetch-inception', '--dir', dir, '--url', url, '--md5', '0'.repeat(32));
    assert.is(wrong.code, 1);
    assert.match(wrong.stderr, /MD5 of the download is [0-9a-f]{32}, expected 0{32}/);
    const hex = createHash('md5').update(good).digest('hex');
    const ok = await cli('metrics', 'fetch-inception', '--dir', dir, '--url', url, '--md5', hex);
    assert.is(ok.code, 0, ok.stderr);
    assert.is((await cli('metrics', 'fetch-inception', '--dir', dir, '--md5', 'xyz')).code, 2);
  } finally {
    await close(server);
  }
});

test('an archive whose graph is not the Inception graph is an input error naming the unpacked file', async () => {
  const { url, server } = await serve(truncatedGraph, true);
  const dir = tempDir('fetch-inception-bad');
  try {
    const r = await cli('metrics', 'fetch-inception', '--dir', dir, '--url', url);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`${join(dir, 'classify_image_graph_def.pb').replace(/[.\\/]/g, '\\$&')}: (not a TensorFlow GraphDef|missing node)`));
  } finally {
    await close(server);
  }
});

test.run();
