/**
 * Bad input files, kind by kind: data set files (CIFAR-10, STL-10, the archive they come in), .npy/.npz
 * files, and GraphDef files. Each kind is tried with wrong types, out-of-range values, truncated and
 * oversized files, NaN and infinite numbers, and unknown fields, where the category means something for
 * the kind; most cells call the reader directly, a few run the CLI (exit 2, the file named) and check
 * that nothing already saved was touched. Cells covered elsewhere are not repeated here:
 * CIFAR truncated/missing/label 10 (data-cifar10), STL label 0 and 11, short label file (data-stl10),
 * tar.gz not gzip/bad checksum/truncated (data-archive), npy magic/truncated/trailing bytes/big-endian/
 * Fortran order (metrics-npy), npz cut/CRC, mu/sigma shape, dtype and NaN in sigma (metrics-npz),
 * two stats files of different dimensions (metrics-cli, eval-cli), non-finite probabilities
 * (metrics-inception-score), a GraphDef missing a node or with a misshapen one (inception-loader).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { outputFileFlag } from '../src/cli/command.js';
import { extractTarGz } from '../src/data/archive.js';
import { loadCifar10 } from '../src/data/cifar10.js';
import { loadStl10 } from '../src/data/stl10.js';
import { isInputError } from '../src/errors.js';
import { DT, decodeGraphDef, floatValues, type AttrValue, type NodeDef, type TensorProto } from '../src/metrics/inception/graphdef.js';
import { inceptionWeightsFromGraph, loadInceptionWeights } from '../src/metrics/inception/load-inception.js';
import { ProtobufError } from '../src/metrics/inception/protobuf.js';
import { loadGaussianStats, saveGaussianStats } from '../src/metrics/gaussian-stats-file.js';
import { encodeNpy, readNpy, type NpyArray } from '../src/metrics/npy.js';
import { encodeNpz } from '../src/metrics/npz.js';
import { cifarRecords, tempDir, writeCifarDir, writeStlDir } from './support/datafiles.js';
import { randomStats } from './support/gaussians.js';
import { floatConst, inceptionGraphNodes, writeGraphFile } from './support/inception-graph-file.js';
import { cli } from './support/kill.js';
import { ProtoWriter, encodeGraphDef, encodeNodeDef, encodeTensor } from './support/protobuf-writer.js';
import { rejects } from './support/rejects.js';
import { tarBytes } from './support/tar.js';

const dir = tempDir('bad-input-files');

/** `fn` throws an InputError matching `re` (the synchronous readers, through the shared helper). */
const refuses = (fn: () => unknown, re: RegExp): Promise<void> => rejects(Promise.resolve().then(fn), re);

/** Every file under `root` with its bytes, and every folder: equal snapshots mean nothing was touched. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const d of readdirSync(join(root, rel), { withFileTypes: true })) {
      const p = join(rel, d.name);
      if (d.isDirectory()) {
        out.set(`${p}/`, '');
        walk(p);
      } else out.set(p, readFileSync(join(root, p)).toString('base64'));
    }
  };
  walk('');
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A message that starts with `path` (after the CLI's "error: " prefix, when given) and matches `problem`. */
const about = (path: string, problem: string, prefix = '') => new RegExp(`^${prefix}${escape(path)}: ${problem}`, 'm');

// ---------------------------------------------------------------- data set files

test('data files: a folder where a file is expected, and a file where the folder is expected', async () => {
  const root = tempDir('bif-cifar-type');
  const d = writeCifarDir(root, 1);
  const batch = join(d, 'test_batch.bin');
  rmSync(batch);
  mkdirSync(batch);
  await rejects(loadCifar10(root, 'test'), about(batch, 'is not a regular file; expected 3073-byte records'));
  const notFolder = join(d, 'data_batch_1.bin');
  await rejects(loadCifar10(notFolder, 'train'), about(notFolder, 'is a file, not a directory'));
});

test('data files: trailing bytes, whole extra records past the official size, a label file longer than its images', async () => {
  const root = tempDir('bif-cifar-over');
  const d = writeCifarDir(root, 2);
  const batch = join(d, 'data_batch_2.bin');
  writeFileSync(batch, Buffer.concat([cifarRecords([1, 2], () => 0), Buffer.alloc(7)]));
  await rejects(loadCifar10(root, 'train'), about(batch, 'size 6153 bytes is not a whole, non-zero number of 3073-byte records'));
  writeFileSync(batch, cifarRecords(Array.from({ length: 10_001 }, (_, i) => i % 10), () => 0));
  await rejects(loadCifar10(root, 'train'), about(batch, 'size 30733073 bytes holds 10001 records, more than any official file; the official file is 30730000 bytes'));

  const stl = writeStlDir(tempDir('bif-stl-over'), { train: 3, test: 1, unlabeled: 1 });
  const labels = join(stl, 'train_y.bin');
  writeFileSync(labels, Buffer.from([1, 2, 3, 4]));
  await rejects(loadStl10(stl, 'train'), about(labels, 'size 4 bytes, expected 3 \\(one label byte per image'));
});

test('data archive: an entry whose size field is not an octal number is refused by name', async () => {
  const tar = tarBytes([{ name: 'cifar-10-batches-bin/test_batch.bin', data: 'x' }]);
  tar.write('99999999999\0', 124); // '9' is no octal digit
  tar.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += tar[i]!;
  tar.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const archive = join(dir, 'size.tar.gz');
  writeFileSync(archive, gzipSync(tar));
  const dest = tempDir('bif-tar-dest');
  await rejects(extractTarGz(archive, dest), about(archive, 'entry "cifar-10-batches-bin/test_batch.bin" has an unreadable size field'));
  assert.equal(readdirSync(dest), []);
});

const ARCH = '1 0 1 1  1 0 0 1 1  1 0 1 0 3';

/** A tiny CIFAR-10 training config reading `root`. */
function cifarConfig(root: string): string {
  const path = join(dir, `cifar-config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({
    data: { dataset: 'cifar10', root }, model: { latent: 8, gf: 4, df: 4 },
    train: { steps: 2, dBatch: 4, gBatch: 4, nCritic: 1, sampleEvery: 100, checkpointEvery: 1 },
  }));
  return path;
}

test('CLI: train on bad data files exits 2 naming the file; a new run leaves no directory, a resumed one is untouched', () => {
  const root = tempDir('bif-train-data');
  const d = writeCifarDir(root, 2);
  const config = cifarConfig(root);
  const out = join(tempDir('bif-train-out'), 'run');
  const ok = cli('train', '--arch', ARCH, '--config', config, '--out', out);
  assert.is(ok.status, 0, ok.stderr);
  const saved = snapshot(out);
  assert.ok([...saved.keys()].some((k) => k.startsWith('checkpoints/step-')), [...saved.keys()].join(' '));

  writeFileSync(join(d, 'data_batch_3.bin'), cifarRecords([4, 10], () => 0));
  const resumed = cli('train', '--resume', out);
  assert.is(resumed.status, 2, resumed.stderr);
  assert.match(resumed.stderr, about(join(d, 'data_batch_3.bin'), 'record 1 has label 10, expected 0\\.\\.9', 'error: '));
  assert.equal(snapshot(out), saved);

  const fresh = join(tempDir('bif-train-new'), 'run');
  const r = cli('train', '--arch', ARCH, '--config', config, '--out', fresh);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /data_batch_3\.bin: record 1 has label 10/);
  assert.not.ok(existsSync(fresh), 'a run directory was left behind');
});

// ---------------------------------------------------------------- .npy and .npz files

const f8 = (shape: number[], values: number[]): NpyArray => ({ dtype: '<f8', shape, data: Float64Array.from(values) });

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** `.npy` bytes whose header dict is `dict` (padded as numpy pads it), followed by `data`. */
function npyWithHeader(dict: string, data: Uint8Array): Uint8Array {
  const header = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 11, ' ') + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(data, 10 + header.length);
  return out;
}

test('npy/npz: wrong types (integer and object dtypes, a folder) are refused naming the file', async () => {
  const ints = file('ints.npy', encodeNpy({ dtype: '<i8', shape: [3, 1], data: BigInt64Array.of(1n, 2n, 3n) }));
  await refuses(() => loadGaussianStats(ints), about(ints, 'the feature array has dtype <i8, expected float32 \\(<f4\\) or float64 \\(<f8\\)'));
  const objects = file('objects.npy', npyWithHeader("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(16)));
  await refuses(() => readNpy(objects), about(objects, "unsupported dtype '\\|O'"));
  const folder = join(dir, 'folder.npz');
  mkdirSync(folder);
  await refuses(() => loadGaussianStats(folder), about(folder, 'cannot read: EISDIR'));
});

test('npy/npz: out-of-range shapes (negative, absurd, empty, mu not a vector) are refused naming the file', async () => {
  const body = new Uint8Array(16);
  const negative = file('negative.npy', npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }", body));
  await refuses(() => readNpy(negative), about(negative, 'malformed shape in \\.npy header: \\(-1, 4\\)'));
  const absurd = file('absurd.npy', npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", body));
  await refuses(() => readNpy(absurd), about(absurd, 'shape \\(4611686018427387904, 4\\) has a dimension of 4611686018427387904, more than any file can hold'));
  const empty = file('empty.npy', encodeNpy({ dtype: '<f4', shape: [0, 4], data: new Float32Array(0) }));
  await refuses(() => loadGaussianStats(empty), about(empty, 'no features \\(shape \\(0, 4\\)\\)'));
  const matrixMu = file('matrix-mu.npz', encodeNpz({ mu: f8([1, 2], [0, 0]), sigma: f8([2, 2], [1, 0, 0, 1]) }, false));
  await refuses(() => loadGaussianStats(matrixMu), about(matrixMu, 'mu must be 1-d, has shape \\(1, 2\\)'));
});

test('npz: bytes after the end of the zip archive are refused, as .npy refuses bytes after its array', async () => {
  const good = encodeNpz({ mu: f8([1], [0]), sigma: f8([1, 1], [1]) }, true);
  const trailing = file('trailing.npz', Buffer.concat([good, Buffer.from('appended by a bad copy')]));
  await refuses(() => loadGaussianStats(trailing), about(trailing, '22 bytes past the end of the zip archive'));
});

test('npy/npz: infinite numbers in mu and in features are refused naming the element', async () => {
  const mu = file('inf-mu.npz', encodeNpz({ mu: f8([2], [0, Infinity]), sigma: f8([2, 2], [1, 0, 0, 1]) }, false));
  await refuses(() => loadGaussianStats(mu), about(mu, 'mu\\[1\\] is Infinity'));
  const features = file('inf-features.npy', encodeNpy({ dtype: '<f4', shape: [3, 1], data: Float32Array.of(1, 2, -Infinity) }));
  await refuses(() => loadGaussianStats(features), about(features, 'feature row 2 has a non-finite value \\(-Infinity\\)'));
});

test('npy: a header key numpy does not define is refused (np.load refuses it too); npz: arrays besides mu and sigma are ignored', async () => {
  const data = new Uint8Array(Float32Array.of(1, 2).buffer);
  const extraKey = file('extra-key.npy', npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'units': 'px', }", data));
  await refuses(() => readNpy(extraKey), about(extraKey, ".npy header has unknown key 'units' \\(the format has only descr, fortran_order, shape\\)"));
  // The same header without the key reads, so the refusal is about the key alone.
  assert.equal(readNpy(file('no-extra-key.npy', npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data))).data, Float32Array.of(1, 2));

  const stats = randomStats(5, 3);
  const plain = join(dir, 'plain.npz');
  saveGaussianStats(plain, stats);
  const mu: NpyArray = { dtype: '<f8', shape: [3], data: stats.mu };
  const sigma: NpyArray = { dtype: '<f8', shape: [3, 3], data: stats.sigma };
  const extra = file('extra-arrays.npz', encodeNpz({ n: f8([], [1000]), mu, features: f8([2, 3], [1, 2, 3, 4, 5, 6]), sigma }, true));
  assert.equal(loadGaussianStats(extra), loadGaussianStats(plain));
});

test('CLI: metrics is exits 2 naming a .npy of integers', () => {
  const probs = file('int-probs.npy', encodeNpy({ dtype: '<i4', shape: [2, 2], data: Int32Array.of(1, 0, 0, 1) }));
  const r = cli('metrics', 'is', '--probs', probs, '--splits', '1');
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, about(probs, 'the probability array has dtype <i4, expected float32', 'error: '));
});

// ---------------------------------------------------------------- GraphDef files

const nodes = inceptionGraphNodes(1);
/** The preprocessing and the first conv layer: what the loader reads first, cheap to write as a file. */
const head = nodes.slice(0, nodes.findIndex((n) => n.name === 'conv') + 1);
const replaced = (graph: readonly NodeDef[], name: string, by: NodeDef): NodeDef[] => graph.map((n) => (n.name === name ? by : n));
const withAttr = (n: NodeDef, key: string, value: AttrValue): NodeDef => ({ ...n, attr: new Map([...n.attr, [key, value]]) });
const constValue = (name: string): Float32Array => {
  const v = nodes.find((n) => n.name === name)!.attr.get('value');
  if (v?.kind !== 'tensor' || v.value.content === null) throw new Error(`no raw tensor ${name}`);
  return new Float32Array(new Uint8Array(v.value.content).buffer);
};

async function graphFile(name: string, graph: readonly NodeDef[] | Uint8Array): Promise<string> {
  const path = join(dir, name);
  if (graph instanceof Uint8Array) writeFileSync(path, graph);
  else await writeGraphFile(path, graph);
  return path;
}

/** A GraphDef holding one node, its bytes written by `fill`. */
const oneNode = (fill: (node: ProtoWriter) => ProtoWriter) => new ProtoWriter().message(1, fill(new ProtoWriter())).finish();

test('GraphDef: wrong types (a field with the wrong wire type, named by message, field and node; a folder) are refused', async () => {
  const cases: [Uint8Array, RegExp][] = [
    [oneNode((n) => n.varint(1, 7)), /^node 0: NodeDef\.name has wire type 0, expected 2 \(length-delimited\)$/],
    [oneNode((n) => n.string(1, 'w').string(2, 'Const').message(5, new ProtoWriter().string(1, 'value').message(2,
      new ProtoWriter().message(8, new ProtoWriter().varint(1, DT.float).varint(4, 1234))))),
      /^node 0 \("w"\): TensorProto\.tensor_content has wire type 0, expected 2/],
    [oneNode((n) => n.string(1, 'bn').message(5, new ProtoWriter().string(1, 'variance_epsilon').message(2, new ProtoWriter().varint(4, 1)))),
      /^node 0 \("bn"\): AttrValue\.f has wire type 0, expected 5 \(fixed32\)$/],
    [oneNode((n) => n.string(1, 'w').message(5, new ProtoWriter().string(1, 'value').message(2,
      new ProtoWriter().message(8, new ProtoWriter().varint(1, DT.float).message(2, new ProtoWriter().message(2, new ProtoWriter().float(1, 3))))))),
      /^node 0 \("w"\): TensorShapeProto\.Dim\.size has wire type 5, expected 0 \(varint\)$/],
    [oneNode((n) => n.string(1, 'w').message(5, new ProtoWriter().string(1, 'value').message(2,
      new ProtoWriter().message(8, new ProtoWriter().varint(1, DT.float).varint(5, 3))))),
      /^node 0 \("w"\): TensorProto\.float_val has wire type 0, expected 5 \(fixed32\) or 2 \(packed\)$/],
  ];
  for (const [bytes, re] of cases) {
    assert.throws(() => decodeGraphDef(bytes), (e: Error) => e instanceof ProtobufError && re.test(e.message), re.source);
  }
  const path = await graphFile('wire.pb', Buffer.concat([encodeGraphDef(head), cases[1]![0]]));
  await rejects(loadInceptionWeights(path), about(path, `not a TensorFlow GraphDef: node ${head.length} \\("w"\\): TensorProto\\.tensor_content has wire type 0`));
  const folder = join(dir, 'graph-folder');
  mkdirSync(folder);
  await rejects(loadInceptionWeights(folder), about(folder, 'cannot read: EISDIR'));
});

test('GraphDef: unknown fields of every message are skipped, as protobuf requires', () => {
  const known = nodes.slice(0, 8); // a float_val scalar, an int32 tensor, attributes of several kinds
  const withUnknown = new ProtoWriter();
  withUnknown.message(4, new ProtoWriter().varint(1, 21).varint(2, 0)); // GraphDef.versions
  for (const n of known) {
    const node = encodeNodeDef(n).message(6, new ProtoWriter().string(1, 'debug info')).varint(99, 1); // NodeDef.experimental_debug_info, a future field
    node.message(5, new ProtoWriter().string(1, 'fn').message(2, new ProtoWriter().message(10, new ProtoWriter().string(1, 'f')))); // AttrValue.func
    withUnknown.message(1, node);
  }
  const t: TensorProto = { dtype: DT.float, shape: [2], content: new Uint8Array(Float32Array.of(1, 2).buffer), floatVal: [], doubleVal: [], intVal: [], int64Val: [] };
  const tensor = encodeTensor(t).varint(3, 1).bytes(8, new TextEncoder().encode('s')); // version_number, string_val
  const shapeDimName = new ProtoWriter().message(2, new ProtoWriter().varint(1, 2).string(2, 'batch')); // Dim.name
  const unknownTensor = tensor.message(2, shapeDimName);
  withUnknown.message(1, new ProtoWriter().string(1, 'extra').string(2, 'Const').message(5, new ProtoWriter().string(1, 'value').message(2, new ProtoWriter().message(8, unknownTensor))));
  withUnknown.bytes(2, new Uint8Array(3)); // GraphDef.library

  const decoded = decodeGraphDef(withUnknown.finish());
  const expected = known.map((n) => ({ ...n, attr: new Map([...n.attr, ['fn', { kind: 'none' } as AttrValue]]) }));
  assert.equal(decoded.slice(0, known.length), expected);
  const extra = decoded[known.length]!.attr.get('value');
  assert.ok(extra?.kind === 'tensor' && Array.from(floatValues(extra.value)).join() === '1,2');
});

test('GraphDef: truncated and oversized files are refused naming the file', async () => {
  const bytes = encodeGraphDef(head);
  const cut = await graphFile('cut.pb', bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  await rejects(loadInceptionWeights(cut), about(cut, 'not a TensorFlow GraphDef: .*(runs past the end|truncated varint)'));
  const padded = await graphFile('padded.pb', Buffer.concat([bytes, Buffer.alloc(64)]));
  await rejects(loadInceptionWeights(padded), about(padded, 'not a TensorFlow GraphDef: field number 0 at byte'));
});

test('GraphDef: out-of-range shapes and values (negative or absurd dimensions, a non-positive variance) are refused', async () => {
  const tensor = (shape: number[]): TensorProto => ({ dtype: DT.float, shape, content: null, floatVal: [], doubleVal: [], intVal: [], int64Val: [] });
  assert.throws(() => floatValues(tensor([-1, 3])), (e: Error) => e instanceof ProtobufError && /shape \[-1, 3\] has a negative dimension/.test(e.message));
  assert.throws(() => floatValues(tensor([1e6, 1e6])), (e: Error) => e instanceof ProtobufError && /shape \[1000000, 1000000\] needs 4000000000000 bytes, more than the 1073741824/.test(e.message));

  const name = 'conv/batchnorm/moving_variance';
  const variance = Float32Array.from(constValue(name));
  variance[5] = -0.5;
  const path = await graphFile('variance.pb', replaced(head, name, floatConst(name, [32], variance)));
  await rejects(loadInceptionWeights(path), about(path, `node "${escape(name)}": value 5 is -0\\.5; with variance_epsilon 0\\.0010\\d* the batch norm divides by the square root of -0\\.49`));
});

test('GraphDef: NaN and infinite weights and attributes are refused, naming the node and the element', async () => {
  const w = 'conv/conv2d_params';
  const weights = Float32Array.from(constValue(w));
  weights[17] = NaN;
  const nan = await graphFile('nan.pb', replaced(head, w, floatConst(w, [3, 3, 3, 32], weights)));
  await rejects(loadInceptionWeights(nan), about(nan, `node "${w}": value 17 is NaN`));
  const bn = head.find((n) => n.name === 'conv/batchnorm')!;
  const eps = await graphFile('eps.pb', replaced(head, bn.name, withAttr(bn, 'variance_epsilon', { kind: 'f', value: Infinity })));
  await rejects(loadInceptionWeights(eps), about(eps, 'node "conv/batchnorm": attribute "variance_epsilon" is Infinity'));
  // Sub/y is read after every conv: the whole graph, in memory, with an infinite shift.
  const sub = nodes.find((n) => n.name === 'Sub/y')!;
  const t: TensorProto = { dtype: DT.float, shape: [], content: null, floatVal: [Infinity], doubleVal: [], intVal: [], int64Val: [] };
  assert.throws(() => inceptionWeightsFromGraph(replaced(nodes, 'Sub/y', withAttr(sub, 'value', { kind: 'tensor', value: t }))), /node "Sub\/y": value 0 is Infinity/);
});

test('CLI: metrics stats with a bad data file or a NaN graph exits 2 naming it, and the existing --out file is kept', () => {
  const root = tempDir('bif-stats');
  const d = writeCifarDir(root, 1);
  const out = file('existing-stats.npz', encodeNpz({ mu: f8([1], [42]), sigma: f8([1, 1], [1]) }, false));
  const before = readFileSync(out);
  const w = 'conv/conv2d_params';
  const weights = Float32Array.from(constValue(w));
  weights[3] = NaN;
  const graph = join(dir, 'stats-nan.pb');
  writeFileSync(graph, encodeGraphDef(replaced(head, w, floatConst(w, [3, 3, 3, 32], weights))));

  const badGraph = cli('metrics', 'stats', '--dataset', 'cifar10', '--root', root, '--inception', graph, '--out', out, '--split', 'test');
  assert.is(badGraph.status, 2, badGraph.stderr);
  assert.match(badGraph.stderr, about(graph, `node "${w}": value 3 is NaN`, 'error: '));

  writeFileSync(join(d, 'test_batch.bin'), Buffer.concat([cifarRecords([1, 2], () => 0), Buffer.alloc(5)]));
  const badData = cli('metrics', 'stats', '--dataset', 'cifar10', '--root', root, '--inception', graph, '--out', out, '--split', 'test');
  assert.is(badData.status, 2, badData.stderr);
  assert.match(badData.stderr, about(join(d, 'test_batch.bin'), 'size 6151 bytes is not a whole', 'error: '));
  assert.equal(readFileSync(out), before);

  const folderOut = tempDir('bif-stats-out');
  const r = cli('metrics', 'stats', '--dataset', 'mnist', '--out', folderOut);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^error: --out: ${escape(folderOut)} is a directory`));
  assert.ok(statSync(folderOut).isDirectory());
  const orphan = join(folderOut, 'no-such-folder', 'stats.npz');
  assert.throws(() => outputFileFlag({ out: orphan }, 'out'), (e: Error) => isInputError(e) && e.message === `--out: ${orphan}: the folder ${join(folderOut, 'no-such-folder')} does not exist`);
});

test('CLI: search on bad data files exits 2 naming the file, and takes away the run directory it had just made', async () => {
  const root = tempDir('bif-search-data');
  const d = writeCifarDir(root, 2);
  writeFileSync(join(d, 'data_batch_3.bin'), cifarRecords([4, 10], () => 0));
  const graph = await graphFile('search-inception.pb', nodes); // the search opens its feature network first
  const config = join(dir, 'search-cifar.json');
  writeFileSync(config, JSON.stringify({ data: { dataset: 'cifar10', root }, eval: { features: 'inception', inceptionGraph: graph } }));
  const out = join(tempDir('bif-search-out'), 'run');
  const r = cli('search', '--config', config, '--out', out);
  rmSync(graph);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, about(join(d, 'data_batch_3.bin'), 'record 1 has label 10, expected 0\\.\\.9', 'error: '));
  assert.not.ok(existsSync(out), 'a run directory was left behind');
});

test.run();
