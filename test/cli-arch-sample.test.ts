import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { generatorMacs } from '../src/nn/cost.js';
import { parseArch } from '../src/nn/arch.js';
import { startBackend } from '../src/backend/select.js';
import { runTraining } from '../src/train/train-run.js';
import { tempRunDir, tinySearchConfig } from './support/tiny-search.js';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/main.js', ...args], { encoding: 'utf8' });

test('multiply-adds of a simple architecture equal a hand count', () => {
  // Cell 1 only: post-activation, no norm, nearest, no shortcut; latent 2, gf 1, bottom 1, 1 channel.
  // stem 2·1 + two 3×3 convs at 2×2 (2·4·9) + output conv at 2×2 (4·9) = 2 + 72 + 36.
  assert.is(generatorMacs(parseArch('0 0 1 0'), { latent: 2, gf: 1, bottom: 1, channels: 1 }), 110);
  // Deconv mode adds block 1's transposed conv: 1·1·4.
  assert.is(generatorMacs(parseArch('0 0 2 0'), { latent: 2, gf: 1, bottom: 1, channels: 1 }), 114);
});

test('arch prints parameter counts and multiply-adds as JSON; bad input exits 2', () => {
  const r = cli('arch', '--arch', '1 0 1 1  1 0 0 1 1  1 0 1 0 3', '--gf', '16', '--df', '8', '--channels', '1', '--json');
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { generatorParameters: number; discriminatorParameters: number; generatorMacsPerImage: number; words: string[] };
  assert.ok(out.generatorParameters > 0 && out.discriminatorParameters > 0 && out.generatorMacsPerImage > 0);
  assert.is(out.words.length, 3);
  const bad = cli('arch', '--arch', '1 0 1 1  1 0 0 1 1  1 0 1 0 9');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /cell 3 token "skip" is 9; allowed 0\.\.3/);
  assert.is(cli('arch', '--shared', '--resolution', '30').status, 2);
});

test('sample writes a PNG grid from a trained checkpoint', async () => {
  await startBackend('auto');
  const dir = tempRunDir('sample');
  const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;
  const cfg = tinySearchConfig({ train: { steps: 2 } });
  await runTraining({ config: cfg, arch: parseArch('1 0 1 1  1 0 0 1 1  1 0 1 0 3'), outDir: dir, resume: false, backend: 'test', log: () => {}, progress: quiet });
  const png = join(dir, 'grid.png');
  const r = cli('sample', '--checkpoint', dir, '--out', png, '--n', '10');
  assert.is(r.status, 0, r.stderr);
  const img = PNG.sync.read(readFileSync(png));
  assert.is(img.width, 8 * 34 + 2); // 8 columns of 32 px with 2 px borders
  assert.is(img.height, 2 * 34 + 2);
  assert.is(cli('sample', '--checkpoint', join(dir, 'nothing-here'), '--out', png).status, 2);
  assert.ok(existsSync(png));
});

test.run();
