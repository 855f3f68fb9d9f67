import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBlasAddon, type BlasAddon } from '../src/backend/blas/addon.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = loadBlasAddon();
/** npm's own node-gyp, which `npm ci` builds the addon with. */
const nodeGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');

/**
 * The addon built where a library is absent (the variables hide it from the build, as a machine without
 * libdnnl-dev or libopenblas-dev would): it must build, say what it lacks, and compute the same convolutions and
 * products on what is left, OpenBLAS's sgemm or its own loops.
 */
const builds = [
  { without: 'oneDNN', env: { AUTOGAN_BUILD_NO_DNNL: '1' }, products: 'OpenBLAS' },
  { without: 'oneDNN and OpenBLAS', env: { AUTOGAN_BUILD_NO_DNNL: '1', AUTOGAN_BUILD_NO_OPENBLAS: '1' }, products: 'own loops' },
  { without: 'oneDNN, OpenBLAS and OpenMP', env: { AUTOGAN_BUILD_NO_DNNL: '1', AUTOGAN_BUILD_NO_OPENBLAS: '1', AUTOGAN_BUILD_NO_OPENMP: '1' }, products: 'own loops' },
] as const;

for (const build of builds) {
  (main.ok ? test : test.skip)(`the addon built without ${build.without} computes convolutions and products on ${build.products}, as the full build does`, () => {
    if (!main.ok) return;
    const dir = mkdtempSync(join(tmpdir(), 'autogan-native-'));
    try {
      for (const f of readdirSync(join(root, 'native'))) if (/\.(c|h|gyp|sh)$/.test(f)) cpSync(join(root, 'native', f), join(dir, f));
      execFileSync(process.execPath, [nodeGyp, 'rebuild'], { cwd: dir, env: { ...process.env, ...build.env }, stdio: 'pipe' });
      const plain = createRequire(import.meta.url)(join(dir, 'build', 'Release', 'blas.node')) as BlasAddon;
      assert.is(plain.dnnl(), null);
      // The team takes the share it is given where built with OpenMP, and stays one thread without it.
      plain.setKernelThreads(2);
      assert.is(plain.kernelThreads(), 'AUTOGAN_BUILD_NO_OPENMP' in build.env ? 1 : 2);
      assert.is(plain.openBlas(), build.products === 'OpenBLAS');
      if (build.products === 'own loops') assert.is(plain.config(), 'built-in loops (no OpenBLAS)');
      const g = Int32Array.from([2, 6, 5, 3, 6, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1]);
      const x = Float32Array.from({ length: 2 * 6 * 5 * 3 }, (_, i) => Math.sin(i));
      const w = Float32Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i));
      const bias = Float32Array.from([0.5, -1, 0, 2]);
      const a = Float32Array.from({ length: 2 * 9 * 37 }, (_, i) => Math.sin(0.3 * i));
      const b = Float32Array.from({ length: 2 * 37 * 35 }, (_, i) => Math.cos(0.2 * i));
      // Large enough (22 M multiply-adds) that a team of two splits it.
      const big = { M: 517, N: 67, K: 640 };
      const bigA = Float32Array.from({ length: big.M * big.K }, (_, i) => Math.sin(0.37 * i));
      const bigB = Float32Array.from({ length: big.K * big.N }, (_, i) => Math.cos(0.11 * i));
      const run = (addon: BlasAddon) => {
        const y = new Float32Array(2 * 6 * 5 * 4);
        addon.conv2d(x, w, y, g, bias, true);
        const dx = new Float32Array(x.length);
        addon.conv2dBackpropInput(y, w, dx, g);
        const dw = new Float32Array(w.length);
        addon.conv2dBackpropFilter(x, y, dw, g);
        const c = new Float32Array(2 * 9 * 35);
        addon.batchMatMul(a, b, c, Int32Array.from([2, 2, 9, 35, 37, 0, 0]));
        const bigC = new Float32Array(big.M * big.N);
        addon.batchMatMul(bigA, bigB, bigC, Int32Array.from([1, 1, big.M, big.N, big.K, 0, 0]));
        return [y, dx, dw, c, bigC];
      };
      const want = run(main.addon);
      run(plain).forEach((got, i) => got.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) <= 1e-4 * Math.max(1, Math.abs(want[i]![j]!)), `output ${i}[${j}]: ${v} vs ${want[i]![j]}`)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
