/**
 * The vocabulary of config files, on the schema library (src/util/schema.ts). A setting has its type and
 * range, its default and a description; sections nest settings. A preset (a file in configs/) gives only its
 * differences from the defaults; a config a run saved gives every key. Errors name the dotted key and show
 * the wrong value as it was written; unknown keys are errors, listing the allowed ones (they are usually typos).
 * Integers stop at 2^53 − 1, past which JSON's numbers are no longer exact.
 */
import { FieldError } from '../errors.js';
import { isRecord, oneOf, scalar, showValue, type Infer, type JsonSchema, type Schema } from '../util/schema.js';

interface Range {
  readonly min?: number;
  readonly max?: number;
}

function numberIn(integer: boolean, { min, max = integer ? Number.MAX_SAFE_INTEGER : undefined }: Range, exclusiveMin: boolean, expected: string): Schema<number> {
  return {
    parse(v, path) {
      const fail = (problem: string): never => {
        throw new FieldError(path, `${problem}, got ${showValue(v)}`);
      };
      if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`expected ${expected}`);
      if (integer && !Number.isInteger(v)) fail('expected an integer');
      if (min !== undefined && (v < min || (exclusiveMin && v === min))) fail(`must be ${exclusiveMin ? '>' : '≥'} ${min}`);
      if (max !== undefined && v > max) fail(`must be ≤ ${max}`);
      return v;
    },
    jsonSchema: {
      type: integer ? 'integer' : 'number',
      ...(min !== undefined && (exclusiveMin ? { exclusiveMinimum: min } : { minimum: min })),
      ...(max !== undefined && { maximum: max }),
    },
  };
}

export const integer = (range: Range = {}): Schema<number> => numberIn(true, range, false, 'a finite number');
/** `aboveMin`: the minimum itself is out of range (a learning rate of 0 learns nothing). */
export const number = (range: Range & { readonly aboveMin?: boolean } = {}): Schema<number> => numberIn(false, range, range.aboveMin ?? false, 'a finite number');

export const positiveInt = integer({ min: 1 });
/** A learning rate: above 0 (a rate of 0 learns nothing), at most 1. */
export const learningRate = number({ min: 0, aboveMin: true, max: 1 });
/** An Adam beta: below 1, where Adam's moment estimates would never move. */
export const adamBeta = number({ min: 0, max: 0.9999 });

/** An integer, or "auto" where the program chooses it. */
export function autoOrInteger(range: Range): Schema<number | 'auto'> {
  const n = numberIn(true, range, false, '"auto" or a finite number');
  return { parse: (v, path) => (v === 'auto' ? 'auto' : n.parse(v, path)), jsonSchema: { anyOf: [{ const: 'auto' }, n.jsonSchema] } };
}

export const boolean: Schema<boolean> = scalar('true or false', (v) => typeof v === 'boolean', { type: 'boolean' }, showValue);
export const text: Schema<string> = scalar('a string', (v) => typeof v === 'string', { type: 'string' }, showValue);
export const textOrNull: Schema<string | null> = scalar('a string or null', (v) => v === null || typeof v === 'string', { type: ['string', 'null'] }, showValue);
export const choice = <const L extends string>(values: readonly L[]): Schema<L> => oneOf(values, showValue);

/** An array of exactly these items, each checked by its own schema. */
export function tuple<const S extends readonly Schema<unknown>[]>(items: S): Schema<{ readonly [K in keyof S]: Infer<S[K]> }> {
  return {
    parse(v, path) {
      if (!Array.isArray(v) || v.length !== items.length) throw new FieldError(path, `expected an array of ${items.length} values, got ${showValue(v)}`);
      return v.map((x, i) => items[i]!.parse(x, `${path}[${i}]`)) as { readonly [K in keyof S]: Infer<S[K]> };
    },
    jsonSchema: { type: 'array', prefixItems: items.map((s) => s.jsonSchema), minItems: items.length, maxItems: items.length },
  };
}

/** A list of at least `minItems` items, each checked by `item` (a study's arms, its seeds). */
export function list<T>(item: Schema<T>, minItems: number): Schema<readonly T[]> {
  return {
    parse(v, path) {
      if (!Array.isArray(v) || v.length < minItems) throw new FieldError(path, `expected a list of at least ${minItems}, got ${showValue(v)}`);
      return v.map((x, i) => item.parse(x, `${path}[${i}]`));
    },
    jsonSchema: { type: 'array', items: item.jsonSchema, minItems },
  };
}

export interface Setting<T> extends Schema<T> {
  readonly default: T;
  /**
   * A key that may be missing even from a saved config: one added after runs were saved, whose value changes
   * no result, so its default can stand in for it on a resume.
   */
  readonly addedLater: boolean;
}

/** A setting: what it accepts, what a preset that leaves it out gets, and what it means (shown by editors). */
export function setting<T>(schema: Schema<T>, defaultValue: NoInfer<T>, description: string, opts: { addedLater?: boolean } = {}): Setting<T> {
  return { parse: schema.parse, default: defaultValue, addedLater: opts.addedLater ?? false, jsonSchema: { description, ...schema.jsonSchema, default: defaultValue } };
}

type Field = Setting<unknown> | Section<unknown>;
type Fields = Record<string, Field>;
type SectionOf<F extends Fields> = { readonly [K in keyof F]: Infer<F[K]> };

/** A group of settings (and of sections). `parse` reads a preset; `check` also a complete, saved config. */
export interface Section<T> extends Schema<T> {
  readonly fields: Fields;
  /** Every setting's default. */
  readonly default: T;
  /** `complete`: every key must be there (a saved config), except those added later. */
  check(value: unknown, path: string, complete: boolean): T;
}

export const isSection = (f: Field): f is Section<unknown> => 'fields' in f;

export function section<F extends Fields>(description: string, fields: F): Section<SectionOf<F>> {
  const names = Object.keys(fields);
  const check = (v: unknown, path: string, complete: boolean): SectionOf<F> => {
    const at = (key: string) => (path ? `${path}.${key}` : key);
    if (!isRecord(v)) throw new FieldError(path, `expected an object, got ${showValue(v)}`);
    // Own keys only: `in` would let "constructor", "toString" or "__proto__" through as known.
    for (const key of Object.keys(v)) if (!Object.hasOwn(fields, key)) throw new FieldError(at(key), `unknown key (allowed: ${names.join(', ')})`);
    const out: Record<string, unknown> = {};
    for (const [key, f] of Object.entries(fields)) {
      if (Object.hasOwn(v, key)) out[key] = isSection(f) ? f.check(v[key], at(key), complete) : f.parse(v[key], at(key));
      // A default is the program's: each config gets its own copy.
      else if (!complete || (!isSection(f) && f.addedLater)) out[key] = structuredClone(f.default);
      else throw new FieldError(at(key), 'missing');
    }
    return out as SectionOf<F>;
  };
  return {
    fields,
    check,
    parse: (v, path) => check(v, path, false),
    default: Object.fromEntries(names.map((k) => [k, fields[k]!.default])) as SectionOf<F>,
    // A preset's form: every key may be left out.
    jsonSchema: { description, type: 'object', properties: Object.fromEntries(names.map((k) => [k, fields[k]!.jsonSchema])), additionalProperties: false },
  };
}

/** A section as a saved config holds it: every key there (but those added later), none filled in. */
export function complete<T>(s: Section<T>): Schema<T> {
  return { parse: (v, path) => s.check(v, path, true) };
}

/**
 * The top section of a config file, which may also name its JSON Schema for editors (`"$schema":
 * "../schema/run-config.schema.json"`): that key is checked as a string and dropped.
 */
export function configFile<T>(top: Section<T>): Section<T> {
  const check = (v: unknown, path: string, complete: boolean): T => {
    if (!isRecord(v) || !Object.hasOwn(v, '$schema')) return top.check(v, path, complete);
    const { $schema, ...rest } = v;
    text.parse($schema, '$schema');
    return top.check(rest, path, complete);
  };
  const form = top.jsonSchema as JsonSchema & { properties: JsonSchema };
  return {
    ...top,
    check,
    parse: (v, path) => check(v, path, false),
    jsonSchema: { ...form, properties: { $schema: { description: 'The JSON Schema of this file, for editors (not used by the program).', type: 'string' }, ...form.properties } },
  };
}

/** Deep merge of plain objects: `over`'s keys replace `base`'s, objects merge key by key. */
export function mergeDeep<T>(base: T, over: unknown): T {
  if (typeof over !== 'object' || over === null || Array.isArray(over)) return over as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = typeof b === 'object' && b !== null && !Array.isArray(b) ? mergeDeep(b, v) : v;
  }
  return out as T;
}
