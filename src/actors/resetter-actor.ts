/** The Resetter actor: the dynamic-reset windows (ResetterPort). */
import type { ShellOf } from './actor-shell.js';

export const resetterShell: ShellOf<'resetter'> = (logic) => ({
  'resetter.push': (a) => logic.push(a.loss),
  'resetter.clear': async () => (await logic.clear(), null),
  'resetter.state': () => logic.state(),
  'resetter.restore': async (a) => (await logic.restore(a.state), null),
});
