/** The Controller actor: its channel's requests onto ControllerPort. */
import type { ShellOf } from './actor-shell.js';

export const controllerShell: ShellOf<'controller'> = (logic) => ({
  'controller.beginStage': async (a) => (await logic.beginStage(a.stage, a.prefixes), null),
  'controller.sample': (a) => logic.sample(a.count),
  'controller.prefixStates': (a) => logic.prefixStates(a.archs),
  'controller.update': (a) => logic.update(a.samples),
  'controller.state': () => logic.state(),
  'controller.restore': async (a) => (await logic.restore(a.state), null),
});
