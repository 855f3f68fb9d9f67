import * as tf from '@tensorflow/tfjs';
import { startBackend, type BackendName } from '../../src/backend/select.js';

/** The backends every gradient check runs on in CI: the ones that install everywhere. */
export const BACKENDS_UNDER_TEST: readonly BackendName[] = ['cpu', 'wasm'];

/** Switches the process to a backend for the tests that follow. */
export async function useBackend(name: BackendName): Promise<void> {
  await startBackend(name);
  if (tf.getBackend() !== (name === 'node' || name === 'node-gpu' ? 'tensorflow' : name)) throw new Error(`backend ${name} did not start`);
}
