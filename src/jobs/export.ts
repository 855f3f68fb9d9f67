/**
 * The export job: a trained generator (a `train` run, or a search's derived architecture) as a tfjs GraphModel
 * and/or an ONNX model, with check.json and a page that draws (src/export). The CLI's `autogan export` and the
 * library's `exportGenerator()` run it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend, type BackendName } from '../backend/select.js';
import { InputError, flagError, isInputError, quote } from '../errors.js';
import { checkExportTarget } from '../export/export-folder.js';
import { EXPORT_FORMATS, writeGeneratorExport, type ExportFormat } from '../export/export-generator.js';
import type { ExportMetadata } from '../export/export-metadata.js';
import { ONNX_OPSET } from '../export/onnx-model.js';
import { loadEmaGenerator, type EmaGenerator } from '../train/ema-generator.js';
import { noLog, type JobOutput } from './job-options.js';

export interface ExportOptions extends JobOutput {
  /** A checkpoint of `autogan train` or its run directory (the newest intact checkpoint); a search's derive/topN too. */
  readonly checkpoint: string;
  /** The folder to write: new, or empty. */
  readonly out: string;
  /** Default both. */
  readonly format?: ExportFormat;
  /** Runs check.json's images and the tfjs model's own check (default auto). */
  readonly backend?: BackendName;
}

export interface ExportReport {
  readonly out: string;
  /** The checkpoint file read. */
  readonly checkpoint: string;
  readonly files: string[];
  readonly metadata: ExportMetadata;
  /** Of model.onnx; null without it. */
  readonly onnxOpset: number | null;
  /** tfjs's largest |difference| from check.json, run on the written files; null without the tfjs format. */
  readonly tfjsDifference: number | null;
}

/** The generator at `path`; a search run directory gets told where its generators are. */
function loadTrained(path: string): EmaGenerator {
  try {
    return loadEmaGenerator(path);
  } catch (e) {
    if (isInputError(e) && existsSync(join(path, 'derive'))) {
      throw new InputError(`${e.message}; a search's generators are its derived architectures: --checkpoint ${join(path, 'derive', 'top1')}`);
    }
    throw e;
  }
}

export async function exportGenerator(opts: ExportOptions): Promise<ExportReport> {
  const format = opts.format ?? 'both';
  if (!EXPORT_FORMATS.includes(format)) throw flagError('format', `unknown format ${quote(String(format))} (use ${EXPORT_FORMATS.join(', ')})`);
  if (!opts.out) throw flagError('out', 'is required');
  checkExportTarget(opts.out);
  await startBackend(opts.backend ?? 'auto', { log: opts.log ?? noLog });
  const ema = loadTrained(opts.checkpoint);
  try {
    const outcome = await writeGeneratorExport(ema, format, opts.out, ema.meta.config.seed);
    return { out: opts.out, checkpoint: ema.path, ...outcome, onnxOpset: format === 'tfjs' ? null : ONNX_OPSET };
  } finally {
    ema.G.dispose();
  }
}
