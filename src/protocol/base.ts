/**
 * What every message shares: the protocol version, a literal namespaced `type` (`'controller.sample'`,
 * `'actor.ready'`), and for requests and their answers a correlation id. Each actor channel declares its
 * requests as a method table (`method(args, result)`); the request union, the parent's typed `call` and the
 * actor's handler table are all derived from that one table.
 */
import { isInputError } from '../errors.js';
import { NUM_STAGES, validateArch } from '../nn/arch.js';
import { FieldError, arr, float32Array, int, intIn, json, natural, obj, oneOf, record, type Infer, type Schema } from './schema.js';

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

export const actorState = obj({ meta: json, arrays: tensorBundle });

export interface MethodSpec<A, R> {
  readonly args: Schema<A>;
  readonly result: Schema<R>;
}

export function method<A, R>(args: Schema<A>, result: Schema<R>): MethodSpec<A, R> {
  return { args, result };
}

/** Schemas are covariant in their type, so every concrete table fits this constraint. */
export type MethodTable = Record<string, MethodSpec<unknown, unknown>>;
export type ArgsOf<M extends MethodTable, K extends keyof M> = Infer<M[K]['args']>;
export type ResultOf<M extends MethodTable, K extends keyof M> = Infer<M[K]['result']>;

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
