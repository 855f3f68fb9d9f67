import * as tf from '@tensorflow/tfjs';
import { InputError, quote } from '../errors.js';
import { loadBlasAddon } from './blas/addon.js';
import { BLAS_TF_NAME, registerBlasBackend } from './blas/backend.js';
import './cpu-backend.js';

/** Backends a user may ask for with `--backend`. */
export const BACKEND_NAMES = ['auto', 'node-gpu', 'node', 'blas', 'wasm', 'cpu', 'webgpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What a process ended up running on; logged once at start and reported in events. */
export interface BackendInfo {
  readonly requested: BackendName;
  /** The name we use for it (`node-gpu`, `node`, `blas`, `wasm`, `cpu`, `webgpu`). */
  readonly name: Exclude<BackendName, 'auto'>;
  /** tfjs's own backend name (`tensorflow`, `cpu-blas`, `wasm`, `cpu`, `webgpu`). */
  readonly tfName: string;
  readonly reason: string;
}

export interface StartOptions {
  /** True when the process was given GPUs (`--gpus`); `auto` then prefers tfjs-node-gpu. */
  readonly wantGpu?: boolean;
  readonly log?: (line: string) => void;
}

/** Loads an optional package; returns false when it is not installed or cannot load. */
async function tryImport(pkg: string): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    await import(pkg);
    return { ok: true };
  } catch (e) {
    return { ok: false, why: (e as Error).message.split('\n')[0] ?? 'unknown error' };
  }
}

async function activate(tfName: string): Promise<void> {
  const ok = await tf.setBackend(tfName);
  if (!ok) throw new Error(`tfjs could not initialise backend "${tfName}"`);
  await tf.ready();
}

async function startWasm(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  await activate('wasm');
}

async function startCpu(): Promise<void> {
  await activate('cpu');
}

/** The cpu backend with the native addon's convs and matMuls (src/backend/blas/); null when started, else why not. */
async function startBlas(): Promise<string | null> {
  const load = registerBlasBackend();
  if (!load.ok) return load.why;
  await activate(BLAS_TF_NAME);
  return null;
}

async function startNative(name: 'node' | 'node-gpu'): Promise<string | null> {
  const pkg = name === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
  const r = await tryImport(pkg);
  if (!r.ok) return `${pkg} is not usable (${r.why})`;
  await activate('tensorflow');
  return null;
}

async function startWebgpu(): Promise<string | null> {
  const r = await tryImport('@tensorflow/tfjs-backend-webgpu');
  if (!r.ok) return `@tensorflow/tfjs-backend-webgpu is not usable (${r.why}); install it and the "webgpu" package to use this backend`;
  try {
    await activate('webgpu');
  } catch (e) {
    return `webgpu failed to start: ${(e as Error).message}`;
  }
  return null;
}

/**
 * Chooses and starts the tfjs backend of this process. An explicit request that cannot start is an
 * `InputError`, never a silent fallback. `auto` takes tfjs-node-gpu when GPUs are asked for and it loads,
 * else tfjs-node when it loads, else the native `blas` backend when its addon is built, else wasm: the
 * fastest pure CPU backend that trains correctly (with the gradient fixes in `ops.ts`; see `npm run bench`).
 */
export async function startBackend(requested: BackendName, opts: StartOptions = {}): Promise<BackendInfo> {
  const info = await choose(requested, opts);
  // Both lines read the addon's load, which starting blas (or trying it, under auto) already did: no new load.
  const blas = info.name === 'blas' || (requested === 'auto' && info.name === 'wasm') ? loadBlasAddon() : null;
  const kernels = info.name === 'blas' && blas?.ok ? ` [${blas.addon.config()}] [convolutions: ${blas.addon.dnnl() ?? (blas.addon.openBlas() ? 'OpenBLAS' : 'the addon\'s loops')}]` : '';
  opts.log?.(`backend: ${info.name} (tfjs "${info.tfName}"): ${info.reason}${kernels}`);
  // On a line of its own, where a user looking for why training is slow will see it: the way to the fast path.
  if (blas && !blas.ok) opts.log?.(`backend: blas, the faster CPU backend (native kernels, on oneDNN and OpenBLAS where installed), is off: ${blas.why}`);
  return info;
}

async function choose(requested: BackendName, opts: StartOptions): Promise<BackendInfo> {
  switch (requested) {
    case 'node-gpu':
    case 'node': {
      const why = await startNative(requested);
      if (why) throw new InputError(`--backend ${requested}: cannot start: ${why}`);
      return { requested, name: requested, tfName: 'tensorflow', reason: 'requested' };
    }
    case 'webgpu': {
      const why = await startWebgpu();
      if (why) throw new InputError(`--backend webgpu: cannot start: ${why}`);
      return { requested, name: 'webgpu', tfName: 'webgpu', reason: 'requested' };
    }
    case 'blas': {
      const why = await startBlas();
      if (why) throw new InputError(`--backend blas: cannot start: ${why}`);
      return { requested, name: 'blas', tfName: BLAS_TF_NAME, reason: 'requested' };
    }
    case 'wasm':
      await startWasm();
      return { requested, name: 'wasm', tfName: 'wasm', reason: 'requested' };
    case 'cpu':
      await startCpu();
      return { requested, name: 'cpu', tfName: 'cpu', reason: 'requested' };
    case 'auto': {
      const skipped: string[] = [];
      if (opts.wantGpu) {
        const why = await startNative('node-gpu');
        if (!why) return { requested, name: 'node-gpu', tfName: 'tensorflow', reason: 'GPUs requested and tfjs-node-gpu loads' };
        skipped.push(why);
      }
      const why = await startNative('node');
      if (!why) return { requested, name: 'node', tfName: 'tensorflow', reason: 'tfjs-node loads' };
      skipped.push(why);
      if ((await startBlas()) === null) return { requested, name: 'blas', tfName: BLAS_TF_NAME, reason: `native addon loads; skipped: ${skipped.join('; ')}` };
      skipped.push('blas (see the next line)');
      await startWasm();
      return { requested, name: 'wasm', tfName: 'wasm', reason: `fastest pure CPU backend, one core; skipped: ${skipped.join('; ')}` };
    }
  }
}

/** Parses a `--backend` value. */
export function parseBackendName(value: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new InputError(`--backend: must be one of ${BACKEND_NAMES.join('|')}, got ${quote(value)}`);
}
