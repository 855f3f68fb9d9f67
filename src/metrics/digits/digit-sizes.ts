/**
 * The embedded digit classifier's sizes (digit-classifier.ts builds its layers), in a module that loads no tensor
 * code: the run config checks eval.samples against the feature size, and every actor loads the config's schema,
 * tensor-free ones included.
 */
export const DIGITS_SIDE = 32;
export const DIGITS_CLASSES = 10;
export const DIGITS_FEATURE_DIM = 128;
