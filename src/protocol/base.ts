/**
 * What every message shares: the protocol version, a literal namespaced `type` (`'controller.sample'`,
 * `'actor.ready'`), and for requests and their answers a correlation id. Each actor channel declares its
 * requests as a method table (`method(args, result)`, `streaming(args, result, stream)`); the request union, the
 * port type its logic implements and the supervisor's proxy provides (`PortOf`), the parent's typed `call` and
 * the actor's shell are all derived from that one table.
 */
import { FieldError, isInputError } from '../errors.js';
import { NUM_STAGES, validateArch } from '../nn/arch.js';
import { arr, float32Array, int, intIn, json, natural, obj, oneOf, record, type Infer, type Schema } from '../util/schema.js';

/** Bumped on any incompatible change; a message of another version is rejected at the boundary. */
export const PROTOCOL_VERSION = 1;

export interface MessageBase<T extends string> {
  readonly v: typeof PROTOCOL_VERSION;
  readonly type: T;
}

/** A search stage: 0, 1 or 2. */
export const stage = intIn(0, NUM_STAGES - 1);

/** An architecture or a stage's prefix of one: 4, 9 or 14 tokens, each within its token's choices. */
export const archTokens: Schema<number[]> = {
  parse(v, path) {
    const tokens = arr(int).parse(v, path);
    try {
      validateArch(tokens);
    } catch (e) {
      if (isInputError(e)) throw new FieldError(path, e.message);
      throw e;
    }
    return tokens;
  },
};

/** A shape with `prod(shape)` elements and its float32 values. NaN values are data: a collapsed model's weights. */
export const tensorBundle = record({
  parse(v: unknown, path: string) {
    const t = obj({ shape: arr(natural), data: float32Array }).parse(v, path);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new FieldError(`${path}.data`, `has ${t.data.length} values, shape [${t.shape}] needs ${size}`);
    return t;
  },
});

/** An actor's whole state, for checkpoints and for restoring a replacement: arrays plus JSON metadata. */
export const actorState = obj({ meta: json, arrays: tensorBundle });
export type ActorState = Infer<typeof actorState>;

/**
 * What a request streams to the parent while it runs: each item as a `${kind}.${key}` message under the
 * request's id (`trainer.loss` with its `loss`), and the parent may answer `${kind}.stop` to end the request
 * early. `poisoned` is what the fault `nan:KIND@N` makes of an item: the report of a diverged model.
 */
export interface StreamSpec<Key extends string, I> {
  readonly key: Key;
  readonly item: Schema<I>;
  // Method syntax: checked bivariantly, so that every concrete stream fits `MethodTable`.
  poisoned?(item: I): I;
}

type AnyStream = StreamSpec<string, unknown>;

/**
 * One request of a channel: its arguments, its result, and what the supervisor must know of it besides.
 * `captureState`: the request changes a state cheap enough to copy, which the supervisor takes after each
 * one (a `${kind}.state` request of its own) to restore a replacement from, should the actor die.
 */
export interface MethodSpec<A, R, S extends AnyStream | undefined = AnyStream | undefined> {
  readonly args: Schema<A>;
  readonly result: Schema<R>;
  readonly stream: S;
  readonly captureState: boolean;
}

export function method<A, R>(args: Schema<A>, result: Schema<R>, opts: { captureState?: boolean } = {}): MethodSpec<A, R, undefined> {
  return { args, result, stream: undefined, captureState: opts.captureState ?? false };
}

export function streaming<A, R, Key extends string, I>(args: Schema<A>, result: Schema<R>, stream: StreamSpec<Key, I>): MethodSpec<A, R, StreamSpec<Key, I>> {
  return { args, result, stream, captureState: false };
}

/** Schemas are covariant in their type, so every concrete table fits this constraint. */
export type MethodTable = Record<string, MethodSpec<unknown, unknown>>;
export type ArgsOf<M extends MethodTable, K extends keyof M> = Infer<M[K]['args']>;
export type ResultOf<M extends MethodTable, K extends keyof M> = Infer<M[K]['result']>;
/** What request `K` streams while it runs; `never` when it streams nothing. */
export type StreamItemOf<M extends MethodTable, K extends keyof M> = M[K]['stream'] extends StreamSpec<string, infer I> ? I : never;

/** A streamed item's answer: go on, or end the request after this item. */
export type StreamVerdict = 'continue' | 'stop';

/** The name a request has on a port: `controller.sample` → `sample`. */
type MethodName<T> = T extends `${string}.${infer M}` ? M : never;
export function methodName(type: string): string {
  return type.slice(type.indexOf('.') + 1);
}

type PortResult<R> = R extends null ? void : R;
type PortMethod<S extends MethodSpec<unknown, unknown>> =
  S['stream'] extends StreamSpec<string, infer I>
    ? (args: Infer<S['args']>, onItem: (item: I) => StreamVerdict) => Promise<PortResult<Infer<S['result']>>>
    : {} extends Infer<S['args']>
      ? (args?: Infer<S['args']>) => Promise<PortResult<Infer<S['result']>>>
      : (args: Infer<S['args']>) => Promise<PortResult<Infer<S['result']>>>;

/**
 * A channel seen as an object of async methods, one per request: `sample({ count })` for `controller.sample`.
 * Both the actor's logic and the supervisor's proxy of it have this type, so the conductor cannot tell them apart.
 * A request without arguments takes none; one answered with `null` returns nothing; a streaming one takes the
 * callback that sees each item.
 */
export type PortOf<M extends MethodTable> = { [K in keyof M & string as MethodName<K>]: PortMethod<M[K]> };

/** Faults the supervisor may attach to a request (see src/supervisor/faults.ts); the actor acts them out. */
export const REQUEST_FAULTS = ['crash', 'hang', 'nan'] as const;
export type RequestFault = (typeof REQUEST_FAULTS)[number];

/** One request of a channel: `{ v, type: 'controller.sample', id, args: { count } }`. */
export type RequestOf<M extends MethodTable> = {
  [K in keyof M & string]: MessageBase<K> & { readonly id: number; readonly args: ArgsOf<M, K>; readonly fault?: RequestFault };
}[keyof M & string];

/** Checks a request against a channel's table; a FieldError names the field at fault. */
export function parseRequest<M extends MethodTable>(table: M, msg: Record<string, unknown>): RequestOf<M> {
  const type = msg.type;
  if (typeof type !== 'string' || !Object.hasOwn(table, type)) throw new FieldError('type', `unknown request type ${JSON.stringify(type)}`);
  const spec = table[type]!;
  const id = int.parse(msg.id, 'id');
  const args = spec.args.parse(msg.args, 'args');
  const fault = msg.fault === undefined ? undefined : oneOf(REQUEST_FAULTS).parse(msg.fault, 'fault');
  for (const key of Object.keys(msg)) {
    if (!['v', 'type', 'id', 'args', 'fault'].includes(key)) throw new FieldError(key, 'unexpected field');
  }
  return { v: PROTOCOL_VERSION, type, id, args, ...(fault ? { fault } : {}) } as RequestOf<M>;
}

/** The envelope check every received message goes through first: an object of this protocol version with a type. */
export function parseEnvelope(msg: unknown): Record<string, unknown> & { type: string } {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new FieldError('message', 'expected an object');
  const m = msg as Record<string, unknown>;
  if (m.v !== PROTOCOL_VERSION) throw new FieldError('v', `expected protocol version ${PROTOCOL_VERSION}, got ${JSON.stringify(m.v)}`);
  if (typeof m.type !== 'string') throw new FieldError('type', 'expected a string');
  return m as Record<string, unknown> & { type: string };
}

/** The correlation id of a message, when it has a usable one (to fail the right request on a bad reply). */
export function idOf(msg: unknown): number | null {
  const id = typeof msg === 'object' && msg !== null ? (msg as { id?: unknown }).id : undefined;
  return Number.isInteger(id) ? (id as number) : null;
}

/**
 * A copy of `value` whose Float32Arrays own fresh buffers, with those buffers listed for transfer. One copy
 * instead of structured clone's two (serialize + deserialize), and the sender's own arrays stay intact: they
 * may be a tfjs backend's storage (the cpu backend's dataSync returns it), which a transfer would detach.
 */
export function ownedCopy<T>(value: T): { value: T; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const walk = (v: unknown): unknown => {
    if (v instanceof Float32Array) {
      const copy = v.slice();
      transfer.push(copy.buffer);
      return copy;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return { value: walk(value) as T, transfer };
}

/** True when a message carries any Float32Array (only those are worth copying for a transfer). */
export function hasArrays(value: unknown): boolean {
  if (value instanceof Float32Array) return true;
  if (Array.isArray(value)) return value.some(hasArrays);
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) return Object.values(value).some(hasArrays);
  return false;
}
