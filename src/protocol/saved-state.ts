/**
 * Schemas of the JSON pieces that checkpoints and actor states save beside their arrays: losses, timings, a
 * generator's state, a minibatch stream's position. Restoring checks them here, so a bad one is named by its field.
 */
import type { BatchCursor } from '../data/batches.js';
import { Rng, type RngState } from '../util/rng.js';
import { FieldError } from '../errors.js';
import { arr, finite, intIn, natural, num, obj, type Schema } from '../util/schema.js';

/** A loss is data even when it is NaN or infinite (a diverged GAN); JSON writes those as null, read back as NaN. */
export const savedLoss: Schema<number> = { parse: (v, path) => (v === null ? Number.NaN : num.parse(v, path)) };

/** An Inception Score: the mean and spread over its splits (NaN when the images are NaN). */
export const inceptionScore = obj({ mean: savedLoss, std: savedLoss });

/** Seconds spent: finite and not negative. */
export const seconds: Schema<number> = {
  parse(v, path) {
    const s = finite.parse(v, path);
    if (s < 0) throw new FieldError(path, `expected seconds ≥ 0, got ${s}`);
    return s;
  },
};

/** A saved Rng: four unsigned 32-bit words, not all zero. */
export const rngState: Schema<RngState> = {
  parse(v, path) {
    const state = obj({ s: arr(intIn(0, 0xffffffff)) }).parse(v, path);
    try {
      Rng.fromState(state);
    } catch (e) {
      throw new FieldError(`${path}.s`, (e as Error).message);
    }
    return state;
  },
};

/** Where a minibatch stream stands (the position is checked against the data set when the stream resumes). */
export const batchCursor: Schema<BatchCursor> = obj({ epoch: natural, position: natural, rng: rngState });
