/** Worker-thread script for test/blas-backend.test.ts: a conv and its gradients on cpu-blas, values posted back. */
import { parentPort, workerData } from 'node:worker_threads';
import { startBackend } from '../../src/backend/select.js';
import { convAndGrads } from './blas-conv.js';

await startBackend('blas');
parentPort!.postMessage(convAndGrads(workerData as number));
