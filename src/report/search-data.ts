/**
 * What the report shows of a search run, read from its directory: the event log first (it is written as the
 * run goes, so a run still searching, or one that crashed, has everything up to its last event), report.json
 * for the final numbers once there is one, and derive/topK/ for the architectures trained from scratch.
 * Events of an iteration that a resumed run repeated are read once: the last one counts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventSchemas, type EventType, type LogEvent, type PayloadOf } from '../protocol/events.js';
import { parseEventLines } from '../supervisor/event-file.js';
import { arr, bool, finite, natural, nullable, obj, optional, record, str, type Schema } from '../util/schema.js';
import { incidentOf, type Incident } from './incidents.js';
import { Problems, listNames, readJson } from './read-files.js';
import { readTrainRun, type TrainRunData } from './train-data.js';

/** The events the report reads. */
type CheckedType = Extract<EventType, 'run.started' | 'actor.placed' | 'actor.busy' | `search.${string}`>;

/** A search event of the log whose payload was checked, in log order. */
export type CheckedEvent = { [T in CheckedType]: { readonly seq: number; readonly time: number; readonly type: T; readonly payload: PayloadOf<T> } }[CheckedType];

export interface RunSegment {
  /** Epoch ms of its run.started. */
  readonly started: number;
  readonly resumed: boolean;
  readonly backend: string;
  readonly gpus: number[] | null;
  readonly faults: string[];
  readonly command: string[] | null;
  /** Its last event, and how it ended: run.stopped's reason, run.failed, or nothing (killed). */
  lastEvent: number;
  ended: string | null;
}

export interface PlacementRow {
  readonly actor: string;
  readonly placed: PayloadOf<'actor.placed'>;
  readonly time: number;
}

export interface IterationRow {
  readonly iteration: number;
  readonly stage: number;
  readonly trained: PayloadOf<'search.trained'> | null;
  readonly rewards: PayloadOf<'search.rewards'> | null;
  /** Epoch ms when its children were scored (or it was trained, before that). */
  readonly time: number;
  readonly reset: boolean;
  /** Times its training was logged: more than once when a resumed run repeated it. */
  readonly runs: number;
}


export interface BusyRow {
  readonly actor: string;
  readonly from: number;
  readonly to: number;
  readonly busySeconds: number;
  readonly requests: Record<string, number>;
}

export interface GridRow {
  readonly iteration: number;
  readonly stage: number;
  readonly arch: number[];
  readonly file: string;
  readonly present: boolean;
}

export interface DerivedRow {
  readonly rank: number;
  readonly dir: string;
  readonly result: PayloadOf<'search.derived'>['result'] | null;
  readonly run: TrainRunData;
}

export interface FinalNumbers {
  readonly candidates: { arch: string; reward: number }[];
  readonly wallSeconds: Record<string, number>;
  readonly deviceSeconds: number;
  readonly interrupted: boolean;
  readonly restarts: number;
  readonly resets: number;
  /** With reset off, the collapses the detector saw; null with reset on; undefined in reports written before they were counted. */
  readonly collapses: number | null | undefined;
}

export type RunState = 'finished' | 'interrupted' | 'failed' | 'stopped' | 'in progress';

export interface SearchRunData {
  readonly kind: 'search';
  readonly dir: string;
  readonly config: unknown;
  readonly status: { readonly state: RunState; readonly detail: string };
  readonly segments: RunSegment[];
  readonly placements: PlacementRow[];
  readonly iterations: IterationRow[];
  readonly resets: { iteration: number; stage: number; time: number; count: number }[];
  /** With reset off, the collapses the detector saw so far, by the log's last search.collapse (0 without one). */
  readonly collapses: number;
  readonly beams: PayloadOf<'search.beam'>[];
  /** The final candidates as scored on the final shared weights (not logged by random-independent, which scores none anew). */
  readonly finalCandidates: PayloadOf<'search.candidates'> | null;
  readonly busy: BusyRow[];
  readonly incidents: Incident[];
  readonly grids: GridRow[];
  readonly derived: DerivedRow[];
  readonly final: FinalNumbers | null;
  readonly events: number;
  /** The search.* events whose payloads checked, for TensorBoard. */
  readonly searchEvents: CheckedEvent[];
  readonly timeRange: { start: number; end: number } | null;
}

const finalFields = obj({
  candidates: arr(obj({ arch: str, reward: finite })), wallSeconds: record(finite), deviceSeconds: finite, interrupted: bool, restarts: natural, resets: natural,
  collapses: optional(nullable(natural)),
});
/** report.json holds more (the config, every iteration, …): only these fields are read, and checked. */
const finalSchema: Schema<FinalNumbers> = {
  parse(v, path) {
    const raw = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    return finalFields.parse(Object.fromEntries(['candidates', 'wallSeconds', 'deviceSeconds', 'interrupted', 'restarts', 'resets', 'collapses'].map((k) => [k, raw[k]])), path);
  },
};

export function readSearchRun(dir: string, problems: Problems): SearchRunData {
  const config = readJson(join(dir, 'config.json'), 'config.json', problems) ?? null;
  const eventsPath = join(dir, 'events.jsonl');
  let events: LogEvent[] = [];
  if (existsSync(eventsPath)) {
    const text = readFileSync(eventsPath, 'utf8');
    const parsed = parseEventLines(text);
    events = parsed.events;
    parsed.badLines.forEach((line, i) => problems.add(`events.jsonl line ${line}`, `not an event: ${parsed.bad[i]!.slice(0, 120)}`));
  } else problems.add('events.jsonl', 'missing: the report shows only what report.json and derive/ hold');

  const searchEvents: CheckedEvent[] = [];
  const checked = <T extends CheckedType>(e: LogEvent, type: T): PayloadOf<T> | undefined => {
    const p = problems.check(e.payload, eventSchemas[type] as Schema<PayloadOf<T>>, `events.jsonl #${e.seq} (${e.type})`, 'payload');
    if (p !== undefined && type.startsWith('search.')) searchEvents.push({ seq: e.seq, time: Date.parse(e.time), type, payload: p } as CheckedEvent);
    return p;
  };
  const timeOf = (e: LogEvent) => {
    const t = Date.parse(e.time);
    if (Number.isNaN(t)) problems.add(`events.jsonl #${e.seq}`, `time ${JSON.stringify(e.time)} is not a date`);
    return t;
  };

  const segments: RunSegment[] = [];
  const placements = new Map<string, PlacementRow>();
  const trained = new Map<number, { p: PayloadOf<'search.trained'>; time: number; runs: number }>();
  const rewards = new Map<number, { p: PayloadOf<'search.rewards'>; time: number }>();
  const resets: SearchRunData['resets'] = [];
  let collapses = 0;
  const beams = new Map<number, PayloadOf<'search.beam'>>();
  let finalCandidates: PayloadOf<'search.candidates'> | null = null;
  const busy: BusyRow[] = [];
  const incidents: Incident[] = [];
  const grids = new Map<number, PayloadOf<'search.samples'>>();
  const derivedResults = new Map<number, PayloadOf<'search.derived'>['result']>();
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;

  for (const e of events) {
    const time = timeOf(e);
    if (Number.isNaN(time)) continue;
    start = Math.min(start, time);
    end = Math.max(end, time);
    const seg = segments[segments.length - 1];
    if (seg && e.type !== 'run.started') seg.lastEvent = time;
    const inc = incidentOf(e);
    if (inc) incidents.push({ time, seq: e.seq, source: e.source, type: e.type, ...inc });
    switch (e.type) {
      case 'run.started': {
        const p = checked(e, 'run.started');
        if (!p) break;
        if (seg && seg.ended === null) {
          incidents.push({ time: seg.lastEvent, seq: null, source: 'supervisor', type: 'run.lost', kind: 'error', text: 'the process ended without stopping (killed or crashed); the run was resumed later' });
          seg.ended = 'killed or crashed';
        }
        segments.push({ started: time, resumed: p.resumed, backend: p.backend, gpus: p.gpus, faults: p.faults, command: p.command ?? null, lastEvent: time, ended: null });
        break;
      }
      case 'run.stopped':
      case 'run.failed':
        if (seg) seg.ended = e.type === 'run.failed' ? 'failed' : String((e.payload as { reason?: unknown })?.reason ?? 'stopped');
        break;
      case 'actor.placed': {
        const p = checked(e, 'actor.placed');
        if (p) placements.set(e.source, { actor: e.source, placed: p, time });
        break;
      }
      case 'actor.busy': {
        const p = checked(e, 'actor.busy');
        const from = p ? Date.parse(p.from) : Number.NaN;
        if (p && !Number.isNaN(from)) {
          busy.push({ actor: e.source, from, to: from + p.seconds * 1000, busySeconds: p.busySeconds, requests: p.requests });
          start = Math.min(start, from);
        }
        break;
      }
      case 'search.trained': {
        const p = checked(e, 'search.trained');
        if (!p) break;
        trained.set(p.iteration, { p, time, runs: (trained.get(p.iteration)?.runs ?? 0) + 1 });
        // A repeated iteration is scored again: its earlier scores belong to a run that did not get to keep them.
        rewards.delete(p.iteration);
        break;
      }
      case 'search.rewards': {
        const p = checked(e, 'search.rewards');
        if (p) rewards.set(p.iteration, { p, time });
        break;
      }
      case 'search.reset': {
        const p = checked(e, 'search.reset');
        if (p) resets.push({ iteration: p.iteration, stage: p.stage, time, count: p.resets });
        break;
      }
      case 'search.collapse': {
        // The count is the conductor's saved one: a resumed run's next collapse continues it.
        const p = checked(e, 'search.collapse');
        if (p) collapses = p.collapses;
        break;
      }
      case 'search.beam': {
        const p = checked(e, 'search.beam');
        if (p) beams.set(p.stage, p);
        break;
      }
      case 'search.candidates':
        finalCandidates = checked(e, 'search.candidates') ?? finalCandidates;
        break;
      case 'search.samples': {
        const p = checked(e, 'search.samples');
        if (p) grids.set(p.iteration, p);
        break;
      }
      case 'search.derived': {
        const p = checked(e, 'search.derived');
        if (p) derivedResults.set(p.result.rank, p.result);
        break;
      }
      case 'search.stage':
        checked(e, 'search.stage');
        break;
    }
  }

  const resetIterations = new Set(resets.map((r) => r.iteration));
  const iterations: IterationRow[] = [...new Set([...trained.keys(), ...rewards.keys()])].sort((a, b) => a - b).map((i) => {
    const t = trained.get(i);
    const r = rewards.get(i);
    return {
      iteration: i, stage: t?.p.stage ?? r!.p.stage, trained: t?.p ?? null, rewards: r?.p ?? null,
      time: r?.time ?? t!.time, reset: resetIterations.has(i), runs: t?.runs ?? 0,
    };
  });

  const gridRows: GridRow[] = [...grids.values()].sort((a, b) => a.iteration - b.iteration).map((g) => {
    const present = existsSync(join(dir, g.file));
    if (!present) problems.add(g.file, `missing (the sample grid of iteration ${g.iteration})`);
    return { iteration: g.iteration, stage: g.stage, arch: g.arch, file: g.file, present };
  });

  const derived: DerivedRow[] = listNames(join(dir, 'derive'), /^top\d+$/)
    .map((name) => Number(name.slice(3)))
    .sort((a, b) => a - b)
    .map((rank) => {
      const rel = `derive/top${rank}`;
      return { rank, dir: rel, result: derivedResults.get(rank) ?? null, run: readTrainRun(join(dir, rel), problems, `${rel}/`) };
    });

  const reportRaw = readJson(join(dir, 'report.json'), 'report.json', problems);
  const final = reportRaw === undefined ? null : problems.check(reportRaw, finalSchema, 'report.json') ?? null;
  const last = segments[segments.length - 1];
  const status = ((): SearchRunData['status'] => {
    if (final) return final.interrupted ? { state: 'interrupted', detail: 'stopped before the derivation finished; resume it with search --resume' } : { state: 'finished', detail: 'search and derivation are done' };
    if (last?.ended === 'failed') return { state: 'failed', detail: 'the supervisor gave up on an actor (see the incidents)' };
    if (last?.ended) return { state: 'stopped', detail: last.ended };
    return { state: 'in progress', detail: 'no report.json yet: the run is still going, or was killed (resume it with search --resume)' };
  })();

  return {
    kind: 'search', dir, config, status, segments, placements: [...placements.values()], iterations, resets, collapses,
    beams: [...beams.values()].sort((a, b) => a.stage - b.stage), finalCandidates, busy, incidents, grids: gridRows, derived, final,
    events: events.length, searchEvents, timeRange: Number.isFinite(start) ? { start, end: Math.max(end, ...busy.map((b) => b.to)) } : null,
  };
}
