/**
 * What the report shows of a training run (`train`, or a derived architecture under a search's derive/topK/):
 * from its report.json when it has finished, else from its newest checkpoint's metadata, so a run still
 * training (or one that crashed) shows its curves up to its last checkpoint.
 */
import { join } from 'node:path';
import { archTokens } from '../protocol/base.js';
import { classCoverage, evalPoint, heldOutFigures, type ClassCoverage, type EvalPoint, type HeldOutFiguresRecord } from '../protocol/evaluation.js';
import { inceptionScore, savedLoss as measured } from '../protocol/saved-state.js';
import { arr, bool, finite, json, natural, nullable, obj, optional, str, type Schema } from '../util/schema.js';
import { readCheckpointMeta } from '../util/checkpoint-file.js';
import { listCheckpoints } from '../train/checkpoint-dir.js';
import { lossPoint, type LossPoint } from '../train/train-checkpoint-meta.js';
import { savedRunFormat } from '../train/saved-run.js';
import { Problems, listNames, mtimeOf, readJson } from './read-files.js';

export interface TrainSample {
  /** The step it was drawn at; null for final.png. */
  readonly step: number | null;
  /** Relative to the run directory. */
  readonly file: string;
}

export interface TrainRunData {
  readonly kind: 'train';
  readonly dir: string;
  readonly arch: number[] | null;
  readonly config: unknown;
  readonly targetSteps: number | null;
  readonly step: number;
  readonly status: 'finished' | 'interrupted' | 'in progress' | 'not started';
  readonly history: LossPoint[];
  readonly evals: EvalPoint[];
  readonly scores: {
    readonly is: { mean: number; std: number } | null;
    readonly fid: number | null;
    readonly features: string;
    readonly n: number;
    /** Null where the run did not measure them (another feature network, or a run made before they were). */
    readonly classes: ClassCoverage | null;
    readonly heldOut: HeldOutFiguresRecord | null;
  } | null;
  readonly samples: TrainSample[];
  readonly missingSamples: string[];
  readonly wallSeconds: number | null;
  readonly stepsPerSecond: number | null;
  readonly backend: string | null;
  /** When the newest file it was read from was written (epoch ms). */
  readonly updated: number | null;
}

// Reports written before class coverage was measured lack `classes` and `heldOut`.
const scoresSchema = nullable(obj({
  n: natural, is: nullable(inceptionScore), fid: nullable(measured), features: str, classes: optional(nullable(classCoverage)), heldOut: optional(nullable(heldOutFigures)),
}));
// The report reads train.steps and train.sampleEvery, which both formats' `config` hold (src/train/saved-run.ts).
const savedRun = obj({ format: savedRunFormat, config: json, arch: archTokens });

/** The fields of report.json and of checkpoint metadata the report uses; others are left alone. */
function field<T>(raw: unknown, key: string, s: Schema<T>, where: string, problems: Problems): T | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  return problems.check((raw as Record<string, unknown>)[key], s, where, key);
}

export function readTrainRun(dir: string, problems: Problems, prefix = ''): TrainRunData {
  const where = (f: string) => `${prefix}${f}`;
  const saved = readJson(join(dir, 'config.json'), where('config.json'), problems);
  const run = saved === undefined ? undefined : problems.check(saved, savedRun, where('config.json'));
  const config = run?.config ?? null;
  const train = (config as { train?: { steps?: unknown; sampleEvery?: unknown } } | null)?.train;
  const targetSteps = typeof train?.steps === 'number' ? train.steps : null;
  const sampleEvery = typeof train?.sampleEvery === 'number' && train.sampleEvery > 0 ? train.sampleEvery : null;

  const report = readJson(join(dir, 'report.json'), where('report.json'), problems);
  let source: unknown = report;
  let updated = mtimeOf(join(dir, 'report.json'));
  let sourceName = where('report.json');
  if (report === undefined) {
    // No report yet: the newest checkpoint whose metadata reads, naming the ones that do not.
    for (const path of listCheckpoints(join(dir, 'checkpoints')).reverse()) {
      try {
        source = readCheckpointMeta(path);
        updated = mtimeOf(path);
        sourceName = where(`checkpoints/${path.split(/[\\/]/).pop()}`);
        break;
      } catch (e) {
        problems.add(where(`checkpoints/${path.split(/[\\/]/).pop()}`), (e as Error).message.replace(`${path}: `, ''));
      }
    }
  }
  const step = (report === undefined ? field(source, 'step', natural, sourceName, problems) : field(report, 'steps', natural, sourceName, problems)) ?? 0;
  const interrupted = report === undefined ? null : field(report, 'interrupted', bool, sourceName, problems) ?? null;
  const status: TrainRunData['status'] = source === undefined ? 'not started' : interrupted === null ? 'in progress' : interrupted ? 'interrupted' : 'finished';

  const samples: TrainSample[] = listNames(join(dir, 'samples'), /^(step-\d+|final)\.png$/).map((n) => ({
    step: n === 'final.png' ? null : Number(/\d+/.exec(n)![0]),
    file: `samples/${n}`,
  }));
  const have = new Set(samples.map((s) => s.file));
  const expected: string[] = [];
  if (sampleEvery !== null) {
    for (let s = sampleEvery; s <= step; s += sampleEvery) if (s !== targetSteps) expected.push(`samples/step-${String(s).padStart(9, '0')}.png`);
  }
  if (status === 'finished') expected.push('samples/final.png');
  const missingSamples = expected.filter((f) => !have.has(f));
  for (const f of missingSamples) problems.add(where(f), 'missing');

  const wallSeconds = field(source, 'wallSeconds', finite, sourceName, problems) ?? null;
  return {
    kind: 'train', dir, arch: run?.arch ?? null, config, targetSteps, step, status,
    history: field(source, 'history', arr(lossPoint), sourceName, problems) ?? [],
    // Reports and checkpoints written before periodic evaluation have none.
    evals: field(source, 'evals', optional(arr(evalPoint)), sourceName, problems) ?? [],
    scores: scoresOf(report === undefined ? null : field(report, 'scores', scoresSchema, sourceName, problems) ?? null),
    samples, missingSamples, wallSeconds,
    stepsPerSecond: report === undefined ? null : field(report, 'stepsPerSecond', finite, sourceName, problems) ?? null,
    backend: report === undefined ? null : field(report, 'backend', str, sourceName, problems) ?? null,
    updated,
  };
}

function scoresOf(s: ReturnType<typeof scoresSchema.parse>): TrainRunData['scores'] {
  return s && { ...s, classes: s.classes ?? null, heldOut: s.heldOut ?? null };
}
