/**
 * A search checkpoint: the conductor's state and every stateful actor's state (controller, shared trainer,
 * resetter) in one atomic file, so that a resumed search continues as if it had not stopped.
 */
import type { RunConfig } from '../config/run-config.js';
import type { NamedArray } from '../train/checkpoint-file.js';
import { loadNewestCheckpoint, saveCheckpoint, type LoadedCheckpoint } from '../train/checkpoint-dir.js';
import type { ConductorState, SearchPorts } from './conductor.js';
import type { ActorState, TensorBundle } from './ports.js';

const ACTORS = ['controller', 'trainer', 'resetter'] as const;
type StatefulActor = (typeof ACTORS)[number];

export interface SearchCheckpointMeta {
  readonly kind: 'search';
  readonly config: RunConfig;
  readonly conductor: ConductorState;
  readonly actors: Record<StatefulActor, unknown>;
}

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

export function loadSearchCheckpoint(dir: string): LoadedCheckpoint<SearchCheckpointMeta> | null {
  return loadNewestCheckpoint<SearchCheckpointMeta>(dir);
}

/** Restores every actor from a loaded checkpoint; returns the conductor's state. */
export async function restoreSearch(loaded: LoadedCheckpoint<SearchCheckpointMeta>, ports: SearchPorts): Promise<ConductorState> {
  for (const actor of ACTORS) {
    const arrays: TensorBundle = {};
    const prefix = `${actor}:`;
    for (const [name, a] of loaded.arrays) if (name.startsWith(prefix)) arrays[name.slice(prefix.length)] = { shape: [...a.shape], data: a.data };
    const state: ActorState = { meta: loaded.meta.actors[actor], arrays };
    await ports[actor].restore(state);
  }
  return loaded.meta.conductor;
}
