/** The Evaluator actor: scores children on a weight snapshot (EvaluatorPort). */
import type { ShellOf } from './actor-shell.js';

export const evaluatorShell: ShellOf<'evaluator'> = (logic) => ({
  'evaluator.score': (a) => logic.score(a.snapshot, a.archs, a.samples),
});
