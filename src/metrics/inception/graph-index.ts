/**
 * Lookups on a decoded GraphDef: nodes by name, the values of Const nodes, the ops that read a node
 * (through any Identity in between), and typed attribute access. Every problem is a message that names
 * the node; the caller adds the file.
 */
import { floatValues, int32Values, type NodeDef, type TensorProto } from './graphdef.js';
import { ProtobufError } from './protobuf.js';

/** A problem with one node of the graph, reported with the file's path by the loader. */
export class GraphError extends Error {
  override readonly name = 'GraphError';
}

export const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** `name:1` and `^name` (control input) both refer to the node `name`. */
function nodeOf(input: string): string {
  const n = input.startsWith('^') ? input.slice(1) : input;
  const colon = n.lastIndexOf(':');
  return colon >= 0 && /^\d+$/.test(n.slice(colon + 1)) ? n.slice(0, colon) : n;
}

export class GraphIndex {
  private readonly byName = new Map<string, NodeDef>();
  private readonly readers = new Map<string, NodeDef[]>();

  constructor(nodes: readonly NodeDef[]) {
    for (const n of nodes) this.byName.set(n.name, n);
    for (const n of nodes) {
      for (const input of n.input) {
        if (input.startsWith('^')) continue;
        const src = this.source(nodeOf(input));
        const list = this.readers.get(src) ?? [];
        list.push(n);
        this.readers.set(src, list);
      }
    }
  }

  /** The node a value comes from, looking through Identity nodes (frozen graphs keep `x/read`). */
  source(name: string): string {
    let current = name;
    for (let hops = 0; hops < 100; hops++) {
      const n = this.byName.get(current);
      if (!n || n.op !== 'Identity' || n.input.length === 0) return current;
      current = nodeOf(n.input[0]!);
    }
    return current;
  }

  /** The inputs of a node, each resolved to its source. */
  sources(node: NodeDef): string[] {
    return node.input.filter((i) => !i.startsWith('^')).map((i) => this.source(nodeOf(i)));
  }

  /** The ops of type `op` that read the value of `name`. */
  readersOf(name: string, op: string): NodeDef[] {
    return (this.readers.get(name) ?? []).filter((n) => n.op === op);
  }

  node(name: string, op: string, what: string): NodeDef {
    const n = this.byName.get(name);
    if (!n) throw new GraphError(`missing node "${name}" (${what})`);
    if (n.op !== op) throw new GraphError(`node "${name}": expected op ${op}, found ${n.op}`);
    return n;
  }

  /** A float Const of exactly this shape, every value finite. */
  floatConst(name: string, shape: readonly number[]): Float32Array {
    return finite(name, this.constTensor(name, 'float', floatValues, shape));
  }

  /** A float Const holding one finite number (a scalar or a one-element vector). */
  floatScalar(name: string): number {
    const values = finite(name, this.constTensor(name, 'float', floatValues));
    if (values.length !== 1) throw new GraphError(`node "${name}": expected one value, found ${values.length}`);
    return values[0]!;
  }

  int32Const(name: string, shape: readonly number[]): Int32Array {
    return this.constTensor(name, 'int32', int32Values, shape);
  }

  private constTensor<A>(name: string, dtype: string, decode: (t: TensorProto) => A, shape?: readonly number[]): A {
    const n = this.node(name, 'Const', shape ? `a ${dtype} Const of shape ${fmtShape(shape)}` : `a ${dtype} Const`);
    const value = n.attr.get('value');
    if (value?.kind !== 'tensor') throw new GraphError(`node "${name}": Const without a tensor value`);
    const found = value.value.shape;
    if (shape && (found.length !== shape.length || found.some((d, i) => d !== shape[i]))) {
      throw new GraphError(`node "${name}": expected shape ${fmtShape(shape)}, found ${fmtShape(found)}`);
    }
    try {
      return decode(value.value);
    } catch (e) {
      if (e instanceof ProtobufError) throw new GraphError(`node "${name}": ${e.message}`);
      throw e;
    }
  }
}

/** A NaN or infinite weight would pass through every layer after it into each score: refuse it by name. */
function finite(name: string, values: Float32Array): Float32Array {
  const i = values.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new GraphError(`node "${name}": value ${i} is ${values[i]}`);
  return values;
}

/** Typed reads of a node's attributes (attrBool: a missing one takes `fallback` when given). */
export function attrInts(node: NodeDef, key: string): number[] {
  const a = node.attr.get(key);
  if (a?.kind !== 'list') throw new GraphError(`node "${node.name}": attribute "${key}" is not a list`);
  return a.value.i;
}

export function attrString(node: NodeDef, key: string): string {
  const a = node.attr.get(key);
  if (a?.kind !== 's') throw new GraphError(`node "${node.name}": attribute "${key}" is not a string`);
  return new TextDecoder().decode(a.value);
}

export function attrFloat(node: NodeDef, key: string): number {
  const a = node.attr.get(key);
  if (a?.kind !== 'f') throw new GraphError(`node "${node.name}": attribute "${key}" is not a float`);
  if (!Number.isFinite(a.value)) throw new GraphError(`node "${node.name}": attribute "${key}" is ${a.value}`);
  return a.value;
}

export function attrBool(node: NodeDef, key: string, fallback?: boolean): boolean {
  const a = node.attr.get(key);
  if (a === undefined && fallback !== undefined) return fallback;
  if (a?.kind !== 'b') throw new GraphError(`node "${node.name}": attribute "${key}" is not a bool`);
  return a.value;
}
