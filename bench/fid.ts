import { frechetDistance } from '../src/metrics/fid.js';
import { fidByMlMatrix } from '../test/support/ml-matrix-fid.js';
import { randomStats } from '../test/support/gaussians.js';
import { printTable, timeIt, type BenchRow } from './report.js';

/**
 * Time of one FID between dense random statistics. At 2,048-d (Inception pool_3) only ours runs; at
 * 512-d it runs beside the textbook route on ml-matrix's full eigendecompositions, the measurement that
 * justified writing our own eigenvalue-only solver (ml-matrix needs about a minute per 2,048-d
 * eigendecomposition, two of them and three products: minutes per FID).
 */
export async function benchFid(): Promise<void> {
  const rows: BenchRow[] = [];
  for (const dim of [512, 2048]) {
    const a = randomStats(1, dim, 32);
    const b = randomStats(2, dim, 32);
    const reps = dim > 1000 ? 1 : 3;
    const ours = await timeIt(() => void frechetDistance(a, b), reps, dim > 1000 ? 0 : 1);
    rows.push({ bench: 'fid', dim, method: 'pivoted Cholesky + eigenvalues (ours)', seconds: ours });
    if (dim <= 512) {
      const ml = await timeIt(() => void fidByMlMatrix(a, b), 1, 0);
      rows.push({ bench: 'fid', dim, method: 'ml-matrix eigendecompositions', seconds: ml });
    }
  }
  printTable('FID: one Fréchet distance in float64', rows);
}
