import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { openBlasCoreFor } from '../src/backend/blas/openblas-core.js';
import { loadBlasAddon } from '../src/backend/blas/addon.js';

const AVX512 = ['avx2', 'fma', 'avx512f', 'avx512vl', 'avx512bw', 'avx512dq', 'avx512cd'];

test('kernel set from instruction-set flags, not the model number', () => {
  assert.is(openBlasCoreFor(new Set(AVX512)), 'SkylakeX');
  assert.is(openBlasCoreFor(new Set(['sse3', 'avx', 'avx2', 'fma'])), 'Haswell');
  // AVX-512 without VL/BW (Knights Landing) is not SkylakeX; AVX2 without FMA is not Haswell.
  assert.is(openBlasCoreFor(new Set(['avx2', 'fma', 'avx512f', 'avx512cd'])), 'Haswell');
  assert.is(openBlasCoreFor(new Set(['sse3', 'avx', 'avx2'])), null);
  assert.is(openBlasCoreFor(new Set()), null);
});

/** What OpenBLAS reports it loaded, in a fresh process whose environment has `env`. */
function loadedConfig(env: NodeJS.ProcessEnv): string {
  const addonUrl = new URL('../src/backend/blas/addon.js', import.meta.url).href;
  const script = `import(${JSON.stringify(addonUrl)}).then((m) => { const l = m.loadBlasAddon(); console.log(l.ok ? l.addon.config() : 'not loaded: ' + l.why); })`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' }).trim();
}

test('the addon loads OpenBLAS with the kernels the CPU supports; a user setting wins', () => {
  if (!loadBlasAddon().ok) throw new Error('the native addon is not built (npm run build:native)');
  const { OPENBLAS_CORETYPE: _, ...env } = process.env;
  const flags = new Set((readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '').split(/\s+/));
  const expected = openBlasCoreFor(flags);
  const config = loadedConfig(env);
  if (expected) assert.ok(config.includes(expected), `${config} should use ${expected} kernels`);
  assert.ok(loadedConfig({ ...env, OPENBLAS_CORETYPE: 'Prescott' }).includes('Prescott'), 'user choice kept');
});

test.run();
