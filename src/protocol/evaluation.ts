/**
 * A training run's evaluations as they are saved (checkpoints, report.json), streamed (a deriver's steps) and
 * logged (`derive.evaluated`): IS and FID of the EMA generator at a step, and with the digit classifier its class
 * coverage. The one definition every writer and reader checks against.
 */
import { inceptionScore, savedLoss } from './saved-state.js';
import { FieldError } from '../errors.js';
import { arr, finite, intIn, natural, nullable, obj, optional, type Infer, type Schema } from '../util/schema.js';

/** A share of images: a fraction in [0, 1]. */
const share: Schema<number> = {
  parse(v, path) {
    const x = finite.parse(v, path);
    if (x < 0 || x > 1) throw new FieldError(path, `expected a share in 0..1, got ${x}`);
    return x;
  },
  jsonSchema: { type: 'number', minimum: 0, maximum: 1 },
};

/**
 * How the evaluated samples cover the classes (src/metrics/class-coverage.ts): `shares`, per class, the share of
 * the samples the classifier reads as that class; `dReal`, per class, the share of a fixed probe of held-out real
 * images of that class that D scores above 0 (null for a class the probe lacks).
 */
export const classCoverage = obj({ shares: arr(share), dReal: arr(nullable(share)) });
export type ClassCoverage = Infer<typeof classCoverage>;

/** The held-out real images' own figures (src/metrics/held-out-figures.ts), beside which a generator's are read. */
export const heldOutFigures = obj({ n: natural, is: nullable(inceptionScore), fid: nullable(savedLoss), shares: arr(share) });
export type HeldOutFiguresRecord = Infer<typeof heldOutFigures>;

/**
 * A periodic evaluation (train.evalEvery): IS and FID of the EMA generator at a step, and its class coverage
 * (null where the feature network is not the digit classifier; absent in runs made before it was measured).
 */
export const evalPoint = obj({ step: intIn(1), is: nullable(inceptionScore), fid: nullable(savedLoss), classes: optional(nullable(classCoverage)) });
export type EvalPoint = Infer<typeof evalPoint>;
