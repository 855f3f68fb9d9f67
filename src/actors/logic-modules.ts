/** The real logic module of each actor kind (the search's classes wrapped by `createLogic`). */
import type { ActorKind } from '../protocol/channels.js';

export function defaultLogicModules(): Record<ActorKind, string> {
  const at = (file: string) => new URL(`./logic/${file}`, import.meta.url).href;
  return {
    controller: at('controller-logic.js'),
    trainer: at('shared-trainer-logic.js'),
    evaluator: at('evaluator-logic.js'),
    resetter: at('resetter-logic.js'),
    deriver: at('deriver-logic.js'),
  };
}
