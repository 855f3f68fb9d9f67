/**
 * The writing side of the protobuf wire format and of the GraphDef subset that
 * src/metrics/inception/graphdef.ts reads, so tests can make graph files. Emits what proto3 emits:
 * default scalars omitted, repeated scalars packed.
 */
import type { AttrList, AttrValue, NodeDef, TensorProto } from '../../src/metrics/inception/graphdef.js';

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];

  /** Field `field` as a varint; negative values as 10-byte two's complement, as int64 requires. */
  varint(field: number, value: number): this {
    this.tag(field, 0);
    this.rawVarint(value);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(data.length);
    this.parts.push(data);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, w: ProtoWriter): this {
    return this.bytes(field, w.finish());
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.parts.push(b);
    return this;
  }

  packedVarints(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(v);
    return this.message(field, inner);
  }

  packedFloats(field: number, values: readonly number[]): this {
    return this.packedFixed(field, values, 4, (d, i, v) => d.setFloat32(i, v, true));
  }

  packedDoubles(field: number, values: readonly number[]): this {
    return this.packedFixed(field, values, 8, (d, i, v) => d.setFloat64(i, v, true));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private packedFixed(field: number, values: readonly number[], width: number, set: (d: DataView, i: number, v: number) => void): this {
    if (values.length === 0) return this;
    const b = new Uint8Array(values.length * width);
    const d = new DataView(b.buffer);
    values.forEach((v, i) => set(d, i * width, v));
    return this.bytes(field, b);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  private rawVarint(value: number): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
    this.parts.push(Uint8Array.from(out));
  }
}

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
