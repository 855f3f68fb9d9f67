/**
 * The SharedTrainer actor. `train` streams one trainer.loss per iteration and stops when the parent says
 * so: the logic's onLoss returns 'stop' once a trainer.stop for this request has arrived. That message is
 * only read between iterations, so the logic's train loop must yield to the event loop (await) per iteration.
 */
import { message } from '../protocol/lifecycle.js';
import type { ShellOf } from './actor-shell.js';

export const sharedTrainerShell: ShellOf<'trainer'> = (logic) => ({
  'trainer.train': (a, ctx) =>
    logic.train(a.stage, a.archs, (loss) => {
      // Fault injection (nan:trainer@N): report this request's losses as NaN.
      const sent = ctx.fault === 'nan' ? { step: loss.step, dLoss: NaN, gLoss: loss.gLoss === null ? null : NaN } : loss;
      ctx.send(message('trainer.loss', { id: ctx.id, loss: sent }));
      return ctx.stopRequested() ? 'stop' : 'continue';
    }),
  'trainer.snapshot': (a) => logic.snapshot(a.version, a.stage),
  'trainer.reset': async (a) => (await logic.reset(a.resetIndex), null),
  'trainer.state': () => logic.state(),
  'trainer.restore': async (a) => (await logic.restore(a.state), null),
});
