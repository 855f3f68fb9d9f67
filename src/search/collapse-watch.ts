/**
 * The dynamic reset's detector as an observer, for a search with reset off (the paper's "without reset"
 * ablation): it sees the collapses that reset would have answered, and nothing acts on them, so that a study
 * can count them in its `no-reset` arm. After a reset the detector's windows are cleared and must fill with a
 * whole window of G losses before it can fire again; here nothing is reset, so after each collapse seen the
 * next is seen only once a whole window of G steps has passed. By then both windows hold only losses from after
 * the collapse, as they would have after a reset. Without that pause a frozen GAN would count a collapse at
 * every minibatch, and a diverged one (whose losses stay NaN) too.
 */
import type { SearchConfig } from '../config/run-config.js';
import type { TrainLoss } from './ports.js';

/** A search that watches: reset off, on a shared GAN (random-independent trains a fresh GAN per architecture). */
export function watchesCollapses(cfg: Pick<SearchConfig, 'reset' | 'strategy'>): boolean {
  return !cfg.reset.enabled && cfg.strategy !== 'random-independent';
}

/** Saved in the conductor's state, so that a resumed search counts as one that had not stopped. */
export interface CollapseWatchState {
  /** Collapses seen so far. */
  seen: number;
  /** G steps still to pass before the next collapse can be seen. */
  pause: number;
}

export function initialCollapseWatch(): CollapseWatchState {
  return { seen: 0, pause: 0 };
}

/** One minibatch's losses and the detector's verdict on them (true: collapsed). */
export interface Verdict {
  readonly loss: TrainLoss;
  readonly collapsed: boolean;
}

/**
 * Goes through one search iteration's verdicts in order, updating `state`, and returns the index within the
 * iteration of each minibatch at which a collapse was seen. `window` is the detector's, in G losses.
 */
export function watchCollapses(state: CollapseWatchState, window: number, verdicts: readonly Verdict[]): number[] {
  const seenAt: number[] = [];
  verdicts.forEach(({ loss, collapsed }, i) => {
    // The minibatch that brings the window's G step is the first at which a cleared detector could fire again.
    if (state.pause > 0 && loss.gLoss !== null) state.pause -= 1;
    if (!collapsed || state.pause > 0) return;
    state.seen += 1;
    state.pause = window;
    seenAt.push(i);
  });
  return seenAt;
}
