/**
 * The payloads of the events the report reads, checked as they are read: a line of events.jsonl that parses
 * but holds the wrong fields (a damaged or foreign log) is named as a problem instead of breaking a chart.
 * Numbers that may be NaN (losses, rewards of a collapsed GAN) are written by JSON as null and read back as NaN.
 */
import { archTokens, stage } from '../protocol/base.js';
import { savedLoss as measured } from '../protocol/saved-state.js';
import { arr, bool, finite, int, literal, natural, nullable, obj, optional, record, str, type Infer, type Schema } from '../protocol/schema.js';

/** Conductor events carry their own type inside the payload. */
const tag = <T extends string>(type: T) => literal(type);

export const eventSchemas = {
  'run.started': obj({
    runDir: str, command: optional(arr(str)), resumed: bool, backend: str, gpus: nullable(arr(int)), faults: arr(str),
  }),
  'actor.placed': obj({
    incarnation: natural, kind: str, transport: str, pid: int, threadId: int, backend: str, tfBackend: str, cudaVisibleDevices: nullable(str),
  }),
  'actor.busy': obj({ from: str, seconds: finite, busySeconds: finite, requests: record(natural) }),
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
      rank: natural, arch: str, words: arr(str), proxyReward: measured, is: nullable(obj({ mean: measured, std: measured })),
      fid: nullable(measured), steps: natural, dir: str,
    }),
  }),
} satisfies Record<string, Schema<unknown>>;

export type CheckedType = keyof typeof eventSchemas;
export type PayloadOf<T extends CheckedType> = Infer<(typeof eventSchemas)[T]>;
