import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { frechetDistance } from '../src/metrics/fid.js';
import { saveGaussianStats } from '../src/metrics/gaussian-stats-file.js';
import { tempDir } from './support/datafiles.js';
import { randomStats } from './support/gaussians.js';
import { TTUR_FID, python } from './support/python.js';

/**
 * The issue's accuracy bar: on 2,048-d statistics (Inception pool_3's size) our FID agrees with the
 * float64 reference, TTUR's scipy-sqrtm computation, to a relative 1e-3. Scipy's sqrtm takes about a
 * minute at this size on the CI machine, so the reference value for these seeded statistics is stored:
 * it was computed with `FID_SCIPY_REFERENCE=1`, which recomputes it (and prints it) where scipy exists.
 */
const SEED_A = 2048;
const SEED_B = 2049;
const REFLECTIONS = 64;
const SCIPY_FID = 2133.035322764603;

test('2,048-d FID agrees with TTUR\'s float64 scipy reference to a relative 1e-3', () => {
  const a = randomStats(SEED_A, 2048, REFLECTIONS);
  const b = randomStats(SEED_B, 2048, REFLECTIONS);
  const fid = frechetDistance(a, b);
  let reference = SCIPY_FID;
  if (process.env.FID_SCIPY_REFERENCE === '1') {
    const dir = tempDir('fid-2048');
    saveGaussianStats(join(dir, 'a.npz'), a);
    saveGaussianStats(join(dir, 'b.npz'), b);
    reference = Number(python(TTUR_FID, join(dir, 'a.npz'), join(dir, 'b.npz')));
    console.log(`scipy reference FID: ${reference}, ours: ${fid}`);
  }
  const rel = Math.abs(fid - reference) / Math.abs(reference);
  assert.ok(rel < 1e-3, `ours ${fid}, scipy ${reference}, relative error ${rel}`);
});

test.run();
