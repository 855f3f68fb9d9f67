/**
 * The GraphDef subset that src/metrics/inception/graphdef.ts reads, written with the protobuf writer so tests
 * can make graph files. Emits what proto3 emits: default scalars omitted, repeated scalars packed.
 */
import type { AttrList, AttrValue, NodeDef, TensorProto } from '../../src/metrics/inception/graphdef.js';
import { ProtoWriter } from '../../src/util/protobuf-writer.js';

export { ProtoWriter };

function shape(dims: readonly number[] | null): ProtoWriter {
  const w = new ProtoWriter();
  if (dims === null) return w.varint(3, 1);
  for (const d of dims) w.message(2, d === 0 ? new ProtoWriter() : new ProtoWriter().varint(1, d));
  return w;
}

export function encodeTensor(t: TensorProto): ProtoWriter {
  const w = new ProtoWriter();
  if (t.dtype !== 0) w.varint(1, t.dtype);
  w.message(2, shape(t.shape));
  if (t.content !== null) w.bytes(4, t.content);
  return w.packedFloats(5, t.floatVal).packedDoubles(6, t.doubleVal).packedVarints(7, t.intVal).packedVarints(10, t.int64Val);
}

function list(l: AttrList): ProtoWriter {
  const w = new ProtoWriter();
  for (const s of l.s) w.bytes(2, s);
  return w
    .packedVarints(3, l.i)
    .packedFloats(4, l.f)
    .packedVarints(5, l.b.map(Number))
    .packedVarints(6, l.type);
}

function attrValue(a: AttrValue): ProtoWriter {
  const w = new ProtoWriter();
  switch (a.kind) {
    case 'list': return w.message(1, list(a.value));
    case 's': return w.bytes(2, a.value);
    case 'i': return w.varint(3, a.value);
    case 'f': return w.float(4, a.value);
    case 'b': return w.varint(5, a.value ? 1 : 0);
    case 'type': return w.varint(6, a.value);
    case 'shape': return w.message(7, shape(a.value));
    case 'tensor': return w.message(8, encodeTensor(a.value));
    case 'none': return w;
  }
}

export function encodeNodeDef(n: NodeDef): ProtoWriter {
  const w = new ProtoWriter();
  if (n.name) w.string(1, n.name);
  if (n.op) w.string(2, n.op);
  for (const i of n.input) w.string(3, i);
  if (n.device) w.string(4, n.device);
  for (const [key, value] of n.attr) w.message(5, new ProtoWriter().string(1, key).message(2, attrValue(value)));
  return w;
}

export function encodeGraphDef(nodes: readonly NodeDef[]): Uint8Array {
  const w = new ProtoWriter();
  for (const n of nodes) w.message(1, encodeNodeDef(n));
  return w.finish();
}
