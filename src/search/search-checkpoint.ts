/**
 * A search checkpoint: the conductor's state and every stateful actor's state (controller, shared trainer,
 * resetter) in one atomic file, so that a resumed search continues as if it had not stopped. Resuming checks
 * the whole checkpoint against the run's config in this thread, before any actor starts or the run directory
 * changes; a bad part is an InputError naming the file and the field or array as the file stores it.
 */
import type { RunConfig } from '../config/run-config.js';
import { ActorRequestError, FieldError, fileError, type InputError } from '../errors.js';
import { Discriminator } from '../nn/discriminator.js';
import { Generator } from '../nn/generator.js';
import { checkBundle } from '../nn/bundle-layout.js';
import { archTokens, stage } from '../protocol/base.js';
import { beamPrefix } from '../protocol/controller.js';
import { savedLoss, seconds } from '../protocol/saved-state.js';
import { arr, bool, checkedFromFile, finite, json, literal, natural, nullable, obj, optional, type Infer, type Schema } from '../util/schema.js';
import type { NamedArray } from '../util/checkpoint-file.js';
import { loadNewestCheckpoint, requireCheckpointDir, saveCheckpoint, type LoadedCheckpoint } from '../train/checkpoint-dir.js';
import { ganStateLayout } from '../train/gan-state.js';
import { initialCollapseWatch } from './collapse-watch.js';
import { stageSchedule, type ConductorState, type SearchPorts } from './conductor.js';
import { controllerSettingsOf, makeController, resetterSettingsOf, searchGeneratorDims } from './local-ports.js';
import { makeResetter } from './reset-detector.js';
import type { ActorState, TensorBundle } from './ports.js';
import { sharedTrainerMeta } from './shared-trainer.js';

const ACTORS = ['controller', 'trainer', 'resetter'] as const;
type StatefulActor = (typeof ACTORS)[number];

/** As saved: checkpoints written before the collapses seen with reset off were counted lack them. */
type SavedConductorState = Omit<ConductorState, 'collapses'> & { collapses: ConductorState['collapses'] | undefined };

/** Rewards are finite: the conductor gives a child with a NaN score the lowest reward before anything keeps it. */
const conductorState: Schema<SavedConductorState> = obj({
  iteration: natural,
  prefixes: arr(beamPrefix),
  resets: natural,
  collapses: optional(obj({ seen: natural, pause: natural })),
  unscored: nullable(obj({ iteration: natural, stage, dLoss: savedLoss, gLoss: savedLoss, reset: bool })),
  history: arr(obj({ iteration: natural, stage, dLoss: savedLoss, gLoss: savedLoss, meanReward: finite, bestReward: finite, bestArch: archTokens, reset: bool })),
  beams: arr(obj({ stage, candidates: arr(archTokens), scores: arr(finite), kept: arr(archTokens) })),
  phases: obj({ training: seconds, scoring: seconds, controller: seconds }),
  finalCandidates: nullable(arr(obj({ arch: archTokens, reward: finite }))),
});

/** The saved config is a record of the run; the run itself goes on with its config.json. */
const searchMeta = obj({ kind: literal('search'), config: json, conductor: conductorState, actors: obj({ controller: json, trainer: json, resetter: json }) });
export type SearchCheckpointMeta = Infer<typeof searchMeta>;

export type LoadedSearchCheckpoint = LoadedCheckpoint<SearchCheckpointMeta>;

export async function saveSearchCheckpoint(dir: string, config: RunConfig, state: ConductorState, ports: SearchPorts): Promise<string> {
  const arrays = new Map<string, NamedArray>();
  const metas = {} as Record<StatefulActor, unknown>;
  for (const actor of ACTORS) {
    const s = await ports[actor].state();
    metas[actor] = s.meta;
    for (const [name, a] of Object.entries(s.arrays)) arrays.set(`${actor}:${name}`, a);
  }
  const meta: SearchCheckpointMeta = { kind: 'search', config, conductor: state, actors: metas };
  return saveCheckpoint(dir, state.iteration, meta, arrays);
}

/**
 * Where a resumed search continues: the newest intact checkpoint of `runDir`, checked whole against `config`
 * (null when the run stopped before its first one). Needs tfjs started: the shared trainer's arrays are
 * checked against a model built from the config.
 */
export async function loadSearchCheckpoint(runDir: string, ckptDir: string, config: RunConfig): Promise<LoadedSearchCheckpoint | null> {
  requireCheckpointDir(runDir, ckptDir);
  const loaded = loadNewestCheckpoint<unknown>(ckptDir);
  if (!loaded) return null;
  const { path } = loaded;
  const meta = checkedFromFile(path, () => {
    const m = searchMeta.parse(loaded.meta, 'meta');
    checkConductor(m.conductor, config);
    return m;
  });
  const checked: LoadedSearchCheckpoint = { ...loaded, meta };
  for (const name of checked.arrays.keys()) {
    if (!ACTORS.some((a) => name.startsWith(`${a}:`))) throw fileError(path, `${name}: is an array of no actor (expected ${ACTORS.map((a) => `${a}:…`).join(', ')})`);
  }
  for (const actor of ACTORS) {
    try {
      await checkActorState(actor, actorState(checked, actor), config);
    } catch (e) {
      if (e instanceof FieldError) throw stateError(path, actor, e.field, e.problem);
      throw e;
    }
  }
  return checked;
}

/** What the config says about the conductor's state, beyond each field's own type. */
function checkConductor(c: SavedConductorState, config: RunConfig): void {
  const total = stageSchedule(config.search).length;
  if (c.iteration > total) throw new FieldError('meta.conductor.iteration', `is ${c.iteration}; the run has ${total} iterations`);
  if (c.unscored && c.unscored.iteration >= c.iteration) throw new FieldError('meta.conductor.unscored.iteration', `is ${c.unscored.iteration}; only iterations before ${c.iteration} were trained`);
  const width = config.search.strategy === 'rl' ? config.search.controller.hidden : 0;
  c.prefixes.forEach((p, i) => {
    for (const key of ['h', 'c'] as const) {
      if (p[key].length !== width) throw new FieldError(`meta.conductor.prefixes[${i}].${key}`, `has ${p[key].length} values; the controller's state has ${width}`);
    }
  });
}

/** Restores an actor's state into a throwaway copy of its logic (the trainer: checks it against a fresh model). */
async function checkActorState(actor: StatefulActor, state: ActorState, config: RunConfig): Promise<void> {
  switch (actor) {
    case 'controller': {
      const controller = makeController(controllerSettingsOf(config));
      try {
        await controller.restore({ state });
      } finally {
        if ('dispose' in controller) controller.dispose();
      }
      return;
    }
    case 'resetter':
      return makeResetter(resetterSettingsOf(config)).restore({ state });
    case 'trainer': {
      sharedTrainerMeta.parse(state.meta, 'meta');
      const dims = searchGeneratorDims(config);
      const G = new Generator(dims, { kind: 'shared' }, 0);
      const D = new Discriminator({ df: config.search.df, channels: dims.channels }, 0);
      try {
        checkBundle(state.arrays, ...ganStateLayout(G, D));
      } finally {
        G.dispose();
        D.dispose();
      }
    }
  }
}

function actorState(loaded: LoadedSearchCheckpoint, actor: StatefulActor): ActorState {
  const arrays: TensorBundle = {};
  const prefix = `${actor}:`;
  for (const [name, a] of loaded.arrays) if (name.startsWith(prefix)) arrays[name.slice(prefix.length)] = { shape: [...a.shape], data: a.data };
  return { meta: loaded.meta.actors[actor], arrays };
}

/** A field of an actor's state, named as the checkpoint file stores it: `meta.actors.trainer.resets`, `trainer:G/…`. */
function stateError(path: string, actor: StatefulActor, field: string, problem: string): InputError {
  const where = field === 'meta' || field.startsWith('meta.') ? `meta.actors.${actor}${field.slice(4)}` : `${actor}:${field}`;
  return fileError(path, `${where}: ${problem}`);
}

/**
 * Restores every actor from a checked checkpoint; returns the conductor's state. What only an actor can check
 * (the data cursor against its data set) still comes back as an InputError naming the file and field.
 */
export async function restoreSearch(loaded: LoadedSearchCheckpoint, ports: SearchPorts): Promise<ConductorState> {
  for (const actor of ACTORS) {
    try {
      await ports[actor].restore({ state: actorState(loaded, actor) });
    } catch (e) {
      if (e instanceof FieldError) throw stateError(loaded.path, actor, e.field, e.problem);
      const wire = e instanceof ActorRequestError ? e.wire : null;
      if (wire?.name === 'FieldError' && wire.field !== null) throw stateError(loaded.path, actor, wire.field, wire.message.slice(wire.field.length + 2));
      throw e;
    }
  }
  // A run saved before collapses were counted counts those after its resume only.
  const { collapses, ...rest } = loaded.meta.conductor;
  return { ...rest, collapses: collapses ?? initialCollapseWatch() };
}
