/**
 * Where each actor runs. Without GPUs every actor is a worker thread of this process. With `--gpus`, the
 * GPU-bound actors (SharedTrainer, Evaluators) each get a child process whose CUDA_VISIBLE_DEVICES names one
 * GPU (one tfjs-node-gpu per process; see reference/compute-notes.md): the trainer the first GPU listed,
 * the evaluators the others in turn, or the same one when only one is given. Controller and Resetter are
 * light and stay in threads. Derivation's actors (Derivers) start when the search is done: one per GPU, or on
 * CPU `search.derive.parallel` threads.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { InputError, flagError, quote } from '../errors.js';
import type { ActorKind } from '../protocol/channels.js';
import type { Transport } from '../protocol/lifecycle.js';

export interface ActorPlacement {
  /** `controller`, `trainer`, `resetter`, `evaluator-0`, `evaluator-1`, …, `deriver-0`, … */
  readonly id: string;
  readonly kind: ActorKind;
  readonly transport: Transport;
  /** The GPU index for a process placement; null in a thread. */
  readonly cudaVisibleDevices: string | null;
}

/** The placement plan (pure). `evaluators` defaults to one per GPU after the first, at least one. */
export function planPlacement(gpus: readonly number[] | null, evaluators?: number): ActorPlacement[] {
  const thread = (id: string, kind: ActorKind): ActorPlacement => ({ id, kind, transport: 'thread', cudaVisibleDevices: null });
  const count = evaluators ?? Math.max(1, (gpus?.length ?? 1) - 1);
  if (!Number.isInteger(count) || count < 1) throw new InputError(`evaluators: must be a positive integer, got ${count}`);
  const plan = [thread('controller', 'controller'), thread('resetter', 'resetter')];
  if (gpus === null || gpus.length === 0) {
    plan.push(thread('trainer', 'trainer'));
    for (let i = 0; i < count; i++) plan.push(thread(`evaluator-${i}`, 'evaluator'));
    return plan;
  }
  const onGpu = (id: string, kind: ActorKind, gpu: number): ActorPlacement => ({ id, kind, transport: 'process', cudaVisibleDevices: String(gpu) });
  plan.push(onGpu('trainer', 'trainer', gpus[0]!));
  const rest = gpus.length > 1 ? gpus.slice(1) : gpus;
  for (let i = 0; i < count; i++) plan.push(onGpu(`evaluator-${i}`, 'evaluator', rest[i % rest.length]!));
  return plan;
}

/**
 * How many derivations train at once, for `jobs` left to train: with GPUs one per GPU; on CPU `parallel`, where
 * `auto` is half the cores (at least one), which leaves each a core for OpenBLAS and tfjs's own work; never more
 * than `jobs`.
 */
export function deriverCount(gpus: readonly number[] | null, parallel: number | 'auto', jobs: number, cores = availableParallelism()): number {
  const most = gpus !== null && gpus.length > 0 ? gpus.length : parallel === 'auto' ? Math.max(1, Math.floor(cores / 2)) : parallel;
  return Math.min(jobs, most);
}

/** The Derivers' placements (pure): `deriver-0`, `deriver-1`, … as threads, or with GPUs each a process on its GPU. */
export function planDerivers(gpus: readonly number[] | null, count: number): ActorPlacement[] {
  return Array.from({ length: count }, (_, i): ActorPlacement => {
    const id = `deriver-${i}`;
    if (gpus === null || gpus.length === 0) return { id, kind: 'deriver', transport: 'thread', cudaVisibleDevices: null };
    return { id, kind: 'deriver', transport: 'process', cudaVisibleDevices: String(gpus[i % gpus.length]) };
  });
}

/** GPU indices run 0..MAX_GPU_INDEX: beyond any one machine, and a bound on the processes a list starts. */
export const MAX_GPU_INDEX = 63;

/** Parses `--gpus 0,1` (distinct integers 0..MAX_GPU_INDEX). */
export function parseGpuList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw flagError('gpus', `expects GPU indices like 0,1, got ${quote(value)}`);
  const gpus = parts.map(Number);
  const big = gpus.find((g) => g > MAX_GPU_INDEX);
  if (big !== undefined) throw flagError('gpus', `GPU index ${big} is out of range 0..${MAX_GPU_INDEX}`);
  if (new Set(gpus).size !== gpus.length) throw flagError('gpus', `lists a GPU twice: ${quote(value)}`);
  return gpus;
}

/** GPU indices `nvidia-smi -L` lists; an error when it cannot run. */
export function visibleGpus(run: () => string = () => execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 20_000 })): number[] {
  let out: string;
  try {
    out = run();
  } catch (e) {
    throw flagError('gpus', `cannot list GPUs with nvidia-smi -L (${(e as Error).message.split('\n')[0]})`);
  }
  return [...out.matchAll(/^GPU (\d+):/gm)].map((m) => Number(m[1]));
}

/**
 * Checks `--gpus` against the machine when the backend needs real GPUs (node-gpu, or auto, which would pick
 * it); with a CPU backend the plan is applied unchecked, so it can be tested on machines without GPUs.
 */
export function checkGpus(gpus: readonly number[], backend: string, list: () => number[] = () => visibleGpus()): void {
  if (backend !== 'node-gpu' && backend !== 'auto') return;
  const visible = list();
  const missing = gpus.filter((g) => !visible.includes(g));
  if (visible.length === 0) throw flagError('gpus', 'no usable GPU: nvidia-smi lists none');
  if (missing.length > 0) throw flagError('gpus', `GPU ${missing.join(', ')} not found; this machine has ${visible.join(', ')}`);
}
