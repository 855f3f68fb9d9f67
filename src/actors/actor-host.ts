/**
 * The one entry point of every actor, in a worker thread or a forked process alike: wait for
 * `supervisor.init`, start the tfjs backend, build the logic, report `actor.ready` with the placement, then
 * serve requests one at a time from the inbox. Every reply is a message: a failing request becomes
 * `actor.error` with its id, a malformed message becomes `actor.error` naming the field, and the actor
 * keeps serving. Heartbeats go out on a timer, so an actor stuck in a computation falls silent and the
 * supervisor can tell it is hung.
 */
import { threadId } from 'node:worker_threads';
import { concatMap, from, Subject } from 'rxjs';
import { idOf } from '../protocol/base.js';
import type { ActorKind } from '../protocol/channels.js';
import { isStopMessage, malformedMessageError, message, parseInitMessage, parseParentMessage, toWireError, type ActorInit, type ActorMessage, type AnyRequest } from '../protocol/lifecycle.js';
import { FieldError } from '../errors.js';
import type { LogicModule } from './actor-logic.js';
import { shellOf, type RequestContext } from './actor-shell.js';
import { hostEndpoint } from './endpoint.js';
import { INJECTED_CRASH_EXIT } from './exit-codes.js';

const endpoint = hostEndpoint();
const send = (msg: ActorMessage) => endpoint.send(msg);

function typeOf(raw: unknown): string {
  const t = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  return typeof t === 'string' ? t : 'untyped';
}

function reject(actorId: string, raw: unknown, e: unknown): void {
  const error = e instanceof FieldError ? malformedMessageError(actorId, typeOf(raw), e) : toWireError(e);
  send(message('actor.error', { id: idOf(raw), error }));
}

async function importLogic<K extends ActorKind>(init: ActorInit): Promise<LogicModule<K>> {
  const mod = (await import(init.logicModule)) as Partial<LogicModule<K>>;
  if (typeof mod.createLogic !== 'function') throw new Error(`${init.logicModule}: does not export createLogic(init)`);
  return { createLogic: mod.createLogic, ...(mod.tensors === false ? { tensors: false } : {}) };
}

/** Starts the tfjs backend, unless the logic says it uses no tensors (tfjs takes seconds to load). */
async function startTensors(init: ActorInit, tensors: boolean): Promise<{ name: string; tfName: string }> {
  if (!tensors) return { name: 'none', tfName: 'none' };
  // Imported here, not at the top, so that tensor-free logic never loads tfjs.
  const { parseBackendName, startBackend } = await import('../backend/select.js');
  return startBackend(parseBackendName(init.backend), { log: (line) => send(message('actor.log', { level: 'info', line })) });
}

/** Live tensors of this thread's tfjs engine (already loaded by `startTensors`). */
async function tensorCounter(): Promise<() => number> {
  const tf = await import('@tensorflow/tfjs');
  return () => tf.memory().numTensors;
}

interface Served {
  answer: (req: AnyRequest, ctx: RequestContext) => Promise<unknown>;
  backend: { name: string; tfName: string };
  dispose(): void;
}

async function logicFor(init: ActorInit): Promise<Served> {
  const mod = await importLogic(init);
  const backend = await startTensors(init, mod.tensors !== false);
  const frees: (() => void)[] = [];
  const logic = await mod.createLogic(init, { log: (line) => send(message('actor.log', { level: 'info', line })), onDispose: (free) => frees.push(free) });
  const dispose = () => {
    logic.dispose?.();
    for (const free of frees) free();
  };
  return { answer: shellOf(init.kind, logic), backend, dispose };
}

function actOutFault(fault: 'crash' | 'hang'): void {
  if (fault === 'crash') process.exit(INJECTED_CRASH_EXIT); // in a worker thread this ends the thread only
  // hang: block this thread's event loop for good; heartbeats stop, which is what the supervisor watches.
  for (;;) {
    /* busy until terminated */
  }
}

/**
 * The inbox, subscribed once for the actor's life: messages that arrive while the backend and logic start
 * wait in `early` (a message port does not promise to keep what arrives while nobody listens).
 */
const early: unknown[] = [];
let initSeen = false;
let deliver: ((raw: unknown) => void) | null = null;
const parentGone$ = new Subject<void>();
const firstMessage = new Promise<unknown>((resolve) => {
  endpoint.inbox$.subscribe({
    next(raw) {
      if (deliver) deliver(raw);
      else if (early.length === 0 && !initSeen) {
        initSeen = true;
        resolve(raw);
      } else early.push(raw);
    },
    complete: () => parentGone$.next(),
  });
});

async function serve(init: ActorInit): Promise<void> {
  const { answer, backend, dispose } = await logicFor(init);
  const stops = new Set<number>();
  const requests$ = new Subject<AnyRequest>();
  const tensors = backend.tfName === 'none' ? () => -1 : await tensorCounter();
  const beat = setInterval(() => send(message('actor.heartbeat', { time: Date.now(), tensors: tensors() })), init.heartbeatMs);
  const stop = () => {
    clearInterval(beat);
    requests$.complete();
    dispose();
    process.exit(0);
  };
  parentGone$.subscribe(stop);

  const ctx: RequestContext = { send, stopRequested: (id) => stops.has(id) };
  const run = async (req: AnyRequest): Promise<void> => {
    if (req.fault === 'crash' || req.fault === 'hang') actOutFault(req.fault);
    try {
      const result = await answer(req, ctx);
      send(message('actor.result', { id: req.id, result }));
    } catch (e) {
      send(message('actor.error', { id: req.id, error: toWireError(e) }));
    } finally {
      stops.delete(req.id);
    }
  };
  // One request at a time, in arrival order: the logic is not reentrant (it owns tfjs state).
  requests$.pipe(concatMap((r) => from(run(r)))).subscribe();

  deliver = (raw) => {
    let msg;
    try {
      msg = parseParentMessage(init.kind, raw);
    } catch (e) {
      return reject(init.actorId, raw, e);
    }
    switch (msg.type) {
      case 'supervisor.init':
        return reject(init.actorId, raw, new FieldError('type', 'already initialised'));
      case 'supervisor.shutdown':
        return stop();
    }
    // Read by the running request's stream callback between its items.
    if (isStopMessage(msg)) stops.add(msg.id);
    else requests$.next(msg);
  };
  send(message('actor.ready', {
    placement: {
      transport: endpoint.transport,
      pid: process.pid,
      threadId,
      backend: backend.name,
      tfBackend: backend.tfName,
      cudaVisibleDevices: process.env.CUDA_VISIBLE_DEVICES ?? null,
    },
  }));
  for (const raw of early.splice(0)) deliver(raw);
}

const raw = await firstMessage;
let init: ActorInit;
try {
  init = parseInitMessage(raw);
} catch (e) {
  reject('actor', raw, e);
  process.exit(1);
}
serve(init).catch((e: unknown) => {
  // A failure before ready (backend, logic module): report it, then exit non-zero so the supervisor sees it.
  send(message('actor.error', { id: null, error: toWireError(e) }));
  setTimeout(() => process.exit(1), 50);
});
