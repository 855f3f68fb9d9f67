/**
 * The payloads of the events the report reads, checked as they are read: a line of events.jsonl that parses
 * but holds the wrong fields (a damaged or foreign log) is named as a problem instead of breaking a chart.
 * Numbers that may be NaN (losses, rewards of a collapsed GAN) are written by JSON as null and read back as NaN.
 */
import { archTokens, stage } from '../protocol/base.js';
import { inceptionScore, savedLoss as measured } from '../protocol/saved-state.js';
import { arr, bool, finite, literal, natural, nullable, obj, optional, str, type Infer, type Schema } from '../util/schema.js';
import { runtimeEventSchemas as runtime } from '../supervisor/events.js';

/** Conductor events carry their own type inside the payload. */
const tag = <T extends string>(type: T) => literal(type);

const table = {
  // Runs made before the command was logged lack it.
  'run.started': obj({ ...runtime['run.started'].shape, command: optional(arr(str)) }),
  'actor.placed': runtime['actor.placed'],
  'actor.busy': runtime['actor.busy'],
  'search.stage': obj({ type: tag('search.stage'), stage, prefixes: arr(archTokens) }),
  'search.trained': obj({
    type: tag('search.trained'), iteration: natural, stage, dLoss: measured, gLoss: measured, minibatches: natural, stoppedEarly: bool, seconds: finite,
  }),
  'search.rewards': obj({
    type: tag('search.rewards'), iteration: natural, stage, archs: arr(archTokens), rewards: arr(measured), baseline: measured, entropy: measured,
    // Runs made before these were logged lack them.
    advantage: optional(measured), policyLoss: optional(measured), seconds: finite,
  }),
  'search.reset': obj({ type: tag('search.reset'), iteration: natural, stage, resets: natural }),
  'search.beam': obj({ type: tag('search.beam'), stage, candidates: arr(archTokens), scores: arr(measured), kept: arr(archTokens) }),
  'search.candidates': obj({ type: tag('search.candidates'), archs: arr(archTokens), rewards: arr(measured) }),
  'search.samples': obj({ type: tag('search.samples'), iteration: natural, stage, arch: archTokens, file: str }),
  'search.derived': obj({
    type: tag('search.derived'),
    result: obj({
      rank: natural, arch: str, words: arr(str), proxyReward: measured, is: nullable(inceptionScore),
      fid: nullable(measured), steps: natural, dir: str,
    }),
  }),
};

export type CheckedType = keyof typeof table;
export type PayloadOf<T extends CheckedType> = Infer<(typeof table)[T]>;
export const eventSchemas: { readonly [T in CheckedType]: Schema<PayloadOf<T>> } = table;
