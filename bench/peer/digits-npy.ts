/**
 * The bridge between this project and a PyTorch calibration run (bench/peer/calibrate_gan.py), so that both train on
 * the same digits and are scored by the same classifier:
 *
 *   node .test-build/bench/peer/digits-npy.js export --out DIR
 *     writes DIR/mnist-train.npy, the 8,000 training digits exactly as training batches see them
 *     (float32 [8000, 32, 32, 1] in [-1, 1], gatherBatch), and DIR/mnist-train-labels.npy (uint8 [8000]);
 *   node .test-build/bench/peer/digits-npy.js score FILE.npy [FILE.npy …] [--json]
 *     scores each file of images (float32 [N, 32, 32, 1] or [N, 1, 32, 32] in [-1, 1]) as a run's evaluation
 *     does: IS (10 splits) and FID against the training digits' statistics under the embedded digit classifier,
 *     and the share of each digit.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend, parseBackendName } from '../../src/backend/select.js';
import { gatherBatch } from '../../src/data/dataset.js';
import { loadSplit, TRAINING_SPLIT } from '../../src/data/load.js';
import { floatData, readNpy, writeNpy } from '../../src/metrics/npy.js';
import { openFeatureNetwork } from '../../src/metrics/open-feature-network.js';
import { referenceStats } from '../../src/metrics/reference-stats.js';
import { scoreImages } from '../../src/metrics/score-generator.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function exportDigits(dir: string): Promise<void> {
  const ds = await loadSplit('mnist', TRAINING_SPLIT.mnist);
  const images = gatherBatch(ds, Array.from({ length: ds.count }, (_, i) => i));
  mkdirSync(dir, { recursive: true });
  writeNpy(join(dir, 'mnist-train.npy'), { dtype: '<f4', shape: [ds.count, ds.height, ds.width, ds.channels], data: images });
  writeNpy(join(dir, 'mnist-train-labels.npy'), { dtype: '|u1', shape: [ds.count], data: ds.labels! });
  console.log(`wrote ${ds.count} digits to ${dir}`);
}

/** NHWC images from a file holding NHWC or NCHW single-channel images. */
function readImages(path: string): tf.Tensor4D {
  const a = readNpy(path);
  const data = Float32Array.from(floatData(a, path, 'images'));
  const s = a.shape;
  if (s.length !== 4 || (s[1] !== 1 && s[3] !== 1)) throw new Error(`${path}: expected [N, H, W, 1] or [N, 1, H, W], got [${s}]`);
  const nhwc = s[3] === 1 ? [s[0]!, s[1]!, s[2]!, 1] : [s[0]!, s[2]!, s[3]!, 1];
  return tf.tensor4d(data, nhwc as [number, number, number, number]);
}

async function score(files: string[]): Promise<void> {
  const network = await openFeatureNetwork('digits', null);
  const reference = await referenceStats({
    dataset: 'mnist', split: TRAINING_SPLIT.mnist, root: null, network, statsFile: null, cacheDir: 'runs/sweep-stats', log: () => {},
  });
  for (const file of files) {
    const images = readImages(file);
    const n = images.shape[0];
    const s = scoreImages((count, offset) => tf.slice(images, [offset, 0, 0, 0], [count, -1, -1, -1]), network.net, { n, isSplits: 10, reference, classShares: true });
    images.dispose();
    const row = { file, n, is: s.is!.mean, fid: s.fid, shares: s.shares!.map((x) => Math.round(x * 1000) / 10) };
    console.log(process.argv.includes('--json') ? JSON.stringify(row) : `${file}: n ${n}  IS ${row.is.toFixed(2)}  FID ${row.fid!.toFixed(1)}  shares % ${row.shares.join(' ')}`);
  }
  network.net.dispose();
}

const [command, ...rest] = process.argv.slice(2);
await startBackend(parseBackendName(flag('backend') ?? 'auto'));
if (command === 'export') {
  const out = flag('out');
  if (!out) throw new Error('export needs --out DIR');
  await exportDigits(out);
} else if (command === 'score') {
  const files = rest.filter((a, i) => !a.startsWith('--') && !(rest[i - 1] ?? '').startsWith('--backend'));
  if (files.length === 0) throw new Error('score needs at least one .npy file');
  await score(files);
} else {
  throw new Error('usage: digits-npy.js export --out DIR | score FILE.npy [FILE.npy …] [--json] [--backend B]');
}
