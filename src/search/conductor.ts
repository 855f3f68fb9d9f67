/**
 * AutoGAN's search (paper Algorithm 1 with MLAS, §3.3) as a conductor that drives the four actors through
 * their ports. Per search iteration: sample one architecture per minibatch from the controller (θ fixed) and
 * train the shared GAN on them (§3.2), watching for collapse (§3.4); snapshot the shared weights; sample
 * children, score them (reward), and take REINFORCE steps. At each stage's end, keep the top K of M sampled
 * prefixes with their LSTM states and start the next stage's controller from them. With `overlap`, scoring
 * snapshot v runs while the shared GAN trains iteration v+1.
 */
import type { SearchConfig } from '../config/run-config.js';
import { NUM_STAGES } from '../nn/arch.js';
import type { SearchEvent } from '../protocol/events.js';
import { initialCollapseWatch, watchCollapses, watchesCollapses, type CollapseWatchState, type Verdict } from './collapse-watch.js';
import type { BeamPrefix, ControllerPort, EvaluatorPort, ResetterPort, SharedTrainerPort, TrainLoss, WeightSnapshot } from './ports.js';

export interface SearchPorts {
  readonly controller: ControllerPort;
  readonly trainer: SharedTrainerPort;
  readonly evaluator: EvaluatorPort;
  readonly resetter: ResetterPort;
}

/** One search iteration's record in the report. */
export interface IterationRecord {
  readonly iteration: number;
  readonly stage: number;
  readonly dLoss: number;
  readonly gLoss: number;
  readonly meanReward: number;
  readonly bestReward: number;
  readonly bestArch: number[];
  readonly reset: boolean;
}

/** An iteration whose shared training is done but whose children are not yet scored. */
export interface UnscoredIteration {
  readonly iteration: number;
  readonly stage: number;
  readonly dLoss: number;
  readonly gLoss: number;
  /** The windows reported a collapse: reset after scoring (§3.4). */
  readonly reset: boolean;
}

/** Where the search stands: saved in checkpoints beside the actors' states. */
export interface ConductorState {
  /** Next iteration to train (global count over stages). */
  iteration: number;
  prefixes: BeamPrefix[];
  resets: number;
  /** With reset off, the collapses the detector saw and nothing acted on (src/search/collapse-watch.ts). */
  collapses: CollapseWatchState;
  unscored: UnscoredIteration | null;
  history: IterationRecord[];
  beams: { stage: number; candidates: number[][]; scores: number[]; kept: number[][] }[];
  /** Seconds spent per phase, summed over the run (and its resumed parts). */
  phases: { training: number; scoring: number; controller: number };
  /** Final candidates, scored on the final shared weights. */
  finalCandidates: { arch: number[]; reward: number }[] | null;
}

export function initialConductorState(): ConductorState {
  return { iteration: 0, prefixes: [], resets: 0, collapses: initialCollapseWatch(), unscored: null, history: [], beams: [], phases: { training: 0, scoring: 0, controller: 0 }, finalCandidates: null };
}

export interface ConductorHooks {
  readonly emit: (e: SearchEvent) => void;
  /** Called after every completed iteration and stage end with the state to save. */
  readonly checkpoint: (state: ConductorState) => Promise<void>;
  /**
   * Stops the search (SIGINT): shared training stops at once and its partial iteration is dropped, so the
   * last checkpoint stays the resume point and a resumed run repeats that iteration exactly.
   */
  readonly signal?: AbortSignal;
  /** Re-creates the shared GAN after a collapse (the supervisor's job; default: the trainer port's reset). */
  readonly resetSharedGan?: (resetIndex: number) => Promise<void>;
  /** After an iteration is scored, with the snapshot its children were scored on (the report's sample grids). */
  readonly scored?: (record: IterationRecord, snapshot: WeightSnapshot) => Promise<void>;
}

/** Stage of each global iteration: MLAS runs the three stages in turn; SLAS runs everything at the last stage. */
export function stageSchedule(cfg: SearchConfig): number[] {
  const total = cfg.iterations.reduce((a, b) => a + b, 0);
  if (cfg.levels === 'single') return new Array<number>(total).fill(NUM_STAGES - 1);
  return cfg.iterations.flatMap((n, s) => new Array<number>(n).fill(s));
}

/** Indices of the `k` best scores among distinct architectures, best first. */
export function topDistinct(archs: number[][], scores: number[], k: number): number[] {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const seen = new Set<string>();
  const out: number[] = [];
  for (const [, i] of order) {
    const key = archs[i]!.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(i);
    if (out.length === k) break;
  }
  return out;
}

const seconds = (t0: number) => (Date.now() - t0) / 1000;

/**
 * Scores children and returns their rewards. A NaN score is what the evaluator measured on a generator whose
 * images are not finite, but a policy cannot learn from it (one NaN step makes every weight NaN): such a
 * child gets 0, under any real score whether the reward is IS (≥ 1) or 1/FID (> 0).
 */
async function rewardsOf(evaluator: EvaluatorPort, snapshot: WeightSnapshot, archs: number[][], samples: number): Promise<number[]> {
  const scores = await evaluator.score({ snapshot, archs, samples });
  if (scores.length !== archs.length) throw new Error(`evaluator: ${scores.length} scores for ${archs.length} architectures`);
  return scores.map((s) => (Number.isFinite(s) ? s : 0));
}

/**
 * Runs (or continues) the search to the end of the last stage and returns the final candidates scored on
 * the final shared weights. Derivation (training the best from scratch) is the caller's next step.
 */
export async function runSearch(ports: SearchPorts, cfg: SearchConfig, state: ConductorState, hooks: ConductorHooks): Promise<ConductorState> {
  if (cfg.strategy === 'random-independent') return runIndependentSearch(ports, cfg, state, hooks);
  const { controller, trainer, evaluator, resetter } = ports;
  const schedule = stageSchedule(cfg);
  const total = schedule.length;
  const watching = watchesCollapses(cfg);

  /** Scores children on the trained snapshot, takes the REINFORCE steps, then resets if the GAN collapsed. */
  const finish = async (u: UnscoredIteration) => {
    const t0 = Date.now();
    const snapshot = await trainer.snapshot({ version: u.iteration, stage: u.stage });
    if (u.reset) {
      // §3.4: the controller still learns from the collapsed model (this snapshot); then G and D start afresh.
      state.resets += 1;
      await (hooks.resetSharedGan ?? ((resetIndex) => trainer.reset({ resetIndex })))(state.resets);
      await resetter.clear();
      hooks.emit({ type: 'search.reset', iteration: u.iteration, stage: u.stage, resets: state.resets });
    }
    const children = await controller.sample({ count: cfg.controllerSteps });
    const archs = children.map((c) => c.arch);
    const rewards = await rewardsOf(evaluator, snapshot, archs, cfg.childSamples);
    state.phases.scoring += seconds(t0);
    const t1 = Date.now();
    const stats = await controller.update({ samples: archs.map((arch, i) => ({ arch, reward: rewards[i]! })) });
    state.phases.controller += seconds(t1);
    const best = rewards.indexOf(Math.max(...rewards));
    hooks.emit({
      type: 'search.rewards', iteration: u.iteration, stage: u.stage, archs, rewards, baseline: stats.baseline, entropy: stats.meanEntropy,
      advantage: stats.meanAdvantage, policyLoss: stats.loss, seconds: seconds(t0),
    });
    const record: IterationRecord = { ...u, meanReward: stats.meanReward, bestReward: rewards[best]!, bestArch: archs[best]! };
    state.history.push(record);
    state.unscored = null;
    await hooks.scored?.(record, snapshot);
  };

  const beginStage = async (stage: number) => {
    await controller.beginStage({ stage, prefixes: state.prefixes });
    hooks.emit({ type: 'search.stage', stage, prefixes: state.prefixes.map((p) => p.arch) });
  };

  /** After an iteration is scored: at a stage's end, hand the beam over and begin the next stage; then save. */
  const closeIteration = async (stage: number) => {
    const nextStage = schedule[state.iteration];
    if (nextStage !== undefined && nextStage !== stage) {
      await handOver(ports, cfg, state, stage, hooks);
      await beginStage(nextStage);
    }
    await hooks.checkpoint(state);
  };

  if (state.iteration === 0) await beginStage(schedule[0]!);
  if (state.unscored) {
    // Resumed between training and scoring: finish that iteration as the interrupted run would have.
    const u = state.unscored;
    await finish(u);
    await closeIteration(u.stage);
  }
  let pending: Promise<void> | null = null;
  while (state.iteration < total && !hooks.signal?.aborted) {
    const iteration = state.iteration;
    const stage = schedule[iteration]!;
    // §3.2: one architecture per minibatch, θ fixed (with overlap, θ lags the scoring that runs beside).
    const archs = (await controller.sample({ count: cfg.minibatches })).map((s) => s.arch);
    let collapsed = false;
    const pushes: Promise<void>[] = [];
    // With reset off the detector still sees every loss, in order, and its verdicts are only counted.
    const watched: Promise<Verdict>[] = [];
    const summary = await trainer.train({ stage, archs }, (loss: TrainLoss) => {
      if (hooks.signal?.aborted) return 'stop';
      if (watching) {
        watched.push(resetter.push({ loss }).then((c) => ({ loss, collapsed: c })));
        return 'continue';
      }
      pushes.push(resetter.push({ loss }).then((c) => void (collapsed ||= c)));
      return collapsed ? 'stop' : 'continue';
    });
    await Promise.all(pushes);
    const verdicts = await Promise.all(watched);
    if (pending) await pending;
    pending = null;
    if (hooks.signal?.aborted) break;
    state.phases.training += summary.seconds;
    hooks.emit({ type: 'search.trained', iteration, stage, dLoss: summary.meanDLoss, gLoss: summary.meanGLoss, minibatches: summary.iterations, stoppedEarly: summary.stoppedEarly, seconds: summary.seconds });
    if (watching) {
      for (const minibatch of watchCollapses(state.collapses, cfg.reset.window, verdicts)) {
        hooks.emit({ type: 'search.collapse', iteration, stage, minibatch, collapses: state.collapses.seen });
      }
    }
    state.unscored = { iteration, stage, dLoss: summary.meanDLoss, gLoss: summary.meanGLoss, reset: collapsed };
    state.iteration += 1;
    await hooks.checkpoint(state);
    const nextStage = schedule[state.iteration];
    const scoring = finish(state.unscored);
    if (cfg.overlap && !collapsed && nextStage === stage && !hooks.signal?.aborted) {
      pending = scoring;
      continue;
    }
    await scoring;
    await closeIteration(stage);
  }
  if (pending) {
    await pending;
    await hooks.checkpoint(state);
  }
  if (state.iteration >= total && state.finalCandidates === null) {
    const stage = schedule[total - 1]!;
    const t0 = Date.now();
    const snapshot = await trainer.snapshot({ version: total, stage });
    const cands = await controller.sample({ count: cfg.derive.candidates });
    const rewards = await rewardsOf(evaluator, snapshot, cands.map((c) => c.arch), cfg.childSamples);
    state.phases.scoring += seconds(t0);
    state.finalCandidates = cands.map((c, i) => ({ arch: c.arch, reward: rewards[i]! }));
    hooks.emit({ type: 'search.candidates', archs: cands.map((c) => c.arch), rewards });
    await hooks.checkpoint(state);
  }
  return state;
}

/** §3.3 beam hand-over: sample M prefixes, score them, keep the top K with their LSTM states. */
async function handOver(ports: SearchPorts, cfg: SearchConfig, state: ConductorState, stage: number, hooks: ConductorHooks): Promise<void> {
  const t0 = Date.now();
  const snapshot = await ports.trainer.snapshot({ version: state.iteration, stage });
  const candidates = (await ports.controller.sample({ count: cfg.beamCandidates })).map((c) => c.arch);
  const scores = await rewardsOf(ports.evaluator, snapshot, candidates, cfg.childSamples);
  const kept = topDistinct(candidates, scores, cfg.beamKeep).map((i) => candidates[i]!);
  state.prefixes = await ports.controller.prefixStates({ archs: kept });
  state.phases.scoring += seconds(t0);
  state.beams.push({ stage, candidates, scores, kept });
  hooks.emit({ type: 'search.beam', stage, candidates, scores, kept });
}

/**
 * The paper's random search without weight sharing (Table 3): every iteration draws one full architecture,
 * trains a fresh GAN on it alone for the iteration's minibatches (early stopping at the same budget the shared
 * search spends per iteration), and scores it. The final candidates are the best architectures seen.
 */
async function runIndependentSearch(ports: SearchPorts, cfg: SearchConfig, state: ConductorState, hooks: ConductorHooks): Promise<ConductorState> {
  const { controller, trainer, evaluator } = ports;
  const total = cfg.iterations.reduce((a, b) => a + b, 0);
  const stage = NUM_STAGES - 1;
  if (state.iteration === 0) await controller.beginStage({ stage, prefixes: [] });
  while (state.iteration < total && !hooks.signal?.aborted) {
    const iteration = state.iteration;
    const [child] = await controller.sample({ count: 1 });
    const arch = child!.arch;
    await trainer.reset({ resetIndex: iteration + 1 }); // a fresh GAN for each architecture: no weight sharing
    const summary = await trainer.train({ stage, archs: new Array<number[]>(cfg.minibatches).fill(arch) }, () => 'continue');
    state.phases.training += summary.seconds;
    hooks.emit({ type: 'search.trained', iteration, stage, dLoss: summary.meanDLoss, gLoss: summary.meanGLoss, minibatches: summary.iterations, stoppedEarly: false, seconds: summary.seconds });
    const t0 = Date.now();
    const snapshot = await trainer.snapshot({ version: iteration, stage });
    const [reward] = await rewardsOf(evaluator, snapshot, [arch], cfg.childSamples);
    state.phases.scoring += seconds(t0);
    hooks.emit({ type: 'search.rewards', iteration, stage, archs: [arch], rewards: [reward!], baseline: 0, entropy: child!.entropy, advantage: 0, policyLoss: 0, seconds: seconds(t0) });
    const record: IterationRecord = { iteration, stage, dLoss: summary.meanDLoss, gLoss: summary.meanGLoss, reset: false, meanReward: reward!, bestReward: reward!, bestArch: arch };
    state.history.push(record);
    await hooks.scored?.(record, snapshot);
    state.iteration += 1;
    await hooks.checkpoint(state);
  }
  if (state.iteration >= total && state.finalCandidates === null) {
    state.finalCandidates = state.history.map((h) => ({ arch: h.bestArch, reward: h.bestReward }));
    await hooks.checkpoint(state);
  }
  return state;
}
