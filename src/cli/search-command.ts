import { join } from 'node:path';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadConfig, resolveConfig, type RunConfig } from '../config/run-config.js';
import { fileError, flagError } from '../errors.js';
import { TRAINING_SPLIT } from '../data/load.js';
import { openFeatureNetwork } from '../metrics/open-feature-network.js';
import { referenceStats } from '../metrics/reference-stats.js';
import { formatArch } from '../nn/arch.js';
import { localPorts } from '../search/local-ports.js';
import { runSearchJob, type SearchReport } from '../search/search-run.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ProgressBar } from '../util/progress-bar.js';
import { choiceFlag, stringFlag, type Command } from './command.js';
import { BACKEND_HELP, BACKEND_OPTION, interruptSignal, seedFlag, startBackendFromFlags } from './runtime-flags.js';

const help = `Usage: autogan search --config FILE [--out DIR] [--seed N] [--overlap on|off] [--reward is|fid] [--backend B]
       autogan search --resume DIR

Runs AutoGAN's architecture search (multi-level, RL controller, shared GAN with dynamic reset) on the
config's data set, then derives the result: the best architectures of the final policy are trained from
scratch and scored with IS and FID.

Options:
  --config FILE      run configuration (configs/mnist-tiny.json is the default job, configs/smoke.json the smallest)
  --out DIR          run directory (default runs/search-<time>)
  --resume DIR       continue the run in DIR from its newest intact checkpoint
  --seed N           overrides the config's seed
  --overlap on|off   score snapshot v while the shared GAN trains v+1 (overrides search.overlap)
  --reward is|fid    child reward: Inception Score or 1/FID (overrides search.reward)
${BACKEND_HELP}

Writes to the run directory: run.json (effective config), checkpoints/, derive/topK/ (each derived
architecture's training: checkpoints, samples/*.png, report.json), and report.json.`;

function readSavedConfig(dir: string): RunConfig {
  const path = join(dir, 'run.json');
  if (!existsSync(path)) throw fileError(path, 'missing: not a search run directory');
  let raw: { config?: unknown };
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as typeof raw;
  } catch (e) {
    throw fileError(path, `not valid JSON (${(e as Error).message})`);
  }
  return resolveConfig(raw.config, `${path} (config)`);
}

function printResult(r: SearchReport): void {
  console.log(`\nsearch ${r.interrupted ? 'interrupted' : 'finished'}: ${r.iterations.length} iterations, ${r.resets} resets, overlap ${r.overlap ? 'on' : 'off'}`);
  for (const d of r.derived) {
    console.log(`top ${d.rank}: ${d.arch}   proxy reward ${d.proxyReward.toFixed(3)}`);
    for (const w of d.words) console.log(`    ${w}`);
    console.log(`    trained ${d.steps} G steps: IS ${d.is ? `${d.is.mean.toFixed(3)} ± ${d.is.std.toFixed(3)}` : 'n/a'}, FID ${d.fid?.toFixed(3) ?? 'n/a'}`);
  }
  if (r.best) console.log(`best: ${r.best.arch}  (IS ${r.best.is?.mean.toFixed(3)}, FID ${r.best.fid?.toFixed(3)})`);
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'run the architecture search, then train and score the discovered architectures',
  help,
  options: {
    config: { type: 'string' }, out: { type: 'string' }, resume: { type: 'string' }, seed: { type: 'string' },
    overlap: { type: 'string' }, reward: { type: 'string' }, ...BACKEND_OPTION,
  },
  async run(values) {
    const resumeDir = stringFlag(values, 'resume');
    let config: RunConfig;
    let runDir: string;
    if (resumeDir) {
      for (const f of ['config', 'out', 'seed', 'overlap', 'reward']) if (values[f] !== undefined) throw flagError(f, 'cannot be combined with --resume (the run keeps its saved settings)');
      config = readSavedConfig(resumeDir);
      runDir = resumeDir;
    } else {
      const configPath = stringFlag(values, 'config');
      if (!configPath) throw flagError('config', 'is required (or --resume DIR)');
      const base = loadConfig(configPath);
      const overlap = choiceFlag(values, 'overlap', ['on', 'off'] as const);
      const reward = choiceFlag(values, 'reward', ['is', 'fid'] as const);
      const seed = seedFlag(values);
      config = {
        ...base, seed: seed ?? base.seed,
        search: { ...base.search, overlap: overlap === undefined ? base.search.overlap : overlap === 'on', reward: reward ?? base.search.reward },
      };
      runDir = stringFlag(values, 'out') ?? join('runs', `search-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      if (existsSync(join(runDir, 'run.json'))) throw fileError(runDir, 'already holds a run; pass --resume to continue it or choose another --out');
    }
    const backend = await startBackendFromFlags(values);
    const log = (line: string) => process.stderr.write(`${line}\n`);
    mkdirSync(runDir, { recursive: true });
    if (!resumeDir) writeFileAtomic(join(runDir, 'run.json'), [Buffer.from(JSON.stringify({ config }, null, 2))]);
    const network = await openFeatureNetwork(config.eval.features, config.eval.inceptionGraph);
    const reference = await referenceStats({
      dataset: config.data.dataset, split: TRAINING_SPLIT[config.data.dataset], root: config.data.root, network,
      statsFile: null, cacheDir: join(runDir, 'stats'), log,
    });
    const ports = await localPorts(config, network.net, reference);
    const { signal, release } = interruptSignal(log);
    const bar = new ProgressBar(process.stderr, 'search', config.search.iterations.reduce((a, b) => a + b, 0), 'iter');
    try {
      const report = await runSearchJob({
        config, runDir, resume: resumeDir !== undefined, ports, backend: backend.name, placement: { kind: 'in-process' },
        net: network.net, reference, log, progress: process.stderr, signal,
        emit: (e) => {
          if (e.type === 'search.rewards') bar.update(e.iteration + 1, `stage ${e.stage}  reward ${Math.max(...e.rewards).toFixed(3)} best ${formatArch(e.archs[e.rewards.indexOf(Math.max(...e.rewards))]!)}`);
          else if (e.type === 'search.reset') log(`dynamic reset #${e.resets} at iteration ${e.iteration}`);
          else if (e.type === 'search.beam') log(`stage ${e.stage} beam: kept ${e.kept.map((a) => formatArch(a)).join(' | ')}`);
        },
      });
      printResult(report);
      console.log(`report: ${join(runDir, 'report.json')}`);
      if (report.interrupted && !signal.aborted) throw new Error('search ended without deriving an architecture');
      return signal.aborted ? 130 : 0;
    } finally {
      release();
      ports.dispose();
      network.net.dispose();
    }
  },
};
