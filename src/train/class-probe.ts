/**
 * The real digits a training run measures class coverage with (issue 24), where its feature network is the digit
 * classifier: at each evaluation, D's scores on a fixed probe of held-out digits, the same number of each class,
 * give how much of each class D calls real (a class D rejects is one G is pushed away from, or one D never learnt);
 * at the end, the whole held-out split's IS, FID and class shares say what the generator's figures mean.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherBatch, type ImageDataset } from '../data/dataset.js';
import type { Discriminator } from '../nn/discriminator.js';
import { shareAboveZeroByClass } from '../metrics/class-coverage.js';
import type { FeatureNetwork } from '../metrics/feature-network.js';
import type { GaussianStats } from '../metrics/fid.js';
import { heldOutDigits, heldOutFigures, type HeldOutFigures } from '../metrics/held-out-figures.js';
import type { FeatureNetworkName } from '../metrics/open-feature-network.js';

/** Held-out digits of each class in D's probe: 500 images in all, a small cost beside an evaluation's 2,000 samples. */
export const PROBE_PER_CLASS = 50;
/** Images per D forward pass over the probe. */
const BATCH = 100;

/** The first `perClass` indices of each of `k` classes, in the order of `labels` (all of a class that has fewer). */
export function balancedIndices(labels: ArrayLike<number>, k: number, perClass: number): number[] {
  const taken = new Array<number>(k).fill(0);
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (taken[c]! < perClass) {
      taken[c]! += 1;
      out.push(i);
    }
  }
  return out;
}

export class ClassProbe {
  private readonly indices: number[];
  private readonly labels: Uint8Array;

  private constructor(private readonly heldOut: ImageDataset) {
    this.indices = balancedIndices(heldOut.labels!, heldOut.numClasses, PROBE_PER_CLASS);
    this.labels = Uint8Array.from(this.indices, (i) => heldOut.labels![i]!);
  }

  /** The probe of a run scored with `features`, or null where class coverage is not measured (heldOutDigits). */
  static async open(features: FeatureNetworkName): Promise<ClassProbe | null> {
    const ds = await heldOutDigits(features);
    return ds && new ClassProbe(ds);
  }

  /** Per class, the share of the probe's digits of that class that D (at its full depth, `blocks`) scores above 0. */
  dReal(D: Discriminator, blocks: readonly number[]): (number | null)[] {
    const ds = this.heldOut;
    const scores = new Float32Array(this.indices.length);
    for (let start = 0; start < this.indices.length; start += BATCH) {
      const part = this.indices.slice(start, start + BATCH);
      const out = tf.tidy(() => D.forward(tf.tensor4d(gatherBatch(ds, part), [part.length, ds.height, ds.width, ds.channels]), blocks));
      scores.set(out.dataSync() as Float32Array, start);
      out.dispose();
    }
    return shareAboveZeroByClass(scores, this.labels, ds.numClasses);
  }

  /** The whole held-out split's IS, FID (against `reference`) and class shares under `net`. */
  figures(net: FeatureNetwork, reference: GaussianStats | null, isSplits: number): HeldOutFigures {
    return heldOutFigures(this.heldOut, net, { isSplits, reference });
  }
}
