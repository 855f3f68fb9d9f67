import { join } from 'node:path';
import { loadConfig, resolveConfig, type RunConfig } from '../config/run-config.js';
import { InputError, flagError, isInputError } from '../errors.js';
import { TRAINING_SPLIT } from '../data/load.js';
import { openFeatureNetwork } from '../metrics/open-feature-network.js';
import { referenceStats, referenceStatsCachePath, type ReferenceStatsRequest } from '../metrics/reference-stats.js';
import { formatArch } from '../nn/arch.js';
import { runSearchJob, type SearchReport } from '../search/search-run.js';
import { loadSearchCheckpoint } from '../search/search-checkpoint.js';
import { deriverActorConfig, realActorConfig } from '../actors/logic/actor-config.js';
import { startActorSystem } from '../supervisor/actor-system.js';
import { parseFaultSpec } from '../supervisor/faults.js';
import { deriverCount, parseGpuList } from '../supervisor/placement.js';
import { assertNewRunDir, createRunDir, openRunDir, removeNewRunDir, type RunDir } from '../supervisor/run-dir.js';
import { ProgressBar } from '../util/progress-bar.js';
import { choiceFlag, stringFlag, type Command, type ParsedValues } from './command.js';
import { BACKEND_HELP, BACKEND_OPTION, interruptSignal, seedFlag, startBackendFromFlags } from './runtime-flags.js';

const help = `Usage: autogan search --config FILE [--out DIR] [--seed N] [--overlap on|off] [--reward is|fid]
                      [--gpus LIST] [--backend B] [--fault SPEC]...
       autogan search --resume DIR [--gpus LIST] [--backend B] [--fault SPEC]...

Runs AutoGAN's architecture search (multi-level, RL controller, shared GAN with dynamic reset) on the
config's data set, then derives the result: the best architectures of the final policy are trained from
scratch and scored with IS and FID. The Controller, SharedTrainer, Evaluator and Resetter run as supervised
actors: worker threads, or with --gpus one process per GPU for the trainer and the evaluators. Derivation runs
on Deriver actors: search.derive.parallel threads at once, or with --gpus one process per GPU.

Options:
  --config FILE      run configuration (configs/mnist-tiny.json is the default job, configs/smoke.json the smallest)
  --out DIR          run directory, new or empty (default runs/search-<time>)
  --resume DIR       continue the run in DIR from its newest intact checkpoint
  --seed N           overrides the config's seed
  --overlap on|off   score snapshot v while the shared GAN trains v+1 (overrides search.overlap)
  --reward is|fid    child reward: Inception Score or 1/FID (overrides search.reward)
  --gpus LIST        e.g. 0,1: SharedTrainer on the first GPU, Evaluators on the rest, then a Deriver on each
                     (one process each)
  --fault SPEC       inject a fault, KIND:ACTOR@N (KIND crash|hang|nan|malformed; repeatable; for tests)
${BACKEND_HELP}

Writes to the run directory: config.json (the effective config), events.jsonl (follow it with
\`autogan tail DIR --follow\`), checkpoints/, stats/, derive/topK/ (each derived architecture's training:
checkpoints, samples/*.png, report.json), and report.json.`;

function printResult(r: SearchReport): void {
  console.log(`\nsearch ${r.interrupted ? 'interrupted' : 'finished'}: ${r.iterations.length} iterations, ${r.resets} resets, ${r.restarts} actor restarts, overlap ${r.overlap ? 'on' : 'off'}`);
  for (const d of r.derived) {
    console.log(`top ${d.rank}: ${d.arch}   proxy reward ${d.proxyReward.toFixed(3)}`);
    for (const w of d.words) console.log(`    ${w}`);
    console.log(`    trained ${d.steps} G steps: IS ${d.is ? `${d.is.mean.toFixed(3)} ± ${d.is.std.toFixed(3)}` : 'n/a'}, FID ${d.fid?.toFixed(3) ?? 'n/a'}`);
  }
  if (r.best) console.log(`best: ${r.best.arch}  (IS ${r.best.is?.mean.toFixed(3)}, FID ${r.best.fid?.toFixed(3)})`);
}

/**
 * The run's config and where it came from: --config and overrides, or the saved config of the run being
 * resumed, which must be complete and valid.
 */
function configFromFlags(values: ParsedValues, resumeDir: string | undefined): { config: RunConfig; source: string; resumed: RunDir | null } {
  if (resumeDir) {
    for (const f of ['config', 'out', 'seed', 'overlap', 'reward']) if (values[f] !== undefined) throw flagError(f, 'cannot be combined with --resume (the run keeps its saved settings)');
    const { dir, config } = openRunDir(resumeDir);
    return { config: resolveConfig(config, dir.config, true), source: dir.config, resumed: dir };
  }
  const configPath = stringFlag(values, 'config');
  if (!configPath) throw flagError('config', 'is required (or --resume DIR)');
  const base = loadConfig(configPath);
  const overlap = choiceFlag(values, 'overlap', ['on', 'off'] as const);
  const reward = choiceFlag(values, 'reward', ['is', 'fid'] as const);
  const config = {
    ...base, seed: seedFlag(values) ?? base.seed,
    search: { ...base.search, overlap: overlap === undefined ? base.search.overlap : overlap === 'on', reward: reward ?? base.search.reward },
  };
  return { config, source: configPath, resumed: null };
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'run the architecture search, then train and score the discovered architectures',
  help,
  options: {
    config: { type: 'string' }, out: { type: 'string' }, resume: { type: 'string' }, seed: { type: 'string' },
    overlap: { type: 'string' }, reward: { type: 'string' }, gpus: { type: 'string' }, fault: { type: 'string', multiple: true },
    ...BACKEND_OPTION,
  },
  async run(values) {
    const resumeDir = stringFlag(values, 'resume');
    const { config, source, resumed } = configFromFlags(values, resumeDir);
    const gpusText = stringFlag(values, 'gpus');
    const gpus = gpusText === undefined ? null : parseGpuList(gpusText);
    const faults = ((values.fault as string[] | undefined) ?? []).map(parseFaultSpec);
    if (config.eval.features === 'inception' && config.eval.inceptionGraph === null) {
      throw new InputError(`${source}: eval.inceptionGraph: the search scores with the inception network and needs the path of classify_image_graph_def.pb (or eval.features "digits" for MNIST)`);
    }
    const out = resumed ? null : (stringFlag(values, 'out') ?? join('runs', `search-${new Date().toISOString().replace(/[:.]/g, '-')}`));
    if (out !== null) assertNewRunDir(out);
    // Input errors found while starting the backend and the feature network come before a new run
    // directory exists; the saved config then comes first, so that a run killed later can be resumed.
    const backend = await startBackendFromFlags(values, gpus !== null);
    // Checked whole before the run directory changes (stats, events) or any actor starts.
    const resume = resumed ? { from: await loadSearchCheckpoint(resumed.root, resumed.checkpoints, config) } : null;
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const network = await openFeatureNetwork(config.eval.features, config.eval.inceptionGraph);
    const runDir = resumed ?? createRunDir(out!, config);
    const statsRequest: ReferenceStatsRequest = {
      dataset: config.data.dataset, split: TRAINING_SPLIT[config.data.dataset], root: config.data.root, network,
      statsFile: null, cacheDir: join(runDir.root, 'stats'), log,
    };
    // The data set is first read here. Bad data files found in a run made just now take that run away again, so
    // the same command can be rerun once the files are fixed (the config saved in the run names the data folder).
    await referenceStats(statsRequest).catch((e: unknown) => {
      if (!resumed && isInputError(e)) removeNewRunDir(runDir);
      throw e;
    });
    const statsFile = referenceStatsCachePath(statsRequest);
    const { signal, release } = interruptSignal(log);
    const system = await startActorSystem({
      runDir, actorConfig: realActorConfig(config, config.search.reward === 'fid' ? statsFile : null),
      seed: config.seed, gpus, backend: backend.requested, faults,
    });
    const bar = new ProgressBar(process.stderr, 'search', config.search.iterations.reduce((a, b) => a + b, 0), 'iter');
    try {
      const job = runSearchJob({
        config, runDir: runDir.root, resume, ports: system.ports, backend: backend.name,
        placement: system.placements, log, progress: process.stderr, signal,
        restarts: () => system.restarts(),
        resetSharedGan: (i: number) => system.resetSharedTrainer(i),
        derivers: (jobs) => system.startDerivers(deriverCount(gpus, config.search.derive.parallel, jobs), deriverActorConfig(config, statsFile, backend.name)),
        emit: (e) => {
          system.events.emit('actor' in e ? e.actor : 'conductor', e.type, e);
          if (e.type === 'search.rewards') bar.update(e.iteration + 1, `stage ${e.stage}  best reward ${Math.max(...e.rewards).toFixed(3)}: ${formatArch(e.archs[e.rewards.indexOf(Math.max(...e.rewards))]!)}`);
          else if (e.type === 'search.reset') log(`dynamic reset #${e.resets} at iteration ${e.iteration}`);
          else if (e.type === 'search.beam') log(`stage ${e.stage} beam: kept ${e.kept.map((a) => formatArch(a)).join(' | ')}`);
        },
      });
      const report = await Promise.race([job, system.failure.then((e) => Promise.reject(e))]);
      printResult(report);
      console.log(`report: ${join(runDir.root, 'report.json')}; events: ${runDir.events}`);
      if (signal.aborted) return 130;
      if (report.interrupted) throw new Error('search ended without deriving an architecture');
      return 0;
    } finally {
      release();
      await system.shutdown(signal.aborted ? 'interrupted' : 'done');
      network.net.dispose();
    }
  },
};
