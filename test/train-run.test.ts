import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { startBackend } from '../src/backend/select.js';
import { parseArch } from '../src/nn/arch.js';
import { runTraining } from '../src/train/train-run.js';
import { tempRunDir, tinySearchConfig } from './support/tiny-search.js';

test('a short train run on MNIST lowers D hinge loss from its start and writes valid PNG grids', async () => {
  await startBackend('auto');
  const dir = tempRunDir('train');
  const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;
  const config = tinySearchConfig({ model: { latent: 16, gf: 8, df: 8 }, train: { steps: 24, dBatch: 16, gBatch: 16, sampleEvery: 12, checkpointEvery: 12 } });
  const report = await runTraining({ config, arch: parseArch('1 0 1 1  1 0 0 1 1  1 0 1 0 3'), outDir: dir, resume: false, backend: 'test', log: () => {}, progress: quiet });
  assert.is(report.steps, 24);
  assert.ok(report.lastDLoss! < report.firstDLoss!, `D loss ${report.firstDLoss} → ${report.lastDLoss}`);
  assert.equal(report.samples.map((p) => p.slice(dir.length + 1)), ['samples/step-000000012.png', 'samples/final.png']);
  for (const p of report.samples) {
    const png = PNG.sync.read(readFileSync(p));
    assert.is(png.width, 8 * 34 + 2);
    assert.is(png.height, 8 * 34 + 2);
  }
  assert.equal(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).steps, 24);
});

test.run();
