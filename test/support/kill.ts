import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';

export const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/main.js', ...args], { encoding: 'utf8' });

/**
 * `autogan ARGS` in a process whose files cannot grow past `kb` KiB (`ulimit -f`): its writes fail part-way
 * with EFBIG as they would with ENOSPC on a full disk, without needing a small file system to fill.
 */
export const cliWithFileLimit = (kb: number, ...args: string[]) =>
  spawnSync('bash', ['-c', `ulimit -f ${kb} && exec "$0" dist/main.js "$@"`, process.execPath, ...args], { encoding: 'utf8' });

/**
 * Starts `autogan ARGS`, waits until the file `waitFor` exists (a run's `config.json`: it can be resumed from
 * then on; or a checkpoint), then a further `delayMs`, and SIGKILLs it. Resolves to whether it was killed
 * before finishing.
 */
export function killAfter(args: string[], waitFor: string, delayMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/main.js', ...args], { stdio: 'ignore' });
    let timer: NodeJS.Timeout | undefined;
    const poll = setInterval(() => {
      if (!existsSync(waitFor)) return;
      clearInterval(poll);
      timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    }, 20);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      resolve(signal === 'SIGKILL' || code !== 0);
    });
  });
}

/** A kill delay drawn at random per run (printed, so a failing draw can be replayed). */
export function randomDelay(maxMs: number, label: string): number {
  const ms = Math.floor(Math.random() * maxMs);
  console.log(`  ${label}: kill ${ms} ms after the file it waits for appears (of at most ${Math.round(maxMs)})`);
  return ms;
}

/**
 * Writes the smallest whole search (three stages, a beam, one derived architecture) as a config file; `derive`
 * replaces keys of its search.derive.
 */
export function writeTinySearchConfig(path: string, seed: number, iterations: readonly number[] = [1, 1, 1], derive: Record<string, unknown> = {}): string {
  writeFileSync(path, JSON.stringify({
    seed, data: { dataset: 'mnist' }, model: { latent: 8, gf: 4, df: 4 },
    train: { dBatch: 8, gBatch: 8, nCritic: 2, sampleEvery: 100, checkpointEvery: 1 },
    eval: { samples: 130, features: 'digits', splits: 2 },
    search: {
      gf: 4, df: 4, iterations, minibatches: 3, controllerSteps: 2, childSamples: 20, beamCandidates: 3, beamKeep: 2,
      reset: { enabled: true, window: 50, threshold: 1e-3 }, derive: { candidates: 3, topK: 1, steps: 2, checkpointEvery: 1, ...derive },
    },
  }));
  return path;
}
