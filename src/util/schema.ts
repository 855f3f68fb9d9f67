/**
 * A tiny runtime schema: each `Schema<T>` checks an `unknown` value and returns it typed, or throws a
 * `FieldError` naming the offending field by its path (`args.prefixes[2].h`). Message types are inferred
 * from their schemas, so the compiler's view of a message and the check at the boundary cannot drift apart.
 *
 * @example
 * const point = obj({ x: num, y: num });
 * type Point = Infer<typeof point>;            // { x: number; y: number }
 * point.parse({ x: 1, y: 'a' }, 'p');          // throws FieldError: p.y: expected a number, got string
 *
 * Each schema also says what it accepts as JSON Schema (draft 2020-12) where JSON can say it, so a file
 * format defined here can be published for editors and other tools (`jsonSchemaDocument`).
 */
import { FieldError, fileError, quote } from '../errors.js';

/**
 * Runs `check` on what was read from the file `path`: a FieldError it throws becomes an input error naming the
 * file, then `what` (e.g. "damaged header: ") and the field.
 */
export function checkedFromFile<T>(path: string, check: () => T, what = ''): T {
  try {
    return check();
  } catch (e) {
    // A FieldError at the top (field '') is about the whole file.
    if (e instanceof FieldError) throw fileError(path, `${what}${e.field ? e.message : e.problem}`);
    throw e;
  }
}

/** A JSON Schema (draft 2020-12), or one keyword set of it: plain JSON data. */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface Schema<T> {
  /** Returns the value typed, or throws a FieldError naming `path` (or a path under it). */
  parse(value: unknown, path: string): T;
  /**
   * What `parse` accepts, as JSON Schema; absent where JSON cannot say it (a typed array, a check written
   * as code, such as an architecture's tokens).
   */
  readonly jsonSchema?: JsonSchema;
  /** Set by `optional`: the field may be left out of its object. */
  readonly optional?: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

/**
 * How a wrong value is shown after "got". Data a program wrote (messages, saved states, logs) shows its type:
 * its value would only repeat the writer's bug at length. What a person wrote (a config) shows the value itself.
 */
export type Shown = (v: unknown) => string;

export const showType: Shown = (v) => {
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return 'array';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  return typeof v;
};

/** Strings quoted (a long one cut short, so an error never echoes megabytes). */
export const showValue: Shown = (v) => {
  if (typeof v === 'string') return quote(v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : String(v);
};

/** A value that is whole in itself: `ok` says whether it is one, `what` is what was expected. */
export function scalar<T>(what: string, ok: (v: unknown) => boolean, jsonSchema: JsonSchema | undefined, show: Shown = showType): Schema<T> {
  return {
    parse(v, path) {
      if (!ok(v)) throw new FieldError(path, `expected ${what}, got ${show(v)}`);
      return v as T;
    },
    ...(jsonSchema && { jsonSchema }),
  };
}

/** `make` of the parts' JSON forms, or none when a part has none. */
function composed(parts: readonly Schema<unknown>[], make: (forms: JsonSchema[]) => JsonSchema): { jsonSchema?: JsonSchema } {
  const forms = parts.map((p) => p.jsonSchema);
  return forms.every((f) => f !== undefined) ? { jsonSchema: make(forms as JsonSchema[]) } : {};
}

/** Any number, NaN and infinities included (losses may be NaN; the receiver decides what that means). */
export const num: Schema<number> = scalar('a number', (v) => typeof v === 'number', { type: 'number' });
/** A finite number: for fields where NaN or an infinity is never data, only a fault upstream. */
export const finite: Schema<number> = scalar('a finite number', (v) => Number.isFinite(v), { type: 'number' });
export const int: Schema<number> = scalar('an integer', (v) => Number.isInteger(v), { type: 'integer' });

/** An integer in [min, max]. */
export function intIn(min: number, max = Number.POSITIVE_INFINITY): Schema<number> {
  const bounded = max !== Number.POSITIVE_INFINITY;
  return scalar(
    bounded ? `an integer in ${min}..${max}` : `an integer ≥ ${min}`,
    (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max,
    { type: 'integer', minimum: min, ...(bounded && { maximum: max }) },
  );
}

/** A count, an index, a step: an integer ≥ 0. */
export const natural = intIn(0);
export const str: Schema<string> = scalar('a string', (v) => typeof v === 'string', { type: 'string' });
export const bool: Schema<boolean> = scalar('a boolean', (v) => typeof v === 'boolean', { type: 'boolean' });
export const none: Schema<null> = scalar('null', (v) => v === null, { type: 'null' });

export function literal<L extends string | number>(l: L): Schema<L> {
  return scalar(JSON.stringify(l), (v) => v === l, { const: l });
}

export function oneOf<L extends string>(values: readonly L[], show: Shown = showType): Schema<L> {
  return scalar(`one of ${values.join('|')}`, (v) => typeof v === 'string' && (values as readonly string[]).includes(v), { enum: values }, show);
}

export function nullable<T>(s: Schema<T>): Schema<T | null> {
  return { parse: (v, path) => (v === null ? null : s.parse(v, path)), ...composed([s], ([f]) => ({ anyOf: [f, { type: 'null' }] })) };
}

/** A field that older writers leave out: absent stays undefined, present is checked. */
export function optional<T>(s: Schema<T>): Schema<T | undefined> {
  return { parse: (v, path) => (v === undefined ? undefined : s.parse(v, path)), optional: true, ...composed([s], ([f]) => f) };
}

export function arr<T>(item: Schema<T>): Schema<T[]> {
  return {
    parse(v, path) {
      if (!Array.isArray(v)) throw new FieldError(path, `expected an array, got ${showType(v)}`);
      return v.map((x, i) => item.parse(x, `${path}[${i}]`));
    },
    ...composed([item], ([f]) => ({ type: 'array', items: f })),
  };
}

type Shape = Record<string, Schema<unknown>>;
export type ObjOf<S extends Shape> = { [K in keyof S]: Infer<S[K]> };

/** An object schema keeps its fields' schemas, so that another can be made from them (`obj({ ...a.shape, x })`). */
export interface ObjSchema<S extends Shape> extends Schema<ObjOf<S>> {
  readonly shape: S;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** The JSON Schema of an object with these fields; `required` lists those not optional. */
function objectJson(shape: Shape, closed: boolean): { jsonSchema?: JsonSchema } {
  const keys = Object.keys(shape);
  return composed(Object.values(shape), (forms) => ({
    type: 'object',
    properties: Object.fromEntries(keys.map((k, i) => [k, forms[i]])),
    required: keys.filter((k) => !shape[k]!.optional),
    ...(closed && { additionalProperties: false }),
  }));
}

function objectOf<S extends Shape>(shape: S, closed: boolean): ObjSchema<S> {
  return {
    parse(v, path) {
      if (!isRecord(v)) throw new FieldError(path, `expected an object, got ${showType(v)}`);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(shape)) out[key] = shape[key]!.parse(v[key], path ? `${path}.${key}` : key);
      // Own keys only: `in` would let "constructor" or "__proto__" through as known.
      if (closed) for (const key of Object.keys(v)) if (!Object.hasOwn(shape, key)) throw new FieldError(path ? `${path}.${key}` : key, 'unexpected field');
      return out as ObjOf<S>;
    },
    shape,
    ...objectJson(shape, closed),
  };
}

/** A plain object with exactly these fields (unknown fields are errors too: they are usually typos). */
export function obj<S extends Shape>(shape: S): ObjSchema<S> {
  return objectOf(shape, true);
}

/**
 * A plain object with at least these fields; others are left out of the result unread. For records that a
 * newer writer may extend and an older reader must still read (an event log's lines).
 */
export function objWith<S extends Shape>(shape: S): ObjSchema<S> {
  return objectOf(shape, false);
}

/** An object with string keys and values of one schema. */
export function record<T>(value: Schema<T>): Schema<Record<string, T>> {
  return {
    parse(v, path) {
      if (!isRecord(v)) throw new FieldError(path, `expected an object, got ${showType(v)}`);
      const out: Record<string, T> = {};
      for (const [k, x] of Object.entries(v)) out[k] = value.parse(x, `${path}.${k}`);
      return out;
    },
    ...composed([value], ([f]) => ({ type: 'object', additionalProperties: f })),
  };
}

/** Any value, present: one checked later, by a schema its neighbours choose (an event's payload, by its type). */
export const anything: Schema<unknown> = scalar('a value', (v) => v !== undefined, {});

export const float32Array: Schema<Float32Array> = scalar('a Float32Array', (v) => v instanceof Float32Array, undefined);

/** JSON-safe data (metadata, config): no functions, typed arrays or class instances, however deep. */
export const json: Schema<unknown> = {
  jsonSchema: {},
  parse(v, path) {
    const walk = (x: unknown, p: string): void => {
      if (x === null || typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number') return;
      if (Array.isArray(x)) return x.forEach((y, i) => walk(y, `${p}[${i}]`));
      if (isRecord(x) && Object.getPrototypeOf(x) === Object.prototype) {
        for (const [k, y] of Object.entries(x)) walk(y, `${p}.${k}`);
        return;
      }
      throw new FieldError(p, `expected JSON-safe data, got ${showType(x)}`);
    };
    walk(v, path);
    return v;
  },
};

/** A whole JSON Schema document of `schema`, for a file format published beside the program. */
export function jsonSchemaDocument(schema: Schema<unknown>, title: string): JsonSchema {
  if (!schema.jsonSchema) throw new Error(`${title}: its schema has a part that JSON Schema cannot say`);
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title, ...schema.jsonSchema };
}
