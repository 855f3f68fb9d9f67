/**
 * The runtimes an export is taken to, for the export tests: ONNX Runtime (onnxruntime-node) on model.onnx. It
 * gives back what it computed, for the test to compare.
 */
import * as ort from 'onnxruntime-node';
import { ProtoReader } from '../../src/metrics/inception/protobuf.js';

/** Images [n, S, S, C] (NHWC, as check.json holds them) that ONNX Runtime draws from `latents` [n, latent]. */
export async function onnxImages(model: string | Uint8Array, latents: Float32Array, n: number): Promise<{ data: Float32Array; shape: number[] }> {
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ z: new ort.Tensor('float32', latents, [n, latents.length / n]) });
    const y = out['images']!;
    const [b, c, h, w] = y.dims as [number, number, number, number];
    const nchw = y.data as Float32Array;
    const nhwc = new Float32Array(nchw.length);
    for (let i = 0; i < b; i++) for (let k = 0; k < c; k++) for (let r = 0; r < h; r++) for (let x = 0; x < w; x++) nhwc[((i * h + r) * w + x) * c + k] = nchw[((i * c + k) * h + r) * w + x]!;
    return { data: nhwc, shape: [b, h, w, c] };
  } finally {
    await session.release();
  }
}

/** model.onnx's opset of the default domain and its metadata_props, read from the protobuf. */
export function onnxHeader(bytes: Uint8Array): { opset: number; metadata: Record<string, string> } {
  const model = new ProtoReader(bytes);
  let opset = -1;
  const metadata: Record<string, string> = {};
  while (!model.done()) {
    const { field, wire } = model.readTag();
    if (field === 8 || field === 14) {
      const m = new ProtoReader(model.readBytes());
      const f: Record<number, string | number> = {};
      while (!m.done()) {
        const t = m.readTag();
        f[t.field] = t.wire === 0 ? m.readVarint() : m.readString();
      }
      if (field === 8 && (f[1] ?? '') === '') opset = f[2] as number;
      if (field === 14) metadata[f[1] as string] = f[2] as string;
    } else {
      model.skip(wire);
    }
  }
  return { opset, metadata };
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`${a.length} values against ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
