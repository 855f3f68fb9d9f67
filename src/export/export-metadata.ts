/**
 * What an exported model says about itself (model.json's userDefinedMetadata, model.onnx's metadata_props):
 * the latent size, image side and channels, the architecture and where it was trained. Read back by
 * loadGenerator and the page, so it is checked like any other file we read.
 */
import { intIn, literal, natural, obj, oneOf, str, type Infer } from '../protocol/schema.js';

export const EXPORT_PRODUCER = 'autogan-ts';

export const exportMetadataSchema = obj({
  producer: literal(EXPORT_PRODUCER),
  /** Latent size: the input is [batch, latent], drawn from N(0, 1) as in training. */
  latent: intIn(1),
  /** Image side in pixels. */
  resolution: intIn(1),
  /** 1 (MNIST) or 3 (RGB). */
  channels: intIn(1),
  /** The 14 tokens, formatted as `autogan arch` takes them. */
  arch: str,
  dataset: str,
  /** The G step of the checkpoint exported. */
  step: natural,
  /** The output's axes: NHWC in tfjs, NCHW in ONNX; values in [−1, 1] either way. */
  layout: oneOf(['NHWC', 'NCHW']),
});

export type ExportMetadata = Infer<typeof exportMetadataSchema>;

/** The input's and output's names in both formats. */
export const INPUT_NAME = 'z';
export const OUTPUT_NAME = 'images';
