/**
 * The arms of a study (the paper's ablations, §4.3) and how each becomes a search config of equal budget. The
 * budget is counted over a whole search: shared-GAN minibatches, children scored (each child's IS on
 * `childSamples` images: controller steps, beam hand-overs and the final candidates alike), and the same
 * derivation. Each arm spends it in its own way:
 * - full, random-shared, no-reset (multi-level): T iterations of B/T minibatches; each iteration scores
 *   (E − 2M − C)/T children, after the two beam hand-overs' M candidates and the C final candidates.
 * - single-level: the same T iterations at full resolution, with no beam to score: (E − C)/T children each.
 * - random-independent: one architecture per child evaluation, E of them, each trained alone for B/E
 *   minibatches (random search with early stopping); its final candidates are the ones it scored.
 * Budgets that do not divide into whole numbers are refused, naming the key, rather than rounded unequally.
 */
import type { RunConfig, SearchConfig } from '../config/run-config.js';
import { InputError } from '../errors.js';
import { NUM_STAGES } from '../nn/arch.js';

export const ARM_NAMES = ['full', 'random-shared', 'random-independent', 'no-reset', 'single-level'] as const;
export type ArmName = (typeof ARM_NAMES)[number];

export interface ArmSettings {
  readonly strategy: SearchConfig['strategy'];
  readonly levels: SearchConfig['levels'];
  readonly reset: boolean;
  /** For people: what the arm is. */
  readonly label: string;
}

export const ARMS: Record<ArmName, ArmSettings> = {
  full: { strategy: 'rl', levels: 'multi', reset: true, label: 'RL controller, multi-level, dynamic reset (AutoGAN)' },
  'random-shared': { strategy: 'random-shared', levels: 'multi', reset: true, label: 'random search with weight sharing' },
  'random-independent': { strategy: 'random-independent', levels: 'multi', reset: true, label: 'random search without weight sharing (early stopping)' },
  'no-reset': { strategy: 'rl', levels: 'multi', reset: false, label: 'AutoGAN without dynamic reset' },
  'single-level': { strategy: 'rl', levels: 'single', reset: true, label: 'AutoGAN with single-level search (SLAS)' },
};

/** What every arm spends, over a whole search. */
export interface StudyBudget {
  /** Shared-GAN minibatches (D steps) of the search. */
  readonly minibatches: number;
  /** Children scored on the search's weights. */
  readonly childEvaluations: number;
  /** Final candidates scored, how many of the best are trained from scratch, and for how many G steps. */
  readonly derive: { readonly candidates: number; readonly topK: number; readonly steps: number };
}

/** Beam hand-overs of a multi-level search: one at each stage's end but the last. */
const HAND_OVERS = NUM_STAGES - 1;

/**
 * The search slice of `arm` under `budget`, from the base config's schedule (search.iterations, beamCandidates);
 * the rest of the base stays. Overlap is off: a study must give the same table when it is resumed.
 */
export function armSearchConfig(base: SearchConfig, arm: ArmName, budget: StudyBudget, source: string): SearchConfig {
  const a = ARMS[arm];
  const fail = (key: string, problem: string): never => {
    throw new InputError(`${source}: ${key}: ${problem}`);
  };
  const minibatchesEach = (parts: number, what: string): number => {
    const total = budget.minibatches;
    if (total < parts || total % parts !== 0) fail('budget.minibatches', `${total} does not split evenly over the ${arm} arm's ${parts} ${what} (use a multiple of ${parts})`);
    return total / parts;
  };
  const E = budget.childEvaluations;
  const derive = { ...base.derive, ...budget.derive };
  const common = { ...base, levels: a.levels, strategy: a.strategy, reset: { ...base.reset, enabled: a.reset }, overlap: false, derive };
  if (a.strategy === 'random-independent') {
    // Only the total of the schedule counts for it: every architecture is drawn whole and trained at full size.
    if (E < NUM_STAGES) fail('budget.childEvaluations', `${E} is fewer than the ${NUM_STAGES} iterations a search runs at least`);
    if (E < budget.derive.topK) fail('budget.derive.topK', `${budget.derive.topK} exceeds the ${E} architectures random-independent scores`);
    const minibatches = minibatchesEach(E, 'architectures (one per child evaluation)');
    return { ...common, iterations: [1, 1, E - 2], minibatches, controllerSteps: 1 };
  }
  const T = base.iterations.reduce((x, y) => x + y, 0);
  const minibatches = minibatchesEach(T, 'search iterations');
  const selection = (a.levels === 'multi' ? HAND_OVERS * base.beamCandidates : 0) + budget.derive.candidates;
  const where = a.levels === 'multi' ? `${HAND_OVERS} beam hand-overs of ${base.beamCandidates} and ${budget.derive.candidates} final candidates` : `${budget.derive.candidates} final candidates`;
  const left = E - selection;
  if (left < T) fail('budget.childEvaluations', `${E} leaves ${left} children for the ${arm} arm's ${T} iterations after ${where}; need at least ${T + selection}`);
  if (left % T !== 0) {
    fail('budget.childEvaluations', `${E} leaves ${left} children after ${where}, which do not split evenly over the ${arm} arm's ${T} iterations (${E - (left % T)} or ${E - (left % T) + T} would)`);
  }
  const controllerSteps = left / T;
  return { ...common, minibatches, controllerSteps };
}

/** The whole run config of one arm and seed. */
export function armRunConfig(base: RunConfig, arm: ArmName, budget: StudyBudget, seed: number, source: string): RunConfig {
  return { ...base, seed, search: armSearchConfig(base.search, arm, budget, source) };
}
