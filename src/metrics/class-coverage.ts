/**
 * How evenly a generator covers the classes (mode coverage, issue 24): the share of each class among its samples as
 * a classifier reads them, and how a discriminator scores real images class by class. Pure arithmetic on numbers
 * already read back from tensors, so that the figures a run logs can be checked by hand.
 */

/**
 * The share of each of `k` classes among `predicted` (a class index per sample, e.g. the argmax of a classifier's
 * logits). The shares sum to 1.
 *
 * @example
 * classShares([0, 2, 2, 1], 3); // [0.25, 0.25, 0.5]
 */
export function classShares(predicted: ArrayLike<number>, k: number): number[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`classShares: k must be a positive integer, got ${k}`);
  if (predicted.length === 0) throw new Error('classShares: no samples');
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < predicted.length; i++) {
    const c = predicted[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new Error(`classShares: sample ${i} has class ${c}, outside 0..${k - 1}`);
    counts[c]! += 1;
  }
  return counts.map((n) => n / predicted.length);
}

/**
 * Per class, the share of the images of that class whose score is above 0: with a hinge-loss discriminator's
 * outputs on real images, how much of each class D calls real. Null for a class with no image (no share to give);
 * a NaN score (a diverged D) counts as not above 0.
 *
 * @example
 * shareAboveZeroByClass([0.5, -1, 2, 3], [0, 0, 1, 1], 3); // [0.5, 1, null]
 */
export function shareAboveZeroByClass(scores: ArrayLike<number>, labels: ArrayLike<number>, k: number): (number | null)[] {
  if (scores.length !== labels.length) throw new Error(`shareAboveZeroByClass: ${scores.length} scores for ${labels.length} labels`);
  const above = new Array<number>(k).fill(0);
  const total = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new Error(`shareAboveZeroByClass: image ${i} has class ${c}, outside 0..${k - 1}`);
    total[c]! += 1;
    if (scores[i]! > 0) above[c]! += 1;
  }
  return total.map((n, c) => (n === 0 ? null : above[c]! / n));
}

/** A class drawn in fewer than this share of the samples counts as under-drawn: issue 24 asks for 5 % of each digit. */
export const UNDER_DRAWN_SHARE = 0.05;
