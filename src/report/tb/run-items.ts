/**
 * What a run puts in TensorBoard: a search's losses, rewards, controller statistics, resets and sample grids
 * by iteration (keyed by the seq of the event that logged them), a training's losses, IS and FID, class coverage
 * and sample grids by G step (keyed by the step). Tags are grouped by prefix, as TensorBoard's dashboards show them.
 */
import { join } from 'node:path';
import type { ClassCoverage } from '../../protocol/evaluation.js';
import type { SearchRunData } from '../search-data.js';
import type { TrainRunData } from '../train-data.js';
import type { TbValue } from './event-records.js';
import { pngImage } from './png-image.js';
import type { TbItem } from './tb-log.js';

const scalars = (pairs: readonly (readonly [string, number | null | undefined])[]): TbValue[] =>
  pairs.filter((p): p is readonly [string, number] => typeof p[1] === 'number').map(([tag, scalar]) => ({ tag, scalar }));

/** An evaluation's class shares and D's per-class share of real images called real: a tag per class. */
const coverage = (c: ClassCoverage | null | undefined): [string, number | null][] =>
  c ? [...c.shares.map((v, k): [string, number] => [`classes/share_${k}`, v]), ...c.dReal.map((v, k): [string, number | null] => [`classes/d_real_${k}`, v])] : [];

export function searchItems(d: SearchRunData): TbItem[] {
  const items: TbItem[] = [];
  for (const e of d.searchEvents) {
    const at = (step: number, values: TbValue[]) => values.length && items.push({ key: e.seq, event: { wallTime: e.time / 1000, step, values } });
    switch (e.type) {
      case 'search.trained':
        at(e.payload.iteration, scalars([['shared_gan/d_loss', e.payload.dLoss], ['shared_gan/g_loss', e.payload.gLoss]]));
        break;
      case 'search.rewards': {
        const r = e.payload.rewards;
        at(e.payload.iteration, scalars([
          ['search/reward_mean', r.reduce((a, b) => a + b, 0) / Math.max(1, r.length)], ['search/reward_best', Math.max(...r)],
          ['controller/baseline', e.payload.baseline], ['controller/entropy', e.payload.entropy],
          ['controller/advantage', e.payload.advantage], ['controller/policy_loss', e.payload.policyLoss],
        ]));
        break;
      }
      case 'search.reset':
        at(e.payload.iteration, scalars([['search/resets', e.payload.resets]]));
        break;
      case 'search.samples': {
        const image = pngImage(join(d.dir, e.payload.file));
        if (image) at(e.payload.iteration, [{ tag: 'samples/best_architecture', image }]);
        break;
      }
      case 'search.derived': {
        const r = e.payload.result;
        at(r.rank, scalars([['derived/proxy_reward', r.proxyReward], ['derived/is', r.is?.mean], ['derived/fid', r.fid]]));
        break;
      }
      default:
        break;
    }
  }
  return items;
}

export function trainItems(run: TrainRunData, now: number): TbItem[] {
  // Steps carry no time of their own in the run's files: each item gets the time it was first written.
  const wallTime = now / 1000;
  const items: TbItem[] = [];
  // Only what the run's source (report.json or a checkpoint) covers: a grid drawn past the checkpoint read now would
  // move the cursor past that checkpoint's later history points, which would then never be written.
  const add = (key: number, step: number, values: TbValue[]) => step <= run.step && values.length && items.push({ key, event: { wallTime, step, values } });
  for (const h of run.history) add(h.step, h.step, scalars([['train/d_loss', h.dLoss], ['train/g_loss', h.gLoss]]));
  for (const e of run.evals) add(e.step, e.step, scalars([['eval/is', e.is?.mean], ['eval/fid', e.fid], ...coverage(e.classes)]));
  for (const s of run.samples) {
    const image = pngImage(join(run.dir, s.file));
    if (image && s.step !== null) add(s.step, s.step, [{ tag: 'samples/ema_generator', image }]);
    // final.png is drawn after the last step's checkpoint: a key of its own after that step's.
    if (image && s.step === null) add(run.step + 0.25, run.step, [{ tag: 'samples/ema_generator', image }]);
  }
  // The final scores come after the final checkpoint (and its report refresh): a key after every item of that step.
  if (run.scores) add(run.step + 0.5, run.step, scalars([['eval/is', run.scores.is?.mean], ['eval/fid', run.scores.fid], ...coverage(run.scores.classes)]));
  return items;
}
