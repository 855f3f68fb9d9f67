/**
 * The export's page (index.html beside page.js): an 8×8 grid from random latents, redrawn on a button; the arc
 * between two latents under a slider; and the page's own check against check.json. The export's files come
 * from the copy page.js carries (globalThis.autoganExport), so nothing is fetched. Bundled with tfjs by
 * scripts/bundle-export-page.mjs.
 */
import * as tf from '@tensorflow/tfjs';
import { CHECK_TOLERANCE, checkDifference, readCheckFile } from '../check-file.js';
import { generate, openExportedGenerator, type ExportedGenerator, type ReadExportFile } from '../exported-generator.js';

declare global {
  /** The export's files by name, base64, written ahead of this bundle in page.js. */
  var autoganExport: Record<string, string> | undefined;
}

const SOURCE = 'page.js';
const GRID = 8;

const read: ReadExportFile = async (name) => {
  const b64 = globalThis.autoganExport?.[name];
  if (b64 === undefined) throw new Error(`${SOURCE} carries no ${name}: export again`);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
};

function element<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/**
 * Draws images [n, S, S, C] in [−1, 1] on the canvas, `cols` per row with 1 px between them. The pixels are
 * read synchronously: a grid of a small generator takes milliseconds, and a page that finishes each drawing
 * in the task that asked for it is one a test (or a headless browser's dump) sees in a known state.
 */
function draw(canvas: HTMLCanvasElement, images: tf.Tensor4D, cols: number): void {
  const [n, s, , c] = images.shape;
  const rows = Math.ceil(n / cols);
  const data = images.dataSync();
  canvas.width = cols * (s + 1) + 1;
  canvas.height = rows * (s + 1) + 1;
  const ctx = canvas.getContext('2d')!;
  const out = ctx.createImageData(canvas.width, canvas.height);
  for (let k = 0; k < n; k++) {
    const [x0, y0] = [(k % cols) * (s + 1) + 1, Math.floor(k / cols) * (s + 1) + 1];
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        const src = ((k * s + y) * s + x) * c;
        const dst = ((y0 + y) * canvas.width + x0 + x) * 4;
        for (let ch = 0; ch < 3; ch++) out.data[dst + ch] = Math.round((data[src + (c === 1 ? 0 : ch)]! + 1) * 127.5);
        out.data[dst + 3] = 255;
      }
    }
  }
  ctx.putImageData(out, 0, 0);
}

/** Generates from `latents` and draws the images; the tensors are freed after. */
function drawFrom(gen: ExportedGenerator, canvas: HTMLCanvasElement, latents: number[][], cols: number): void {
  const images = generate(gen, latents);
  try {
    draw(canvas, images, cols);
  } finally {
    images.dispose();
  }
}

function randomLatents(n: number, size: number): number[][] {
  const z = tf.randomNormal([n, size]);
  const rows = z.arraySync() as number[][];
  z.dispose();
  return rows;
}

/** Spherical interpolation: Gaussian latents keep a typical length along the arc, as they do not along the chord. */
function slerp(a: readonly number[], b: readonly number[], t: number): number[] {
  const dot = a.reduce((s, v, i) => s + v * b[i]!, 0);
  const norm = Math.hypot(...a) * Math.hypot(...b);
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / norm)));
  if (omega < 1e-6) return a.map((v, i) => v + t * (b[i]! - v));
  const [wa, wb] = [Math.sin((1 - t) * omega) / Math.sin(omega), Math.sin(t * omega) / Math.sin(omega)];
  return a.map((v, i) => wa * v + wb * b[i]!);
}

async function main(): Promise<void> {
  await tf.ready();
  element('backend').textContent = `${tf.getBackend()} backend`;
  const gen = await openExportedGenerator(read, SOURCE);
  const check = await readCheckFile(read, SOURCE, gen);
  const difference = checkDifference(gen, check);
  const ok = difference <= CHECK_TOLERANCE;
  const checkLine = element('check');
  checkLine.textContent = `check.json: ${check.latents.shape[0]} latents, max |difference| ${difference.toExponential(2)} ` +
    `from the images the trained generator made: ${ok ? 'within' : 'NOT within'} ${CHECK_TOLERANCE.toExponential(0)}.`;
  checkLine.className = ok ? 'ok' : 'bad';
  checkLine.dataset['maxDifference'] = String(difference);

  const { latent } = gen.metadata;
  const grid = element<HTMLCanvasElement>('grid');
  const redraw = () => drawFrom(gen, grid, randomLatents(GRID * GRID, latent), GRID);
  let pair: number[][] = [];
  const slider = element<HTMLInputElement>('slider');
  const between = () => {
    const t = Number(slider.value);
    element('t').textContent = t.toFixed(2);
    drawFrom(gen, element('between'), [slerp(pair[0]!, pair[1]!, t)], 1);
  };
  const newPair = () => {
    pair = randomLatents(2, latent);
    drawFrom(gen, element('from'), [pair[0]!], 1);
    drawFrom(gen, element('to'), [pair[1]!], 1);
    between();
  };
  redraw();
  newPair();
  element<HTMLButtonElement>('redraw').onclick = redraw;
  element<HTMLButtonElement>('pair').onclick = newPair;
  slider.oninput = between;
  for (const id of ['redraw', 'pair', 'slider']) element<HTMLButtonElement>(id).disabled = false;
  element('status').textContent = `Ready: ${GRID * GRID} samples from random latents.`;
  document.body.dataset['state'] = 'ready';
}

main().catch((e: unknown) => {
  const status = element('status');
  status.textContent = `Failed: ${(e as Error).message ?? String(e)}`;
  status.className = 'error';
  document.body.dataset['state'] = 'error';
});
