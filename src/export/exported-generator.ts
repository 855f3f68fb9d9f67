/**
 * An exported generator read back as a tfjs GraphModel, from any source of its files: a folder in Node
 * (load-generator.ts) or the copy embedded in the export's page. Runs in the browser too: no Node imports.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError, fileError } from '../errors.js';
import { arr, checkedFromFile, isRecord, literal, natural, objWith, oneOf, str } from '../protocol/schema.js';
import { EXPORT_PRODUCER, INPUT_NAME, OUTPUT_NAME, exportMetadataSchema, type ExportMetadata } from './export-metadata.js';

export const MODEL_JSON = 'model.json';

/** Reads one file of an export by its name (model.json, a shard, check.json). */
export type ReadExportFile = (name: string) => Promise<Uint8Array>;

export interface ExportedGenerator {
  readonly model: tf.GraphModel;
  readonly metadata: ExportMetadata;
  /** Where it was read from, for messages. */
  readonly source: string;
  dispose(): void;
}

/** The fields of model.json this program reads; other tools may add more. */
const modelJsonSchema = objWith({
  format: literal('graph-model'),
  modelTopology: objWith({}),
  weightsManifest: arr(objWith({ paths: arr(str), weights: arr(objWith({ name: str, shape: arr(natural), dtype: oneOf(['float32', 'int32']) })) })),
  userDefinedMetadata: exportMetadataSchema,
});

/** JSON read from an export's file, or an input error naming the file. */
export async function readExportJson(read: ReadExportFile, source: string, name: string): Promise<unknown> {
  const text = new TextDecoder().decode(await read(name));
  try {
    return JSON.parse(text);
  } catch {
    throw fileError(`${source}/${name}`, 'not JSON: damaged, or not a file of `autogan export`');
  }
}

/** Loads the tfjs model of an export; what it reads is checked, and bad files are input errors naming them. */
export async function openExportedGenerator(read: ReadExportFile, source: string): Promise<ExportedGenerator> {
  const path = `${source}/${MODEL_JSON}`;
  const raw = await readExportJson(read, source, MODEL_JSON);
  if (isRecord(raw) && isRecord(raw['userDefinedMetadata']) && raw['userDefinedMetadata']['producer'] !== EXPORT_PRODUCER) {
    throw fileError(path, 'not a generator exported by `autogan export` (its metadata names no autogan-ts producer)');
  }
  const json = checkedFromFile(path, () => modelJsonSchema.parse(raw, ''));
  if (json.userDefinedMetadata.layout !== 'NHWC') throw fileError(path, `userDefinedMetadata.layout is ${json.userDefinedMetadata.layout}; a tfjs model is NHWC`);
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const shards = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => read(p)));
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  shards.reduce((at, s) => (weightData.set(s, at), at + s.length), 0);
  const expected = weightSpecs.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  if (weightData.length !== expected) throw fileError(path, `its weight shards hold ${weightData.length} bytes; the manifest's weights take ${expected}: a shard is damaged or missing`);
  const artifacts: tf.io.ModelArtifacts = {
    // The checked fields only: the graph itself goes to tfjs as written.
    modelTopology: (raw as { modelTopology: object }).modelTopology,
    weightSpecs: weightSpecs as tf.io.WeightsManifestEntry[],
    weightData: weightData.buffer,
    format: json.format,
    userDefinedMetadata: json.userDefinedMetadata,
    signature: (raw as { signature?: object }).signature,
  };
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel({ load: async () => artifacts });
  } catch (e) {
    throw fileError(path, `tfjs cannot load the graph: ${(e as Error).message}`);
  }
  return { model, metadata: json.userDefinedMetadata, source, dispose: () => model.dispose() };
}

/**
 * Images [n, S, S, C] in [−1, 1] from latents [n, latent] (a tensor, which stays the caller's, or rows of
 * numbers). The caller disposes the result.
 */
export function generate(gen: ExportedGenerator, latents: tf.Tensor2D | readonly (readonly number[])[]): tf.Tensor4D {
  const z = latents instanceof tf.Tensor ? latents : tf.tensor2d(latents.map((row) => [...row]));
  try {
    if (z.rank !== 2 || z.shape[1] !== gen.metadata.latent) {
      throw new InputError(`latents of shape [${z.shape}]; the generator in ${gen.source} takes [n, ${gen.metadata.latent}]`);
    }
    return gen.model.execute({ [INPUT_NAME]: z }, OUTPUT_NAME) as tf.Tensor4D;
  } finally {
    if (z !== latents) z.dispose();
  }
}
