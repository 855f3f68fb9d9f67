/**
 * The supervisor ↔ actor channel every actor shares: start-up (`supervisor.init` → `actor.ready` with the
 * actor's placement), liveness (`actor.heartbeat`), answers (`actor.result`, `actor.error`), log lines, and
 * shutdown. `parseParentMessage` and `parseActorMessage` are the two boundary checks: whatever arrives
 * through a worker port or a child-process channel goes through one of them before anyone reads it.
 */
import { PROTOCOL_VERSION, parseEnvelope, parseRequest, type MessageBase, type RequestOf } from './base.js';
import { channels, ACTOR_KINDS, STREAMING_KINDS, STREAMS, type ActorKind, type ChannelOf, type StopMessage, type StreamMessage } from './channels.js';
import { FieldError } from '../errors.js';
import { finite, int, intIn, json, natural, nullable, obj, oneOf, str, type Infer } from '../util/schema.js';

/** An error as it crosses a boundary: never a throw, always this. `field` names the message field at fault. */
export const wireError = obj({ name: str, message: str, field: nullable(str) });
export type WireError = Infer<typeof wireError>;

/** An error as a message: a FieldError keeps the field it names. */
export function toWireError(e: unknown): WireError {
  if (e instanceof FieldError) return { name: e.name, message: e.message, field: e.field };
  if (e instanceof Error) return { name: e.name, message: e.message, field: null };
  return { name: 'Error', message: String(e), field: null };
}

/** An actor's message failed the boundary check: names the actor, the message type and the field. */
export function malformedMessageError(actorId: string, type: string, e: FieldError): WireError {
  return { name: 'MalformedMessage', message: `${actorId}: rejected malformed ${type} message: ${e.message}`, field: e.field };
}

export const TRANSPORTS = ['thread', 'process'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const placement = obj({
  transport: oneOf(TRANSPORTS),
  pid: natural,
  threadId: natural,
  backend: str,
  tfBackend: str,
  /** The actor's own view of CUDA_VISIBLE_DEVICES (null when unset). */
  cudaVisibleDevices: nullable(str),
});
export type Placement = Infer<typeof placement>;

const init = obj({
  actorId: str,
  kind: oneOf(ACTOR_KINDS),
  /** URL of the module whose `createLogic(init)` builds the actor's logic (src/actors/actor-logic.ts). */
  logicModule: str,
  config: json,
  seed: int,
  backend: str,
  heartbeatMs: intIn(1),
});
export type ActorInit = Infer<typeof init>;
export type InitMessage = MessageBase<'supervisor.init'> & ActorInit;
export type ShutdownMessage = MessageBase<'supervisor.shutdown'>;

/** Any actor's request. */
export type AnyRequest = { [K in ActorKind]: RequestOf<ChannelOf<K>> }[ActorKind];
/** Everything a parent sends an actor. */
export type ParentMessage = InitMessage | ShutdownMessage | StopMessage | AnyRequest;

const ready = obj({ placement });
/** `tensors`: the actor's live tfjs tensors (−1 when it runs without tfjs), for memory watching. */
const heartbeat = obj({ time: finite, tensors: intIn(-1) });
const result = obj({ id: int, result: { parse: (v: unknown) => v } });
const failure = obj({ id: nullable(int), error: wireError });
const log = obj({ level: oneOf(['info', 'warn'] as const), line: str });
const stop = obj({ id: int });

export type ReadyMessage = MessageBase<'actor.ready'> & Infer<typeof ready>;
export type HeartbeatMessage = MessageBase<'actor.heartbeat'> & Infer<typeof heartbeat>;
/** `result` is checked against the schema of the request it answers, by the parent that knows which one. */
export type ResultMessage = MessageBase<'actor.result'> & Infer<typeof result>;
export type ErrorMessage = MessageBase<'actor.error'> & Infer<typeof failure>;
export type LogMessage = MessageBase<'actor.log'> & Infer<typeof log>;

/** Everything an actor sends its parent. */
export type ActorMessage = ReadyMessage | HeartbeatMessage | ResultMessage | ErrorMessage | LogMessage | StreamMessage;

function withBase<T extends string, B>(type: T, body: B): MessageBase<T> & B {
  return { v: PROTOCOL_VERSION, type, ...body };
}

function bodyOf(m: Record<string, unknown>): Record<string, unknown> {
  const { v: _v, type: _t, ...rest } = m;
  return rest;
}

/** Checks the first message an actor receives, before it knows its kind. */
export function parseInitMessage(raw: unknown): InitMessage {
  const m = parseEnvelope(raw);
  if (m.type !== 'supervisor.init') throw new FieldError('type', `expected supervisor.init first, got ${JSON.stringify(m.type)}`);
  return withBase('supervisor.init', init.parse(bodyOf(m), ''));
}

/** The kind whose request a message of this type stops (`trainer.stop`: the trainer), or null for other types. */
function stoppedKind(type: string): ActorKind | null {
  const kind = type.endsWith('.stop') ? type.slice(0, -'.stop'.length) : '';
  return STREAMING_KINDS.has(kind as ActorKind) ? (kind as ActorKind) : null;
}

export function isStopMessage(msg: ParentMessage): msg is StopMessage {
  return stoppedKind(msg.type) !== null;
}

/** Checks a message arriving at an actor of kind `kind`; throws FieldError naming the field at fault. */
export function parseParentMessage(kind: ActorKind, raw: unknown): ParentMessage {
  const m = parseEnvelope(raw);
  const stopOf = stoppedKind(m.type);
  if (stopOf !== null) {
    if (stopOf !== kind) throw new FieldError('type', `${kind} does not take ${m.type}`);
    return withBase(m.type, stop.parse(bodyOf(m), '')) as StopMessage;
  }
  switch (m.type) {
    case 'supervisor.init':
      return withBase('supervisor.init', init.parse(bodyOf(m), ''));
    case 'supervisor.shutdown':
      obj({}).parse(bodyOf(m), '');
      return withBase('supervisor.shutdown', {});
    default:
      return parseRequest<ChannelOf<ActorKind>>(channels[kind], m);
  }
}

/** Checks a message arriving at the parent from an actor; throws FieldError naming the field at fault. */
export function parseActorMessage(raw: unknown): ActorMessage {
  const m = parseEnvelope(raw);
  const body = bodyOf(m);
  switch (m.type) {
    case 'actor.ready':
      return withBase('actor.ready', ready.parse(body, ''));
    case 'actor.heartbeat':
      return withBase('actor.heartbeat', heartbeat.parse(body, ''));
    case 'actor.result':
      return withBase('actor.result', result.parse(body, ''));
    case 'actor.error':
      return withBase('actor.error', failure.parse(body, ''));
    case 'actor.log':
      return withBase('actor.log', log.parse(body, ''));
  }
  const stream = STREAMS.get(m.type);
  if (!stream) throw new FieldError('type', `unknown message type ${JSON.stringify(m.type)}`);
  return withBase(m.type, obj({ id: int, [stream.key]: stream.item }).parse(body, '')) as StreamMessage;
}

/** What a stream message carries (`loss` of a `trainer.loss`). */
export function streamItemOf(msg: StreamMessage): unknown {
  return (msg as unknown as Record<string, unknown>)[STREAMS.get(msg.type)!.key];
}

/** Builds a message of this protocol version (so senders never spell the version themselves). */
export const message = withBase;
