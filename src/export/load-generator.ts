/** An export's folder read in Node: its tfjs GraphModel (loadGenerator) and its check.json. */
import { readFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileError } from '../errors.js';
import { MODEL_JSON, openExportedGenerator, type ExportedGenerator, type ReadExportFile } from './exported-generator.js';
import { ONNX_FILE } from './onnx-model.js';
import { CHECK_JSON } from './check-file.js';

/** The files of the export folder `dir`; a missing or unreadable one is an input error naming it. */
export function folderReader(dir: string): ReadExportFile {
  return async (name) => {
    try {
      return await readFile(join(dir, name));
    } catch (e) {
      throw fileError(join(dir, name), `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): the export is incomplete`);
    }
  };
}

/** Whether `dir` is an export's folder (every export has its check.json), whatever formats it holds. */
export function isExportFolder(dir: string): boolean {
  return statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true && existsSync(join(dir, CHECK_JSON));
}

/**
 * Loads the generator of an `autogan export` folder (its tfjs format) on the current tfjs backend.
 *
 * @example
 * const gen = await loadGenerator('exports/top1');
 * const images = generate(gen, tf.randomNormal([16, gen.metadata.latent])); // [16, S, S, C] in [−1, 1]
 */
export async function loadGenerator(dir: string): Promise<ExportedGenerator> {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw fileError(dir, 'no such export folder');
  if (!existsSync(join(dir, MODEL_JSON))) {
    throw fileError(dir, existsSync(join(dir, ONNX_FILE))
      ? `holds only the ONNX model; tfjs reads the tfjs format (\`autogan export --format tfjs\` or both)`
      : `not an export of \`autogan export\` (no ${MODEL_JSON})`);
  }
  return openExportedGenerator(folderReader(dir), dir);
}
