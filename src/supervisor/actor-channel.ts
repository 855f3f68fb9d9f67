/**
 * The parent's end of one actor incarnation: a worker thread or a forked child process running
 * src/actors/actor-host.js, as an RxJS stream of raw messages, an exit notification, send and kill.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Observable, ReplaySubject, Subject } from 'rxjs';
import { hasArrays, ownedCopy } from '../protocol/base.js';
import type { Transport } from '../protocol/lifecycle.js';

export interface ExitInfo {
  readonly code: number | null;
  /** An uncaught error or spawn failure, when the transport reported one. */
  readonly error: string | null;
}

export interface ActorChannel {
  readonly transport: Transport;
  /** Raw messages from the actor, checked by the receiver. */
  readonly messages$: Observable<unknown>;
  /** Emits once when the actor is gone. */
  readonly exit$: Observable<ExitInfo>;
  send(msg: object): void;
  /** Ends the actor at once (a hung one included). */
  kill(): void;
}

/** The compiled actor host beside this module's own compiled folder (dist/ or .test-build/src/). */
export const ACTOR_HOST_URL = new URL('../actors/actor-host.js', import.meta.url);

export function spawnActor(transport: Transport, cudaVisibleDevices: string | null): ActorChannel {
  return transport === 'thread' ? spawnThread(cudaVisibleDevices) : spawnProcess(cudaVisibleDevices);
}

function envWith(cudaVisibleDevices: string | null): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (cudaVisibleDevices === null) delete env.CUDA_VISIBLE_DEVICES;
  else env.CUDA_VISIBLE_DEVICES = cudaVisibleDevices;
  return env;
}

/** The streams of a channel's parent end: the actor's messages until it is gone, then one exit notice. */
export function channelStreams(): { messages$: Subject<unknown>; exit$: ReplaySubject<ExitInfo>; ended(info: ExitInfo): void } {
  const messages$ = new Subject<unknown>();
  const exit$ = new ReplaySubject<ExitInfo>(1);
  const ended = (info: ExitInfo) => {
    messages$.complete();
    exit$.next(info);
    exit$.complete();
  };
  return { messages$, exit$, ended };
}

function spawnThread(cudaVisibleDevices: string | null): ActorChannel {
  const worker = new Worker(ACTOR_HOST_URL, { env: envWith(cudaVisibleDevices) });
  const { messages$, exit$, ended } = channelStreams();
  let error: string | null = null;
  worker.on('message', (m) => messages$.next(m));
  worker.on('error', (e) => (error = e.stack ?? e.message));
  worker.on('exit', (code) => ended({ code, error }));
  return {
    transport: 'thread',
    messages$,
    exit$,
    send(msg) {
      // A transferred copy: the caller keeps its arrays, and the copy crosses without a second memcpy.
      if (!hasArrays(msg)) return worker.postMessage(msg);
      const { value, transfer } = ownedCopy(msg);
      worker.postMessage(value, transfer);
    },
    kill: () => void worker.terminate(),
  };
}

function spawnProcess(cudaVisibleDevices: string | null): ActorChannel {
  const child: ChildProcess = fork(fileURLToPath(ACTOR_HOST_URL), [], {
    env: envWith(cudaVisibleDevices),
    // 'advanced' = the structured clone algorithm: Float32Arrays cross as binary, not as JSON number lists.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { messages$, exit$, ended } = channelStreams();
  let error: string | null = null;
  child.on('message', (m) => messages$.next(m));
  child.on('error', (e) => (error = e.message));
  child.on('exit', (code, signal) => ended({ code, error: error ?? (signal ? `killed by ${signal}` : null) }));
  return {
    transport: 'process',
    messages$,
    exit$,
    send(msg) {
      if (child.connected) child.send(msg);
    },
    kill: () => void child.kill('SIGKILL'),
  };
}
