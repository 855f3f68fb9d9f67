/**
 * check.json: a few latents and the images this program's generator draws from them (NHWC, in [−1, 1]), so
 * that any runtime the model is taken to can check itself: run the latents, compare the largest absolute
 * difference with CHECK_TOLERANCE. Runs in the browser too: no Node imports.
 */
import * as tf from '@tensorflow/tfjs';
import { FieldError, arr, checkedFromFile, finite, literal, natural, obj, type Infer } from '../protocol/schema.js';
import { generate, readExportJson, type ExportedGenerator, type ReadExportFile } from './exported-generator.js';

export const CHECK_JSON = 'check.json';
/** How far another runtime's images may be from ours: float32 arithmetic in another order, well under a grey level. */
export const CHECK_TOLERANCE = 1e-4;

const array = obj({ shape: arr(natural), data: arr(finite) });
const checkSchema = obj({ format: literal('autogan-export-check'), latents: array, images: obj({ ...array.shape, layout: literal('NHWC') }) });

export type CheckFile = Infer<typeof checkSchema>;

/** check.json's content for `latents` and the images made from them. */
export function checkFile(latents: tf.Tensor2D, images: tf.Tensor4D): CheckFile {
  return {
    format: 'autogan-export-check',
    latents: { shape: latents.shape, data: Array.from(latents.dataSync()) },
    images: { shape: images.shape, layout: 'NHWC', data: Array.from(images.dataSync()) },
  };
}

/** Reads and checks an export's check.json against the model's latent size, side and channels. */
export async function readCheckFile(read: ReadExportFile, source: string, gen: ExportedGenerator): Promise<CheckFile> {
  const raw = await readExportJson(read, source, CHECK_JSON);
  return checkedFromFile(`${source}/${CHECK_JSON}`, () => {
    const check = checkSchema.parse(raw, '');
    const { latent, resolution: s, channels } = gen.metadata;
    const n = check.latents.shape[0] ?? 0;
    const expect = (field: string, shape: number[], want: number[]) => {
      if (shape.join() !== want.join()) throw new FieldError(field, `is [${shape}]; the model's metadata says [${want}]`);
    };
    expect('latents.shape', check.latents.shape, [n, latent]);
    expect('images.shape', check.images.shape, [n, s, s, channels]);
    for (const key of ['latents', 'images'] as const) {
      const size = check[key].shape.reduce((a, b) => a * b, 1);
      if (check[key].data.length !== size) throw new FieldError(`${key}.data`, `has ${check[key].data.length} values; the shape needs ${size}`);
    }
    return check;
  });
}

/** The largest |difference| between the generator's images for the check's latents and the check's images. */
export function checkDifference(gen: ExportedGenerator, check: CheckFile): number {
  return tf.tidy(() => {
    const images = generate(gen, tf.tensor2d(check.latents.data, check.latents.shape as [number, number]));
    return tf.max(tf.abs(tf.sub(images, tf.tensor(check.images.data, check.images.shape)))).dataSync()[0]!;
  });
}
