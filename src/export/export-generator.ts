/**
 * The export of a trained generator: its inference graph in the asked formats, check.json, and with the tfjs
 * format the page that draws. The files are made in memory and written as one folder (export-folder.ts); the
 * tfjs model is read back from the written folder and run on check.json's latents before the folder gets its
 * name, so a written export is one that tfjs has run.
 */
import * as tf from '@tensorflow/tfjs';
import { formatArch } from '../nn/arch.js';
import { nameSeed } from '../nn/params.js';
import type { EmaGenerator } from '../train/ema-generator.js';
import { CHECK_JSON, CHECK_TOLERANCE, checkDifference, checkFile, readCheckFile } from './check-file.js';
import { EXPORT_PRODUCER, type ExportMetadata } from './export-metadata.js';
import { writeExportFolder } from './export-folder.js';
import { pageFiles } from './export-page.js';
import { MODEL_JSON } from './exported-generator.js';
import { recordGenerator } from './inference-graph.js';
import { folderReader, loadGenerator } from './load-generator.js';
import { ONNX_FILE, onnxModelBytes } from './onnx-model.js';
import { graphModelFiles } from './tfjs-graph-model.js';

export const EXPORT_FORMATS = ['tfjs', 'onnx', 'both'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Latents in check.json: enough to show a runtime agrees, few enough to keep the file small. */
const CHECK_LATENTS = 4;

export interface ExportOutcome {
  /** The files written, by name. */
  readonly files: string[];
  /** As the tfjs model states it (the ONNX model's differs only in layout, NCHW). */
  readonly metadata: ExportMetadata;
  /** tfjs's largest |difference| from check.json, run on the written files; null without the tfjs format. */
  readonly tfjsDifference: number | null;
}

/** check.json for `CHECK_LATENTS` latents drawn from `seed`, as the generator makes them (inference mode). */
function checkJson({ G, meta }: EmaGenerator, seed: number): Uint8Array {
  const z = tf.randomNormal([CHECK_LATENTS, G.dims.latent], 0, 1, 'float32', nameSeed(seed, 'export.check')) as tf.Tensor2D;
  const images = tf.tidy(() => G.forward(z, meta.arch, false));
  try {
    return Buffer.from(JSON.stringify(checkFile(z, images)));
  } finally {
    z.dispose();
    images.dispose();
  }
}

/** Writes the export of `ema` as the folder `out` (new, or empty); `seed` draws check.json's latents. */
export async function writeGeneratorExport(ema: EmaGenerator, format: ExportFormat, out: string, seed: number): Promise<ExportOutcome> {
  const graph = recordGenerator(ema.G, ema.meta.arch);
  const metadata: ExportMetadata = {
    producer: EXPORT_PRODUCER, latent: graph.latent, resolution: graph.resolution, channels: graph.channels,
    arch: formatArch(ema.meta.arch), dataset: ema.meta.config.data.dataset, step: ema.meta.step, layout: 'NHWC',
  };
  const files = new Map<string, Uint8Array>([[CHECK_JSON, checkJson(ema, seed)]]);
  const tfjs = format !== 'onnx';
  if (tfjs) {
    const { modelJson, shards } = graphModelFiles(graph, metadata);
    files.set(MODEL_JSON, Buffer.from(JSON.stringify(modelJson)));
    for (const [name, bytes] of shards) files.set(name, bytes);
    for (const [name, bytes] of pageFiles(files, metadata)) files.set(name, bytes);
  }
  if (format !== 'tfjs') files.set(ONNX_FILE, onnxModelBytes(graph, { ...metadata, layout: 'NCHW' }));
  let tfjsDifference: number | null = null;
  await writeExportFolder(out, files, async (dir) => {
    if (!tfjs) return;
    const gen = await loadGenerator(dir);
    try {
      tfjsDifference = checkDifference(gen, await readCheckFile(folderReader(dir), dir, gen));
    } finally {
      gen.dispose();
    }
    if (!(tfjsDifference <= CHECK_TOLERANCE)) throw new Error(`export: the tfjs model differs from the generator by ${tfjsDifference} on check.json's latents (more than ${CHECK_TOLERANCE}); nothing was written`);
  });
  return { files: [...files.keys()], metadata, tfjsDifference };
}
