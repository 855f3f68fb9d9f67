/**
 * A small schema checker for plain-data configs: each field names its type and range, unknown keys are
 * rejected, and every error names the file, the dotted key and what was expected.
 */
import { InputError, quote } from '../errors.js';

export type FieldSpec = (
  /** `auto`: the string "auto" is accepted too (the program chooses the number). */
  | { readonly type: 'int'; readonly min?: number; readonly max?: number; readonly auto?: boolean }
  | { readonly type: 'number'; readonly min?: number; readonly max?: number; readonly exclusiveMin?: boolean }
  | { readonly type: 'boolean' }
  | { readonly type: 'string'; readonly nullable?: boolean }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'tuple'; readonly items: readonly FieldSpec[] }
  | { readonly type: 'list'; readonly items: FieldSpec; readonly minItems: number }
  | { readonly type: 'object'; readonly fields: Readonly<Record<string, FieldSpec>> }
) & {
  /**
   * A key that may be missing even from a saved config: one added after runs were saved, whose value changes no
   * result, so its default can stand in for it on a resume.
   */
  readonly optional?: boolean;
};

function describe(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : String(v);
}

/**
 * Checks `value` against `spec` and returns it; `partial` allows missing keys (presets hold only the
 * differences from the defaults). Integers stop at 2^53 − 1, past which JSON's numbers are no longer exact.
 */
export function checkValue(value: unknown, spec: FieldSpec, key: string, source: string, partial: boolean): unknown {
  const fail = (what: string): never => {
    throw new InputError(`${key ? `${source}: ${key}` : source}: ${what}, got ${describe(value)}`);
  };
  switch (spec.type) {
    case 'int':
    case 'number': {
      const auto = spec.type === 'int' && spec.auto === true;
      if (auto && value === 'auto') return value;
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(auto ? 'expected "auto" or a finite number' : 'expected a finite number');
      const n = value as number;
      if (spec.type === 'int' && !Number.isInteger(n)) fail('expected an integer');
      if (spec.min !== undefined && (n < spec.min || (spec.type === 'number' && spec.exclusiveMin && n === spec.min))) {
        fail(`must be ${spec.type === 'number' && spec.exclusiveMin ? '>' : '≥'} ${spec.min}`);
      }
      const max = spec.max ?? (spec.type === 'int' ? Number.MAX_SAFE_INTEGER : undefined);
      if (max !== undefined && n > max) fail(`must be ≤ ${max}`);
      return n;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail('expected true or false');
      return value;
    case 'string':
      if (value === null && spec.nullable) return null;
      if (typeof value !== 'string') fail(spec.nullable ? 'expected a string or null' : 'expected a string');
      return value;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) fail(`expected one of ${spec.values.join('|')}`);
      return value;
    case 'tuple': {
      if (!Array.isArray(value) || value.length !== spec.items.length) fail(`expected an array of ${spec.items.length} values`);
      return (value as unknown[]).map((v, i) => checkValue(v, spec.items[i]!, `${key}[${i}]`, source, partial));
    }
    case 'list': {
      if (!Array.isArray(value) || value.length < spec.minItems) fail(`expected a list of at least ${spec.minItems}`);
      return (value as unknown[]).map((v, i) => checkValue(v, spec.items, `${key}[${i}]`, source, partial));
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected an object');
      const obj = value as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        // Own keys only: `in` would let "constructor", "toString" or "__proto__" through as known.
        if (!Object.hasOwn(spec.fields, k)) {
          throw new InputError(`${source}: ${key ? `${key}.` : ''}${k}: unknown key (allowed: ${Object.keys(spec.fields).join(', ')})`);
        }
      }
      const out: Record<string, unknown> = {};
      for (const [k, sub] of Object.entries(spec.fields)) {
        const path = key ? `${key}.${k}` : k;
        if (!(k in obj)) {
          if (!partial && !sub.optional) throw new InputError(`${source}: ${path}: missing`);
          continue;
        }
        out[k] = checkValue(obj[k], sub, path, source, partial);
      }
      return out;
    }
  }
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
