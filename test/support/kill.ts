import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';

export const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/main.js', ...args], { encoding: 'utf8' });

/**
 * `autogan ARGS` in a process whose files cannot grow past `kb` KiB (`ulimit -f`): its writes fail part-way
 * with EFBIG as they would with ENOSPC on a full disk, without needing a small file system to fill.
 */
export const cliWithFileLimit = (kb: number, ...args: string[]) =>
  spawnSync('bash', ['-c', `ulimit -f ${kb} && exec "$0" dist/main.js "$@"`, process.execPath, ...args], { encoding: 'utf8' });

/** How a run given a SIGKILL ended: by it, or by finishing first, `aliveMs` after the file it waited for appeared. */
export type KillOutcome = { killed: true } | { killed: false; aliveMs: number };

/**
 * Starts `autogan ARGS`, waits until the file `waitFor` exists (a run's `config.json`: it can be resumed from
 * then on; or a checkpoint), then a further `delayMs`, and SIGKILLs it. Resolves with whether the SIGKILL ended
 * it or the run finished first (exit 0); any other end (a crash, an error) rejects, with the run's stderr.
 */
export function killAfter(args: string[], waitFor: string, delayMs: number): Promise<KillOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/main.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    let timer: NodeJS.Timeout | undefined;
    let appeared = 0;
    const poll = setInterval(() => {
      if (!existsSync(waitFor)) return;
      clearInterval(poll);
      appeared = Date.now();
      timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    }, 20);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve({ killed: true });
      else if (code === 0) resolve({ killed: false, aliveMs: appeared ? Date.now() - appeared : 0 });
      else reject(new Error(`autogan ${args.join(' ')} ended by itself (${signal ?? `exit ${code}`}) before its SIGKILL:\n${stderr}`));
    });
  });
}

/**
 * SIGKILLs `autogan ARGS` part-way through: a delay drawn at random below `maxDelayMs` after `waitFor` appears.
 * A run that ends before its kill, or whose SIGKILL came only after `finished()` (its last file written), was not
 * cut, so it is drawn again, below the time that run lived, from `dir` (the run's directory) as it was before.
 * Fails if three draws in a row do not cut the run. Resolves with the delay of the kill that did.
 */
export async function killMidRun(args: string[], dir: string, waitFor: string, maxDelayMs: number, label: string, finished: () => boolean): Promise<number> {
  const before = `${dir}.before-kill`;
  if (existsSync(dir)) cpSync(dir, before, { recursive: true });
  let max = maxDelayMs;
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (attempt > 1) {
      rmSync(dir, { recursive: true, force: true });
      if (existsSync(before)) cpSync(before, dir, { recursive: true });
    }
    const delay = randomDelay(max, `${label}${attempt > 1 ? ` (again: the draw before came after the end)` : ''}`);
    const outcome = await killAfter(args, waitFor, delay);
    if (outcome.killed && !finished()) {
      rmSync(before, { recursive: true, force: true });
      return delay;
    }
    max = Math.min(delay, outcome.killed ? delay : outcome.aliveMs) / 2;
  }
  throw new Error(`${label}: three runs of autogan ${args.join(' ')} each ended before their SIGKILL`);
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
