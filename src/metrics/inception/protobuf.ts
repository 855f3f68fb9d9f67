/**
 * A minimal reader of the protocol-buffer wire format (https://protobuf.dev/programming-guides/encoding/):
 * just enough to walk a TensorFlow GraphDef without a generated schema. Messages are read field by field;
 * the caller knows what each field number means.
 */

/** The wire types a field can have; groups (3, 4) are not used by any TensorFlow message we read. */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

/** Malformed protobuf bytes. Callers that know the file turn it into an `InputError` naming it. */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

/** Reads one message (or a sub-range of one) from the front. All offsets are into `bytes`. */
export class ProtoReader {
  private pos: number;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  readTag(): { field: number; wire: number } {
    const at = this.pos;
    const tag = this.readVarint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) throw new ProtobufError(`field number 0 at byte ${at}`);
    return { field, wire };
  }

  /**
   * An unsigned varint as a number. Values above 2^53 lose precision, which no size or count we read
   * reaches; negative int64 values (10-byte varints) go through `readInt64`.
   */
  readVarint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError(`truncated varint at byte ${this.pos}`);
      const b = this.bytes[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new ProtobufError(`varint longer than 10 bytes before byte ${this.pos}`);
  }

  /** A two's-complement int64 (TensorFlow stores dimension sizes and `i` attributes so; -1 is common). */
  readInt64(): number {
    const start = this.pos;
    const unsigned = this.readVarint();
    if (this.pos - start < 10) return unsigned;
    // A 10-byte varint is a negative number: redo it exactly with BigInt.
    let v = 0n;
    for (let i = this.pos - 1; i >= start; i--) v = (v << 7n) | BigInt(this.bytes[i]! & 0x7f);
    return Number(BigInt.asIntN(64, v));
  }

  readBool(): boolean {
    return this.readVarint() !== 0;
  }

  readFloat(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  readDouble(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field's payload, as a view into the underlying bytes (no copy). */
  readBytes(): Uint8Array {
    const len = this.readVarint();
    this.need(len);
    const out = this.bytes.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  readString(): string {
    return new TextDecoder('utf-8').decode(this.readBytes());
  }

  /** Skips a field's value of the given wire type (for fields we do not read). */
  skip(wire: number): void {
    switch (wire) {
      case WIRE.varint:
        this.readVarint();
        return;
      case WIRE.fixed64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE.bytes:
        this.readBytes();
        return;
      case WIRE.fixed32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ProtobufError(`unsupported wire type ${wire} before byte ${this.pos}`);
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.end) {
      throw new ProtobufError(`field of ${n} bytes at byte ${this.pos} runs past the end (byte ${this.end})`);
    }
  }
}

const WIRE_NAMES: Record<number, string> = { 0: 'varint', 1: 'fixed64', 2: 'length-delimited', 5: 'fixed32' };

/**
 * Checks the wire type of a field the caller reads. Protobuf's own parsers keep a field whose wire type
 * does not match its declaration as an unknown field; a reader of weights that skipped it would carry on
 * with a tensor silently left empty, so here it is an error naming the field.
 */
export function expectWire(wire: number, expected: number, field: string): void {
  if (wire !== expected) throw new ProtobufError(`${field} has wire type ${wire}, expected ${expected} (${WIRE_NAMES[expected]})`);
}

/**
 * Calls `onField` for every field of the message in `bytes`. The callback reads the value through the
 * reader; a field it does not read (returns false) is skipped.
 */
export function readMessage(bytes: Uint8Array, onField: (field: number, wire: number, r: ProtoReader) => boolean): void {
  const r = new ProtoReader(bytes);
  while (!r.done()) {
    const { field, wire } = r.readTag();
    if (!onField(field, wire, r)) r.skip(wire);
  }
}

/**
 * A repeated scalar field, packed (one length-delimited run) or not (one value per tag): both encodings
 * are legal and TensorFlow files contain both. `readOne` reads a single value of the unpacked wire type.
 */
export function readRepeated(wire: number, r: ProtoReader, scalarWire: number, readOne: (r: ProtoReader) => number, into: number[], field: string): void {
  if (wire === scalarWire) {
    into.push(readOne(r));
    return;
  }
  if (wire !== WIRE.bytes) throw new ProtobufError(`${field} has wire type ${wire}, expected ${scalarWire} (${WIRE_NAMES[scalarWire]}) or 2 (packed)`);
  const payload = r.readBytes();
  const inner = new ProtoReader(payload);
  while (!inner.done()) into.push(readOne(inner));
}
