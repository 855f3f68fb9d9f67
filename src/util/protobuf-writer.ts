/**
 * The writing side of the protobuf wire format (https://protobuf.dev/programming-guides/encoding/), the
 * counterpart of src/metrics/inception/protobuf.ts: fields are appended in the order written, a nested
 * message is a finished writer. TensorBoard event files and the tests' GraphDef fixtures are made with it.
 */
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

  double(field: number, v: number): this {
    this.tag(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
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
