/**
 * The actor's end of its transport: a worker thread's parentPort or a forked process's IPC channel, as an
 * RxJS inbox and a send function. Nothing else in src/actors knows which of the two it runs on.
 */
import { parentPort } from 'node:worker_threads';
import { Observable } from 'rxjs';
import { hasArrays, ownedCopy } from '../protocol/base.js';
import type { Transport } from '../protocol/lifecycle.js';

export interface ActorEndpoint {
  readonly transport: Transport;
  /** Every message the parent sends, unchecked (the host checks each one); subscribe once. Completes when the parent goes. */
  readonly inbox$: Observable<unknown>;
  send(msg: object): void;
}

export function hostEndpoint(): ActorEndpoint {
  const port = parentPort;
  if (port) {
    return {
      transport: 'thread',
      inbox$: new Observable<unknown>((sub) => {
        const onMessage = (m: unknown) => sub.next(m);
        const onClose = () => sub.complete();
        port.on('message', onMessage);
        port.on('close', onClose);
        return () => {
          port.off('message', onMessage);
          port.off('close', onClose);
        };
      }),
      send(msg) {
        // Arrays go as transferred copies: one memcpy, and the logic's own arrays (maybe backend storage) stay valid.
        if (!hasArrays(msg)) return port.postMessage(msg);
        const { value, transfer } = ownedCopy(msg);
        port.postMessage(value, transfer);
      },
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('actor host: started neither as a worker thread nor as a forked process with an IPC channel');
  return {
    transport: 'process',
    inbox$: new Observable<unknown>((sub) => {
      const onMessage = (m: unknown) => sub.next(m);
      const onDisconnect = () => sub.complete();
      process.on('message', onMessage);
      process.on('disconnect', onDisconnect);
      return () => {
        process.off('message', onMessage);
        process.off('disconnect', onDisconnect);
      };
    }),
    // The channel uses 'advanced' serialization (set by the parent's fork), so typed arrays go as binary.
    send: (msg) => void send(msg),
  };
}
