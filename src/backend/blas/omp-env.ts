/**
 * oneDNN's threads are an OpenMP team (Debian's build: libgomp), whose threads by default spin at the end of every
 * parallel region before they sleep. A step is a thousand such regions of a few hundred microseconds with JavaScript
 * between them, and whenever another thread or process wants a core the spinners hold it: measured on 2 cores, a
 * shared-GAN step at 32 px took 0.42 s spinning and 0.36 s passive with the machine to itself, and 0.71 s against
 * 0.53 s beside one busy process (a derivation under test slowed from seconds to minutes). So threads wait passively
 * unless the user says otherwise. libgomp reads the setting once, when it loads with the addon, from the process's
 * real environment, which only the main thread can change; children inherit it.
 */
import { isMainThread } from 'node:worker_threads';

export const WAIT_POLICY_ENV = 'OMP_WAIT_POLICY';

export function chooseOmpWaitPolicy(): void {
  if (!isMainThread || process.env[WAIT_POLICY_ENV] || process.env['GOMP_SPINCOUNT']) return;
  process.env[WAIT_POLICY_ENV] = 'PASSIVE';
}
