import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DT, decodeGraphDef, floatValues, int32Values, type NodeDef, type TensorProto } from '../src/metrics/inception/graphdef.js';
import { ProtoReader, ProtobufError, readMessage } from '../src/metrics/inception/protobuf.js';
import { ProtoWriter, encodeGraphDef, encodeTensor } from './support/protobuf-writer.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

test('reads the wire format examples of the protobuf documentation', () => {
  // Field 1, varint 150: 08 96 01. Field 2, string "testing": 12 07 74 65 73 74 69 6e 67.
  const seen: [number, number, unknown][] = [];
  readMessage(bytes(0x08, 0x96, 0x01, 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67), (field, wire, r) => {
    seen.push([field, wire, wire === 0 ? r.readVarint() : r.readString()]);
    return true;
  });
  assert.equal(seen, [[1, 0, 150], [2, 2, 'testing']]);
});

test('int64 -1 is a 10-byte varint', () => {
  const r = new ProtoReader(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
  assert.is(r.readInt64(), -1);
  assert.ok(r.done());
});

test('fields a reader does not take are skipped, of every wire type', () => {
  const w = new ProtoWriter().varint(9, 300).float(10, 1.5).bytes(11, bytes(1, 2, 3)).varint(1, 7);
  const fixed64 = bytes(0x61, 1, 2, 3, 4, 5, 6, 7, 8); // field 12, wire type 1
  const all = new Uint8Array([...w.finish(), ...fixed64, 0x10, 0x05]); // then field 2 = 5
  const kept: number[] = [];
  readMessage(all, (field, _wire, r) => (field <= 2 ? (kept.push(r.readVarint()), true) : false));
  assert.equal(kept, [7, 5]);
});

test('truncated and malformed bytes are ProtobufErrors that say where', () => {
  assert.throws(() => readMessage(bytes(0x08, 0x96), () => false), (e: Error) => e instanceof ProtobufError && /truncated varint at byte 2/.test(e.message));
  assert.throws(() => readMessage(bytes(0x12, 0x09, 0x74), () => false), (e: Error) => e instanceof ProtobufError && /runs past the end/.test(e.message));
  assert.throws(() => readMessage(bytes(0x0b), () => false), (e: Error) => e instanceof ProtobufError && /wire type 3/.test(e.message));
});

test('float_val reads the same packed and unpacked; its last value fills the shape', () => {
  const packed = new ProtoWriter().varint(1, DT.float).message(2, new ProtoWriter().message(2, new ProtoWriter().varint(1, 3)));
  packed.packedFloats(5, [1.5, -2]);
  const unpacked = new ProtoWriter().varint(1, DT.float).message(2, new ProtoWriter().message(2, new ProtoWriter().varint(1, 3)));
  unpacked.float(5, 1.5).float(5, -2);
  for (const w of [packed, unpacked]) {
    const node = new ProtoWriter().string(1, 'c').string(2, 'Const');
    node.message(5, new ProtoWriter().string(1, 'value').message(2, new ProtoWriter().message(8, w)));
    const [n] = decodeGraphDef(new ProtoWriter().message(1, node).finish());
    const v = n!.attr.get('value');
    assert.is(v?.kind, 'tensor');
    if (v?.kind === 'tensor') assert.equal(Array.from(floatValues(v.value)), [1.5, -2, -2]);
  }
});

const tensorOf = (shape: number[], content: Uint8Array | null, floatVal: number[] = []): TensorProto => ({
  dtype: DT.float, shape, content, floatVal, doubleVal: [], intVal: [], int64Val: [],
});

test('tensor values: raw content in little-endian order, and a wrong byte count is an error', () => {
  const raw = new Uint8Array(Float32Array.of(0.25, -3).buffer);
  assert.equal(Array.from(floatValues(tensorOf([2], raw))), [0.25, -3]);
  assert.throws(() => floatValues(tensorOf([3], raw)), /tensor_content has 8 bytes, shape \[3\] needs 12/);
  assert.throws(() => int32Values(tensorOf([2], raw)), /not DT_INT32/);
});

const sample: NodeDef[] = [
  {
    name: 'w', op: 'Const', input: [], device: '/cpu:0',
    attr: new Map([
      ['dtype', { kind: 'type', value: DT.float }],
      ['value', { kind: 'tensor', value: tensorOf([2, 1], new Uint8Array(Float32Array.of(1, 2).buffer)) }],
    ]),
  },
  {
    name: 'conv', op: 'Conv2D', input: ['x', 'w:0', '^init'], device: '',
    attr: new Map([
      ['strides', { kind: 'list', value: { s: [], i: [1, 2, 2, 1], f: [0.5], b: [true, false], type: [1] } }],
      ['padding', { kind: 's', value: new TextEncoder().encode('SAME') }],
      ['eps', { kind: 'f', value: 0.5 }],
      ['flag', { kind: 'b', value: true }],
      ['n', { kind: 'i', value: -7 }],
      ['shape', { kind: 'shape', value: [-1, 299, 299, 3] }],
      ['unknown', { kind: 'shape', value: null }],
      ['names', { kind: 'list', value: { s: [new TextEncoder().encode('a')], i: [], f: [], b: [], type: [] } }],
      ['empty', { kind: 'none' }],
    ]),
  },
];

test('GraphDef round trip: decode(encode(nodes)) equals the nodes, encode(decode(bytes)) the bytes', () => {
  const encoded = encodeGraphDef(sample);
  const decoded = decodeGraphDef(encoded);
  assert.equal(decoded, sample);
  assert.equal(encodeGraphDef(decoded), encoded);
});

test('int32 tensors decode from int_val as well as from raw content', () => {
  const t: TensorProto = { dtype: DT.int32, shape: [2], content: null, floatVal: [], doubleVal: [], intVal: [299, -1], int64Val: [] };
  const node = new ProtoWriter().string(1, 'size').string(2, 'Const');
  node.message(5, new ProtoWriter().string(1, 'value').message(2, new ProtoWriter().message(8, encodeTensor(t))));
  const [n] = decodeGraphDef(new ProtoWriter().message(1, node).finish());
  const v = n!.attr.get('value');
  assert.ok(v?.kind === 'tensor' && Array.from(int32Values(v.value)).join() === '299,-1');
});

test.run();
