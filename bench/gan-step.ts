import * as tf from '@tensorflow/tfjs';
import { startBackend, type BackendName } from '../src/backend/select.js';
import { loadConfig } from '../src/config/run-config.js';
import { parseArch, STAGE_PREFIX_LENGTH } from '../src/nn/arch.js';
import { BLOCKS_BY_STAGE, Discriminator } from '../src/nn/discriminator.js';
import { Generator, type GeneratorPaths } from '../src/nn/generator.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { convPaths } from './conv-paths.js';
import { pytorchPeer } from './pytorch-peer.js';
import { printTable, type BenchRow } from './report.js';

/** The architecture every shared run takes (its prefix at stages 0 and 1): the published CIFAR-10 top-1. */
export const TOP1 = parseArch('1 0 1 1  1 0 0 1 1  1 0 1 0 3');

export interface StepCase {
  readonly widths: string;
  readonly paths: 'shared' | 'derived';
  readonly latent: number;
  readonly gf: number;
  readonly df: number;
  readonly channels: number;
  readonly dBatch: number;
  readonly gBatch: number;
  readonly stage: number;
  readonly reps: number;
}

/** One training step (one D step + one G step) of a case, ready to repeat: built, and run once to warm up. */
export function stepFixture(c: Omit<StepCase, 'widths' | 'reps'>): { step(): void; dispose(): void } {
  const generatorPaths: GeneratorPaths = c.paths === 'shared' ? { kind: 'shared' } : { kind: 'derived', arch: TOP1 };
  const G = new Generator({ latent: c.latent, gf: c.gf, bottom: 4, channels: c.channels }, generatorPaths, 1);
  const D = new Discriminator({ df: c.df, channels: c.channels }, 2);
  const trainer = new GanTrainer(G, D, { dBatch: c.dBatch, gBatch: c.gBatch, nCritic: 1, lrG: 2e-4, lrD: 2e-4, beta1: 0, beta2: 0.9, emaDecay: 0.999 }, 3);
  const side = 4 * 2 ** (c.stage + 1);
  const real = tf.randomUniform([c.dBatch, side, side, c.channels], -1, 1, 'float32', 4) as tf.Tensor4D;
  const arch = c.paths === 'shared' ? TOP1.slice(0, STAGE_PREFIX_LENGTH[c.stage]) : TOP1;
  const blocks = BLOCKS_BY_STAGE[c.stage]!;
  const step = () => void trainer.trainIteration(real, arch, blocks);
  step(); // warm-up: allocates optimizer moments, compiles
  return {
    step,
    dispose: () => {
      real.dispose();
      trainer.dispose();
      G.dispose();
      D.dispose();
    },
  };
}

/**
 * Steps run before timing: the first steps of a process run beside V8's optimising compiler, whose background
 * thread takes the core that a two-thread kernel waits for (a stage-1 batch norm: 0.3 ms median, 12 ms at the 90th
 * percentile in the first 30 steps, 0.34 ms once compiled), and a step settles only after 50-100 of them (stage 0:
 * 28 ms in the first ten, 13 ms from the 80th on). A search or a derivation runs thousands, so the step they pay
 * for is the settled one; warming up stops at whichever limit comes first.
 */
const WARM_STEPS = 60;
const WARM_SECONDS = 6;

/** Runs a fixture's steps until its step time has settled (or the time to wait for that is up). */
export function warmUp(fixture: { step(): void }): void {
  const until = performance.now() + WARM_SECONDS * 1000;
  for (let i = 0; i < WARM_STEPS && performance.now() < until; i++) fixture.step();
}

/** Seconds per training step (one D step + one G step) once warm: median wall time, and process CPU time per step. */
function timeSteps(c: StepCase): { wall: number; cpu: number } {
  const fixture = stepFixture(c);
  warmUp(fixture);
  const walls: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < c.reps; i++) {
    const t0 = process.hrtime.bigint();
    fixture.step();
    walls.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const used = process.cpuUsage(cpu0);
  walls.sort((a, b) => a - b);
  fixture.dispose();
  return { wall: walls[Math.floor(walls.length / 2)]!, cpu: (used.user + used.system) / 1e6 / c.reps };
}

/** The cases for one backend: the issue's table, the search widths, the mnist-tiny widths, the derived top-1. */
function cases(backend: BackendName): StepCase[] {
  const cfg = loadConfig(new URL('../../configs/mnist-tiny.json', import.meta.url).pathname);
  const slow = backend === 'cpu'; // the pure-JS backend takes tens of seconds a step beyond stage 0
  const stages = slow ? [0] : [0, 1, 2];
  const table = { paths: 'shared', latent: 128, gf: 32, df: 32, channels: 3, dBatch: 32, gBatch: 32 } as const;
  const tiny = { latent: cfg.model.latent, channels: 1, dBatch: cfg.train.dBatch, gBatch: cfg.train.gBatch } as const;
  const out: StepCase[] = [];
  for (const stage of stages) out.push({ widths: 'issue-8 table', ...table, stage, reps: slow ? 2 : 5 });
  if (!slow) {
    // wasm runs on one core: the paper's widths at 8 px only, to keep the section short.
    for (const stage of backend === 'wasm' ? [0] : [0, 2]) {
      out.push({ widths: 'search (paper)', paths: 'shared', latent: 128, gf: 128, df: 64, channels: 3, dBatch: 64, gBatch: 128, stage, reps: 2 });
    }
  }
  for (const stage of stages) {
    out.push({ widths: 'mnist-tiny search', paths: 'shared', ...tiny, gf: cfg.search.gf, df: cfg.search.df, stage, reps: slow ? 2 : 5 });
  }
  if (!slow) {
    out.push({ widths: 'mnist-tiny model', paths: 'derived', ...tiny, gf: cfg.model.gf, df: cfg.model.df, stage: 2, reps: 5 });
    out.push({ widths: 'issue-8 table', ...table, paths: 'derived', stage: 2, reps: 5 });
  }
  return out;
}

/**
 * Training step time (one D step + one G step, `GanTrainer.trainIteration` with n_critic 1) of the shared GAN
 * and of the derived top-1 generator, per CPU backend (blas on each of its convolution paths), with the settings
 * a user gets, against the reference code's PyTorch step timed in the same session (`--pytorch`, pytorch-peer.ts).
 * `cpu_s` is the process's CPU time per step (all threads): a steadier figure than wall time on a busy machine.
 * `--pairs N` times each case that has a PyTorch figure N times, ours and PyTorch's in turn, and gives the median of
 * each and of the N ratios with their range: on a machine whose speed drifts by tens of percent within minutes, a
 * ratio of neighbours holds where two figures taken minutes apart do not.
 */
export async function benchGanStep(backends: readonly BackendName[]): Promise<void> {
  const rows: BenchRow[] = [];
  const peer = pytorchPeer();
  const pairs = Number(process.argv.includes('--pairs') ? process.argv[process.argv.indexOf('--pairs') + 1] : 1);
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`--pairs expects a whole number ≥ 1, got ${pairs}`);
  for (const backend of backends) {
    await startBackend(backend);
    for (const path of convPaths(backend)) for (const c of cases(backend)) {
      path.use();
      const pytorchOf = (fresh: boolean): number | null => !peer ? null
        : c.widths === 'issue-8 table' && c.paths === 'shared' ? peer.stepSeconds(c.stage, fresh)
        : c.widths === 'mnist-tiny model' ? peer.derivedStepSeconds(c, fresh)
        : null;
      const first = timeSteps(c);
      const firstPytorch = pytorchOf(pairs > 1);
      const walls = [first.wall];
      const pytorch = firstPytorch === null ? [] : [firstPytorch];
      for (let i = 1; i < pairs && firstPytorch !== null; i++) {
        walls.push(timeSteps(c).wall);
        pytorch.push(pytorchOf(true)!);
      }
      const ratios = pytorch.map((p, i) => walls[i]! / p);
      rows.push({
        bench: 'gan-step', backend, convs: path.name, threads: path.threads(), widths: c.widths, generator: c.paths, stage: c.stage, px: 4 * 2 ** (c.stage + 1),
        gf: c.gf, df: c.df, latent: c.latent, channels: c.channels, batch: `${c.dBatch}/${c.gBatch}`,
        step_s: median(walls), cpu_s: first.cpu, steps_per_s: 1 / median(walls), pytorch_s: pytorch.length ? median(pytorch) : null,
        x_pytorch: ratios.length ? median(ratios) : null,
        x_range: ratios.length > 1 ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : null,
      });
    }
    convPaths(backend)[0]!.use();
  }
  printTable(`GAN training step (one D + one G step), arch ${TOP1.join(' ')} (prefix at stages 0/1); PyTorch: ${peer?.describe ?? 'not run (--pytorch DIR)'}${pairs > 1 ? `; ${pairs} pairs, medians` : ''}`, rows);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
