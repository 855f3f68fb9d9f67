/**
 * The Deriver actor. `advance` streams one deriver.step per G step and ends its interval early once a
 * deriver.stop for this request has arrived, which is read between steps (the training yields once a step).
 */
import { message } from '../protocol/lifecycle.js';
import type { ShellOf } from './actor-shell.js';

export const deriverShell: ShellOf<'deriver'> = (logic) => ({
  'deriver.advance': (a, ctx) =>
    logic.advance(a, (step) => {
      ctx.send(message('deriver.step', { id: ctx.id, step }));
      return ctx.stopRequested() ? 'stop' : 'continue';
    }),
});
