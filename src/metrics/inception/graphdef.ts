/**
 * Decodes a TensorFlow GraphDef (tensorflow/core/framework/graph.proto and the protos it imports) into
 * plain objects: the nodes with their names, ops, inputs and attributes. Only what a frozen inference
 * graph needs is kept; fields we never read are skipped by the wire-format reader.
 */
import { type ProtoReader, ProtobufError, WIRE, expectWire, readMessage, readRepeated } from './protobuf.js';

/** TensorFlow's DataType enum (types.proto), the members we meet. */
export const DT = { float: 1, double: 2, int32: 3, uint8: 4, string: 7, int64: 9, bool: 10 } as const;

/** A TensorProto: dtype, shape, and its values in whichever encoding the writer chose. */
export interface TensorProto {
  dtype: number;
  shape: number[];
  /** Raw little-endian values (tensor_content), or null when the typed value fields are used. */
  content: Uint8Array | null;
  floatVal: number[];
  doubleVal: number[];
  intVal: number[];
  int64Val: number[];
}

/** AttrValue.ListValue: repeated values of one kind (strides, ksize, ...). */
export interface AttrList {
  s: Uint8Array[];
  i: number[];
  f: number[];
  b: boolean[];
  type: number[];
}

/** An AttrValue: one member of its oneof. `none` is an attribute with no value we read (e.g. a function). */
export type AttrValue =
  | { kind: 's'; value: Uint8Array }
  | { kind: 'i'; value: number }
  | { kind: 'f'; value: number }
  | { kind: 'b'; value: boolean }
  | { kind: 'type'; value: number }
  | { kind: 'shape'; value: number[] | null } // null: unknown rank
  | { kind: 'tensor'; value: TensorProto }
  | { kind: 'list'; value: AttrList }
  | { kind: 'none' };

export interface NodeDef {
  name: string;
  op: string;
  input: string[];
  device: string;
  attr: Map<string, AttrValue>;
}

/** GraphDef.node (field 1). Versions and the function library are skipped. */
export function decodeGraphDef(bytes: Uint8Array): NodeDef[] {
  const nodes: NodeDef[] = [];
  readMessage(bytes, (field, wire, r) => {
    if (field !== 1) return false;
    nodes.push(decodeNodeDef(bytesOf(r, wire, 'GraphDef.node'), nodes.length));
    return true;
  });
  return nodes;
}

/** The payload of a field that must be length-delimited. */
function bytesOf(r: ProtoReader, wire: number, field: string): Uint8Array {
  expectWire(wire, WIRE.bytes, field);
  return r.readBytes();
}

const text = (b: Uint8Array): string => new TextDecoder('utf-8').decode(b);

/** A malformed node is reported by its place in the file and, once read, its name. */
function decodeNodeDef(bytes: Uint8Array, index: number): NodeDef {
  const node: NodeDef = { name: '', op: '', input: [], device: '', attr: new Map() };
  try {
    readMessage(bytes, (field, wire, r) => {
      switch (field) {
        case 1: node.name = text(bytesOf(r, wire, 'NodeDef.name')); return true;
        case 2: node.op = text(bytesOf(r, wire, 'NodeDef.op')); return true;
        case 3: node.input.push(text(bytesOf(r, wire, 'NodeDef.input'))); return true;
        case 4: node.device = text(bytesOf(r, wire, 'NodeDef.device')); return true;
        case 5: {
          // map<string, AttrValue> is a repeated entry message {key = 1, value = 2}.
          let key = '';
          let value: AttrValue = { kind: 'none' };
          readMessage(bytesOf(r, wire, 'NodeDef.attr'), (f, w, er) => {
            if (f === 1) key = text(bytesOf(er, w, 'NodeDef.attr key'));
            else if (f === 2) value = decodeAttrValue(bytesOf(er, w, 'NodeDef.attr value'));
            else return false;
            return true;
          });
          node.attr.set(key, value);
          return true;
        }
        default: return false;
      }
    });
  } catch (e) {
    if (e instanceof ProtobufError) throw new ProtobufError(`node ${index}${node.name ? ` ("${node.name}")` : ''}: ${e.message}`);
    throw e;
  }
  return node;
}

function decodeAttrValue(bytes: Uint8Array): AttrValue {
  let value: AttrValue = { kind: 'none' };
  readMessage(bytes, (field, wire, r) => {
    const scalar = (expected: number, name: string): ProtoReader => (expectWire(wire, expected, `AttrValue.${name}`), r);
    switch (field) {
      case 1: value = { kind: 'list', value: decodeAttrList(bytesOf(r, wire, 'AttrValue.list')) }; return true;
      case 2: value = { kind: 's', value: bytesOf(r, wire, 'AttrValue.s') }; return true;
      case 3: value = { kind: 'i', value: scalar(WIRE.varint, 'i').readInt64() }; return true;
      case 4: value = { kind: 'f', value: scalar(WIRE.fixed32, 'f').readFloat() }; return true;
      case 5: value = { kind: 'b', value: scalar(WIRE.varint, 'b').readBool() }; return true;
      case 6: value = { kind: 'type', value: scalar(WIRE.varint, 'type').readVarint() }; return true;
      case 7: value = { kind: 'shape', value: decodeShape(bytesOf(r, wire, 'AttrValue.shape')) }; return true;
      case 8: value = { kind: 'tensor', value: decodeTensor(bytesOf(r, wire, 'AttrValue.tensor')) }; return true;
      default: return false;
    }
  });
  return value;
}

function decodeAttrList(bytes: Uint8Array): AttrList {
  const list: AttrList = { s: [], i: [], f: [], b: [], type: [] };
  const bools: number[] = [];
  readMessage(bytes, (field, wire, r) => {
    switch (field) {
      case 2: list.s.push(bytesOf(r, wire, 'ListValue.s')); return true;
      case 3: readRepeated(wire, r, WIRE.varint, (x) => x.readInt64(), list.i, 'ListValue.i'); return true;
      case 4: readRepeated(wire, r, WIRE.fixed32, (x) => x.readFloat(), list.f, 'ListValue.f'); return true;
      case 5: readRepeated(wire, r, WIRE.varint, (x) => x.readVarint(), bools, 'ListValue.b'); return true;
      case 6: readRepeated(wire, r, WIRE.varint, (x) => x.readVarint(), list.type, 'ListValue.type'); return true;
      default: return false;
    }
  });
  list.b = bools.map((v) => v !== 0);
  return list;
}

/** TensorShapeProto: dim = 2 (Dim: size = 1), unknown_rank = 3. */
function decodeShape(bytes: Uint8Array): number[] | null {
  const dims: number[] = [];
  let unknownRank = false;
  readMessage(bytes, (field, wire, r) => {
    if (field === 2) {
      let size = 0;
      readMessage(bytesOf(r, wire, 'TensorShapeProto.dim'), (f, w, dr) => {
        if (f !== 1) return false;
        expectWire(w, WIRE.varint, 'TensorShapeProto.Dim.size');
        size = dr.readInt64();
        return true;
      });
      dims.push(size);
      return true;
    }
    if (field === 3) {
      expectWire(wire, WIRE.varint, 'TensorShapeProto.unknown_rank');
      unknownRank = r.readBool();
      return true;
    }
    return false;
  });
  return unknownRank ? null : dims;
}

/** TensorProto: dtype 1, tensor_shape 2, tensor_content 4, float_val 5, double_val 6, int_val 7, int64_val 10. */
function decodeTensor(bytes: Uint8Array): TensorProto {
  const t: TensorProto = { dtype: 0, shape: [], content: null, floatVal: [], doubleVal: [], intVal: [], int64Val: [] };
  readMessage(bytes, (field, wire, r) => {
    switch (field) {
      case 1: expectWire(wire, WIRE.varint, 'TensorProto.dtype'); t.dtype = r.readVarint(); return true;
      case 2: t.shape = decodeShape(bytesOf(r, wire, 'TensorProto.tensor_shape')) ?? []; return true;
      case 4: t.content = bytesOf(r, wire, 'TensorProto.tensor_content'); return true;
      case 5: readRepeated(wire, r, WIRE.fixed32, (x) => x.readFloat(), t.floatVal, 'TensorProto.float_val'); return true;
      case 6: readRepeated(wire, r, WIRE.fixed64, (x) => x.readDouble(), t.doubleVal, 'TensorProto.double_val'); return true;
      case 7: readRepeated(wire, r, WIRE.varint, (x) => x.readInt64(), t.intVal, 'TensorProto.int_val'); return true;
      case 10: readRepeated(wire, r, WIRE.varint, (x) => x.readInt64(), t.int64Val, 'TensorProto.int64_val'); return true;
      default: return false;
    }
  });
  return t;
}

function fail(problem: string): never {
  throw new ProtobufError(problem);
}

export function numElements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The values of a DT_FLOAT tensor. As in TensorFlow's MakeNdarray: raw content when present, else the
 * float_val list, whose last value repeats to fill the shape (a constant tensor stores one value).
 */
export function floatValues(t: TensorProto): Float32Array {
  if (t.dtype !== DT.float) fail(`dtype ${t.dtype} is not DT_FLOAT (${DT.float})`);
  return fillValues(t, 4, (bytes) => new Float32Array(bytes.buffer), t.floatVal);
}

/** The values of a DT_INT32 tensor, by the same rules as `floatValues`. */
export function int32Values(t: TensorProto): Int32Array {
  if (t.dtype !== DT.int32) fail(`dtype ${t.dtype} is not DT_INT32 (${DT.int32})`);
  return fillValues(t, 4, (bytes) => new Int32Array(bytes.buffer), t.intVal);
}

/** The largest constant we expand (Inception's largest, softmax/weights, is 8 MB). */
const MAX_TENSOR_BYTES = 2 ** 30;

function fillValues<A extends Float32Array | Int32Array>(
  t: TensorProto,
  bytesPer: number,
  view: (alignedCopy: Uint8Array) => A,
  listed: readonly number[],
): A {
  const n = numElements(t.shape);
  // A constant's dimensions are known and its values are materialised: refuse what cannot be allocated.
  if (t.shape.some((d) => d < 0)) fail(`shape [${t.shape.join(', ')}] has a negative dimension`);
  if (n * bytesPer > MAX_TENSOR_BYTES) fail(`shape [${t.shape.join(', ')}] needs ${n * bytesPer} bytes, more than the ${MAX_TENSOR_BYTES} a constant may take`);
  if (t.content !== null) {
    if (t.content.length !== n * bytesPer) {
      fail(`tensor_content has ${t.content.length} bytes, shape [${t.shape.join(', ')}] needs ${n * bytesPer}`);
    }
    // A copy into a fresh, aligned buffer (a Node Buffer's slice() would not copy); the host is
    // little-endian like the file (x86, ARM).
    return view(new Uint8Array(t.content));
  }
  if (listed.length > n) fail(`${listed.length} values for shape [${t.shape.join(', ')}]`);
  const out = view(new Uint8Array(n * bytesPer));
  out.set(listed);
  if (listed.length > 0) out.fill(listed[listed.length - 1]!, listed.length);
  return out;
}
