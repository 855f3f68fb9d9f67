import { spawnSync } from 'node:child_process';
import type { Callback, Test } from 'uvu';
import { skipping } from './skipped.js';

const hasScipy: boolean = spawnSync('python3', ['-c', 'import numpy, scipy.linalg'], { encoding: 'utf8' }).status === 0;

/** CI (the CI variable set, as CI services and .ci/run set it) installs NumPy and SciPy: scripts/install-system-deps.sh. */
const inCI = !['', '0', 'false'].includes(process.env.CI ?? '');

/**
 * `test` for a cross-check against NumPy/SciPy as an independent float64 reference (the files that use it also
 * check against closed forms or another JS computation). Where they are missing, such a test is skipped, and
 * test/run.ts lists it with why; in CI it fails instead, since CI installs them and must run every cross-check.
 */
export function scipyTest<T>(test: Test<T>): (name: string, fn: Callback<T>) => void {
  const missing = 'NumPy/SciPy are missing (python3 -c \'import numpy, scipy.linalg\' failed; apt-get install python3-numpy python3-scipy)';
  if (hasScipy) return test;
  if (inCI) {
    return (name) => test(name, () => {
      throw new Error(`${missing}, and CI runs the SciPy cross-checks`);
    });
  }
  return skipping(test, `${missing}; with CI=1 these fail instead`);
}

/** Runs a Python snippet with `args` as sys.argv[1:]; returns its stdout, throws with its stderr. */
export function python(code: string, ...args: string[]): string {
  const r = spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/**
 * TTUR's `calculate_frechet_distance` (as in pytorch-fid): scipy's sqrtm of the product, the eps*I
 * offset retry when it is not finite, the real part. Reads mu/sigma from two .npz files.
 */
export const TTUR_FID = `
import sys, warnings, numpy as np
from scipy import linalg
warnings.simplefilter('ignore')
def sqrtm(m):
    r = linalg.sqrtm(m, disp=False)
    return r[0] if isinstance(r, tuple) else r
a = np.load(sys.argv[1]); b = np.load(sys.argv[2])
mu1, s1, mu2, s2 = a['mu'], a['sigma'], b['mu'], b['sigma']
diff = mu1 - mu2
covmean = sqrtm(s1.dot(s2))
if not np.isfinite(covmean).all():
    offset = np.eye(s1.shape[0]) * 1e-6
    covmean = sqrtm((s1 + offset).dot(s2 + offset))
covmean = covmean.real
print(repr(float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))))
`;
