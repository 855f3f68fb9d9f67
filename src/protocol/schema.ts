/**
 * A tiny runtime schema: each `Schema<T>` checks an `unknown` value and returns it typed, or throws a
 * `FieldError` naming the offending field by its path (`args.prefixes[2].h`). Message types are inferred
 * from their schemas, so the compiler's view of a message and the check at the boundary cannot drift apart.
 *
 * @example
 * const point = obj({ x: num, y: num });
 * type Point = Infer<typeof point>;            // { x: number; y: number }
 * point.parse({ x: 1, y: 'a' }, 'p');          // throws FieldError: p.y: expected a number, got string
 */
import { fileError } from '../errors.js';

export class FieldError extends Error {
  override readonly name = 'FieldError';
  constructor(readonly field: string, readonly problem: string) {
    super(`${field}: ${problem}`);
  }
}

/**
 * Runs `check` on what was read from the file `path`: a FieldError it throws becomes an input error naming the
 * file, then `what` (e.g. "damaged header: ") and the field.
 */
export function checkedFromFile<T>(path: string, check: () => T, what = ''): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof FieldError) throw fileError(path, `${what}${e.message}`);
    throw e;
  }
}

export interface Schema<T> {
  /** Returns the value typed, or throws a FieldError naming `path` (or a path under it). */
  parse(value: unknown, path: string): T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return 'array';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  return typeof v;
}

function scalar<T>(what: string, ok: (v: unknown) => boolean): Schema<T> {
  return {
    parse(v, path) {
      if (!ok(v)) throw new FieldError(path, `expected ${what}, got ${describe(v)}`);
      return v as T;
    },
  };
}

/** Any number, NaN and infinities included (losses may be NaN; the receiver decides what that means). */
export const num: Schema<number> = scalar('a number', (v) => typeof v === 'number');
/** A finite number: for fields where NaN or an infinity is never data, only a fault upstream. */
export const finite: Schema<number> = scalar('a finite number', (v) => Number.isFinite(v));
export const int: Schema<number> = scalar('an integer', (v) => Number.isInteger(v));

/** An integer in [min, max]. */
export function intIn(min: number, max = Number.POSITIVE_INFINITY): Schema<number> {
  return scalar(max === Number.POSITIVE_INFINITY ? `an integer ≥ ${min}` : `an integer in ${min}..${max}`, (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max);
}

/** A count, an index, a step: an integer ≥ 0. */
export const natural = intIn(0);
export const str: Schema<string> = scalar('a string', (v) => typeof v === 'string');
export const bool: Schema<boolean> = scalar('a boolean', (v) => typeof v === 'boolean');
export const none: Schema<null> = scalar('null', (v) => v === null);

export function literal<L extends string | number>(l: L): Schema<L> {
  return scalar(JSON.stringify(l), (v) => v === l);
}

export function oneOf<L extends string>(values: readonly L[]): Schema<L> {
  return scalar(`one of ${values.join('|')}`, (v) => typeof v === 'string' && (values as readonly string[]).includes(v));
}

export function nullable<T>(s: Schema<T>): Schema<T | null> {
  return { parse: (v, path) => (v === null ? null : s.parse(v, path)) };
}

/** A field that older writers leave out: absent stays undefined, present is checked. */
export function optional<T>(s: Schema<T>): Schema<T | undefined> {
  return { parse: (v, path) => (v === undefined ? undefined : s.parse(v, path)) };
}

export function arr<T>(item: Schema<T>): Schema<T[]> {
  return {
    parse(v, path) {
      if (!Array.isArray(v)) throw new FieldError(path, `expected an array, got ${describe(v)}`);
      return v.map((x, i) => item.parse(x, `${path}[${i}]`));
    },
  };
}

type Shape = Record<string, Schema<unknown>>;
export type ObjOf<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** A plain object with exactly these fields (unknown fields are errors too: they are usually typos). */
export function obj<S extends Shape>(shape: S): Schema<ObjOf<S>> {
  return {
    parse(v, path) {
      if (!isRecord(v)) throw new FieldError(path, `expected an object, got ${describe(v)}`);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(shape)) out[key] = shape[key]!.parse(v[key], path ? `${path}.${key}` : key);
      for (const key of Object.keys(v)) if (!(key in shape)) throw new FieldError(path ? `${path}.${key}` : key, 'unexpected field');
      return out as ObjOf<S>;
    },
  };
}

/** An object with string keys and values of one schema. */
export function record<T>(value: Schema<T>): Schema<Record<string, T>> {
  return {
    parse(v, path) {
      if (!isRecord(v)) throw new FieldError(path, `expected an object, got ${describe(v)}`);
      const out: Record<string, T> = {};
      for (const [k, x] of Object.entries(v)) out[k] = value.parse(x, `${path}.${k}`);
      return out;
    },
  };
}

export const float32Array: Schema<Float32Array> = scalar('a Float32Array', (v) => v instanceof Float32Array);

/** JSON-safe data (metadata, config): no functions, typed arrays or class instances, however deep. */
export const json: Schema<unknown> = {
  parse(v, path) {
    const walk = (x: unknown, p: string): void => {
      if (x === null || typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number') return;
      if (Array.isArray(x)) return x.forEach((y, i) => walk(y, `${p}[${i}]`));
      if (isRecord(x) && Object.getPrototypeOf(x) === Object.prototype) {
        for (const [k, y] of Object.entries(x)) walk(y, `${p}.${k}`);
        return;
      }
      throw new FieldError(p, `expected JSON-safe data, got ${describe(x)}`);
    };
    walk(v, path);
    return v;
  },
};
