/**
 * What a generator's scores mean: the same figures for real images it never trained on. For MNIST under the
 * embedded digit classifier these are the 2,000 held-out digits: their IS (about 9.2) and FID against the
 * training digits (about 3) are what a perfect generator would score, and the share of each class the
 * classifier reads among them (about 10 % each) is the even coverage a generator should reach.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherBatch, type ImageDataset } from '../data/dataset.js';
import { loadSplit } from '../data/load.js';
import type { FeatureNetwork } from './feature-network.js';
import type { GaussianStats } from './fid.js';
import type { InceptionScore } from './inception-score.js';
import type { FeatureNetworkName } from './open-feature-network.js';
import { scoreImages, type ImageSampler } from './score-generator.js';

export interface HeldOutFigures {
  /** Real images scored: the whole held-out split. */
  readonly n: number;
  readonly is: InceptionScore | null;
  /** Against the same reference statistics as the generator's FID. */
  readonly fid: number | null;
  /** Per class, the share of the real images the network reads as that class. */
  readonly shares: number[];
}

/**
 * The labelled real images class coverage is measured against, or null where it is not measured: the held-out
 * MNIST digits when the feature network is the digit classifier, whose classes are the digits. (Inception's
 * 1,008 ImageNet classes are not the classes of CIFAR-10 or STL-10.)
 */
export async function heldOutDigits(features: FeatureNetworkName): Promise<ImageDataset | null> {
  return features === 'digits' ? loadSplit('mnist', 'test') : null;
}

/** A data set's images in order, as a sampler: image i of the sampler is image i of `ds`. */
export function datasetSampler(ds: ImageDataset): ImageSampler {
  return (count, offset) => {
    if (offset + count > ds.count) throw new Error(`${ds.name}/${ds.split} has ${ds.count} images, asked for ${offset}..${offset + count - 1}`);
    const indices = Array.from({ length: count }, (_, i) => offset + i);
    return tf.tensor4d(gatherBatch(ds, indices), [count, ds.height, ds.width, ds.channels]);
  };
}

/**
 * IS, FID and class shares of every image of `ds`, scored as a generator's samples are (`scoreImages`).
 *
 * @example
 * const real = heldOutFigures(await heldOutDigits('digits'), digits, { isSplits: 10, reference: trainStats });
 * // { n: 2000, is: { mean: 9.2, … }, fid: 3.0, shares: [0.1, …] }
 */
export function heldOutFigures(ds: ImageDataset, net: FeatureNetwork, opts: { isSplits: number | null; reference: GaussianStats | null }): HeldOutFigures {
  const { n, is, fid, shares } = scoreImages(datasetSampler(ds), net, { n: ds.count, isSplits: opts.isSplits, reference: opts.reference, classShares: true });
  return { n, is, fid, shares: shares! };
}
