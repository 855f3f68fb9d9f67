import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PROTOCOL_VERSION, ownedCopy } from '../src/protocol/base.js';
import { parseActorMessage, parseParentMessage } from '../src/protocol/lifecycle.js';
import { fieldErrorOf as fieldOf } from './support/field-error.js';

const test = suite('runtime: protocol');
const v = PROTOCOL_VERSION;

test('requests are checked against their channel, naming the field at fault', () => {
  const ok = parseParentMessage('controller', { v, type: 'controller.sample', id: 3, args: { count: 4 } });
  assert.equal(ok, { v, type: 'controller.sample', id: 3, args: { count: 4 } });
  assert.is(fieldOf(() => parseParentMessage('controller', { v, type: 'controller.sample', id: 3, args: { count: 'four' } })), 'args.count: expected an integer ≥ 0, got string');
  assert.is(fieldOf(() => parseParentMessage('controller', { v, type: 'trainer.train', id: 1, args: {} })), 'type: unknown request type "trainer.train"');
  assert.is(fieldOf(() => parseParentMessage('controller', { v: 99, type: 'controller.sample', id: 1, args: { count: 1 } })), 'v: expected protocol version 1, got 99');
  assert.is(fieldOf(() => parseParentMessage('controller', { v, type: 'controller.update', id: 1, args: { samples: [{ arch: [1, 2, 0, 1], reward: null }] } })), 'args.samples[0].reward: expected a finite number, got null');
});

test('tensor bundles must be Float32Arrays of their shape\'s size', () => {
  const state = (data: unknown, shape: number[]) => ({ v, type: 'trainer.restore', id: 1, args: { state: { meta: {}, arrays: { w: { shape, data } } } } });
  parseParentMessage('trainer', state(new Float32Array(6), [2, 3]));
  assert.is(fieldOf(() => parseParentMessage('trainer', state(new Float32Array(5), [2, 3]))), 'args.state.arrays.w.data: has 5 values, shape [2,3] needs 6');
  assert.is(fieldOf(() => parseParentMessage('trainer', state([1, 2, 3, 4, 5, 6], [2, 3]))), 'args.state.arrays.w.data: expected a Float32Array, got array');
});

test('actor messages: losses may be NaN, results are left to the request\'s schema, unknown types are rejected', () => {
  const loss = parseActorMessage({ v, type: 'trainer.loss', id: 2, loss: { step: 1, dLoss: NaN, gLoss: null } });
  assert.ok(loss.type === 'trainer.loss' && Number.isNaN(loss.loss.dLoss));
  assert.is(fieldOf(() => parseActorMessage({ v, type: 'actor.ready', placement: { transport: 'fiber', pid: 1, threadId: 0, backend: 'cpu', tfBackend: 'cpu', cudaVisibleDevices: null } })), 'placement.transport: expected one of thread|process, got string');
  assert.is(fieldOf(() => parseActorMessage({ v, type: 'actor.bogus' })), 'type: unknown message type "actor.bogus"');
});

test('ownedCopy copies every Float32Array into a buffer of its own, leaving the original intact', () => {
  const big = new Float32Array(10).fill(2);
  const view = big.subarray(2, 5);
  const { value, transfer } = ownedCopy({ a: { data: view }, list: [big] });
  assert.is(transfer.length, 2);
  assert.is(value.a.data.buffer.byteLength, 12);
  assert.is.not(value.list[0], big);
  assert.equal(Array.from(value.list[0]!), Array.from(big));
});

test.run();
