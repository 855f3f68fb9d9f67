/**
 * A small JSON Schema (draft 2020-12) validator for tests: the keywords our schemas emit, no more (no JSON
 * Schema validator is installed, and one is not worth a dependency). A keyword it does not know is an error,
 * so a schema can never pass by using a constraint this check skips.
 */
import type { JsonSchema } from '../../src/util/schema.js';

/** Where a value first breaks its schema: the value's path (`search.iterations[2]`, '' for the whole) and the keyword. */
export interface Violation {
  readonly path: string;
  readonly keyword: string;
}

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case 'object': return isObject(v);
    case 'array': return Array.isArray(v);
    case 'null': return v === null;
    case 'integer': return Number.isInteger(v);
    case 'number': case 'string': case 'boolean': return typeof v === type;
    default: throw new Error(`unknown type ${type}`);
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** The first violation of `schema` by `value`, or null when it is valid. */
export function jsonSchemaViolation(schema: JsonSchema | boolean, value: unknown, path = ''): Violation | null {
  if (schema === true) return null;
  if (schema === false) return { path, keyword: 'false' };
  for (const [keyword, arg] of Object.entries(schema)) {
    const fail = (p = path): Violation => ({ path: p, keyword });
    const n = value as number;
    switch (keyword) {
      case 'type':
        if (!(Array.isArray(arg) ? arg : [arg]).some((t: string) => hasType(value, t))) return fail();
        break;
      case 'enum':
        if (!(arg as unknown[]).some((x) => same(x, value))) return fail();
        break;
      case 'const':
        if (!same(arg, value)) return fail();
        break;
      case 'minimum':
        if (typeof value === 'number' && n < (arg as number)) return fail();
        break;
      case 'exclusiveMinimum':
        if (typeof value === 'number' && n <= (arg as number)) return fail();
        break;
      case 'maximum':
        if (typeof value === 'number' && n > (arg as number)) return fail();
        break;
      case 'minItems':
        if (Array.isArray(value) && value.length < (arg as number)) return fail();
        break;
      case 'maxItems':
        if (Array.isArray(value) && value.length > (arg as number)) return fail();
        break;
      case 'required':
        if (isObject(value)) for (const k of arg as string[]) if (!Object.hasOwn(value, k)) return fail(at(path, k));
        break;
      case 'properties':
        if (isObject(value)) {
          for (const [k, s] of Object.entries(arg as Record<string, JsonSchema>)) {
            if (!Object.hasOwn(value, k)) continue;
            const v = jsonSchemaViolation(s, value[k], at(path, k));
            if (v) return v;
          }
        }
        break;
      case 'additionalProperties':
        if (isObject(value)) {
          const known = (schema.properties ?? {}) as Record<string, unknown>;
          for (const [k, x] of Object.entries(value)) {
            if (Object.hasOwn(known, k)) continue;
            // Named at the key that is not allowed, as our checks name it.
            const v = jsonSchemaViolation(arg as JsonSchema | boolean, x, at(path, k));
            if (v) return v.keyword === 'false' ? { path: v.path, keyword } : v;
          }
        }
        break;
      case 'prefixItems':
        if (Array.isArray(value)) {
          for (const [i, s] of (arg as JsonSchema[]).entries()) {
            if (i >= value.length) break;
            const v = jsonSchemaViolation(s, value[i], `${path}[${i}]`);
            if (v) return v;
          }
        }
        break;
      case 'items':
        if (Array.isArray(value)) {
          const from = ((schema.prefixItems ?? []) as unknown[]).length;
          for (let i = from; i < value.length; i++) {
            const v = jsonSchemaViolation(arg as JsonSchema | boolean, value[i], `${path}[${i}]`);
            if (v) return v;
          }
        }
        break;
      case 'anyOf': {
        const tries = (arg as JsonSchema[]).map((s) => jsonSchemaViolation(s, value, path));
        if (tries.every((v) => v !== null)) return fail();
        break;
      }
      default:
        if (!ANNOTATIONS.has(keyword)) throw new Error(`json-schema-check: keyword ${keyword} at ${path || 'the top'} is not supported`);
    }
  }
  return null;
}
