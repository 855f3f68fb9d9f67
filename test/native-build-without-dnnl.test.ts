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

// The addon built where oneDNN is absent (AUTOGAN_BUILD_NO_DNNL=1 hides it from the build as a machine without
// libdnnl-dev would): it must build, say it has no oneDNN, and compute the same convolutions on OpenBLAS.
(main.ok ? test : test.skip)('the addon built without oneDNN computes convolutions on OpenBLAS, as the oneDNN build does', () => {
  if (!main.ok) return;
  const dir = mkdtempSync(join(tmpdir(), 'autogan-native-'));
  try {
    for (const f of readdirSync(join(root, 'native'))) if (/\.(c|h|gyp|sh)$/.test(f)) cpSync(join(root, 'native', f), join(dir, f));
    execFileSync(process.execPath, [nodeGyp, 'rebuild'], { cwd: dir, env: { ...process.env, AUTOGAN_BUILD_NO_DNNL: '1' }, stdio: 'pipe' });
    const plain = createRequire(import.meta.url)(join(dir, 'build', 'Release', 'blas.node')) as BlasAddon;
    assert.is(plain.dnnl(), null);
    assert.is(plain.dnnlThreads(), 0);
    const g = Int32Array.from([2, 6, 5, 3, 6, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1]);
    const x = Float32Array.from({ length: 2 * 6 * 5 * 3 }, (_, i) => Math.sin(i));
    const w = Float32Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i));
    const bias = Float32Array.from([0.5, -1, 0, 2]);
    const run = (a: BlasAddon) => {
      const y = new Float32Array(2 * 6 * 5 * 4);
      a.conv2d(x, w, y, g, bias, true);
      const dx = new Float32Array(x.length);
      a.conv2dBackpropInput(y, w, dx, g);
      const dw = new Float32Array(w.length);
      a.conv2dBackpropFilter(x, y, dw, g);
      return [y, dx, dw];
    };
    const want = run(main.addon);
    run(plain).forEach((got, i) => got.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) <= 1e-4 * Math.max(1, Math.abs(want[i]![j]!)), `output ${i}[${j}]: ${v} vs ${want[i]![j]}`)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
