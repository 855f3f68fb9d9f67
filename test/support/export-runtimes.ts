/**
 * The runtimes an export is taken to, for the export tests: ONNX Runtime (onnxruntime-node) on model.onnx, and
 * the export's own page in headless chromium. Each gives back what it computed, for the test to compare.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ProtoReader } from '../../src/metrics/inception/protobuf.js';
import { checkInBrowser } from './chromium.js';

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

export interface PageChecks {
  state: string;
  status: string;
  backend: string;
  /** The page's own check against check.json. */
  maxDifference: number;
  /** Distinct grey levels on the 8×8 grid, and its size. */
  gridLevels: number;
  gridSize: [number, number];
  /** Whether the grid's pixels changed on Redraw. */
  redrawChanged: boolean;
  /** The slider's image at 0 equals z₀'s, at 1 z₁'s, and at 0.5 neither. */
  sliderAtStart: boolean;
  sliderAtEnd: boolean;
  sliderBetween: boolean;
}

/**
 * Opens the export's index.html from its folder in headless chromium with every host name unresolvable (so the
 * page works offline or fails), waits for it to draw, then presses Redraw and moves the slider.
 */
export async function checkPage(dir: string): Promise<PageChecks> {
  const script = `async () => {
    // Waits (in chromium's virtual time) until ok() holds; false if it never does.
    const until = async (ok) => { for (let i = 0; i < 2000; i++) { if (ok()) return true; await new Promise((r) => setTimeout(r, 50)); } return false; };
    await until(() => document.body.dataset.state);
    const pixels = (id) => { const c = document.getElementById(id); return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data); };
    const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
    const grid = pixels('grid');
    const gridCanvas = document.getElementById('grid');
    const out = {
      state: document.body.dataset.state, status: document.getElementById('status').textContent,
      backend: document.getElementById('backend').textContent,
      maxDifference: Number(document.getElementById('check').dataset.maxDifference ?? NaN),
      gridLevels: new Set(grid.filter((_, i) => i % 4 === 0)).size, gridSize: [gridCanvas.width, gridCanvas.height],
    };
    if (out.state !== 'ready') return out;
    const settled = async (draw) => { const before = document.getElementById('between').toDataURL(); draw(); await until(() => document.getElementById('between').toDataURL() !== before); };
    document.getElementById('redraw').click();
    out.redrawChanged = await until(() => !same(pixels('grid'), grid));
    const slider = document.getElementById('slider');
    const at = async (t) => { slider.value = String(t); await settled(() => slider.dispatchEvent(new Event('input'))); return pixels('between'); };
    out.sliderAtStart = same(await at(0), pixels('from'));
    out.sliderAtEnd = same(await at(1), pixels('to'));
    const mid = await at(0.5);
    out.sliderBetween = !same(mid, pixels('from')) && !same(mid, pixels('to'));
    return out;
  }`;
  return (await checkInBrowser(readFileSync(join(dir, 'index.html'), 'utf8'), script, dir, '--virtual-time-budget=600000', '--host-resolver-rules=MAP * ~NOTFOUND')) as PageChecks;
}
