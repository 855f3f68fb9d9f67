import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeArch, formatArch, parseArch, searchSpaceSize, validateArch } from '../src/nn/arch.js';
import { InputError } from '../src/errors.js';

test('parses and formats the published top-1 architecture', () => {
  const a = parseArch('1 0 1 1  1 0 0 1 1  1 0 1 0 3');
  assert.equal([...a], [1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 3]);
  assert.is(formatArch(a), '1 0 1 1  1 0 0 1 1  1 0 1 0 3');
});

test('accepts commas and stage prefixes', () => {
  assert.equal([...parseArch('1,0,1,1')], [1, 0, 1, 1]);
  assert.equal([...parseArch('1, 0, 1, 1, 1, 0, 0, 1, 1')].length, 9);
});

test('an invalid token names the cell, the token and the range', () => {
  assert.throws(() => parseArch('1 0 1 1  1 0 0 1 1  1 0 1 0 4'), (e: Error) => e instanceof InputError && /cell 3 token "skip" is 4; allowed 0\.\.3/.test(e.message));
  assert.throws(() => parseArch('1 3 1 1'), /cell 1 token "norm" is 3; allowed 0\.\.2/);
  assert.throws(() => parseArch('1 0 1'), /3 tokens; expected 4, 9 or 14/);
  assert.throws(() => parseArch('1 0 x 1'), /"x" is not an integer/);
  assert.throws(() => validateArch([1, 0, 1, 1.5]), /cell 1 token "shortcut" is 1.5/);
});

test('describes cells in words', () => {
  const d = describeArch(parseArch('1 0 1 1  1 0 0 1 1  1 0 1 0 3'));
  assert.is(d[0], 'cell 1: pre-activation conv, none, nearest upsampling, with shortcut');
  assert.is(d[2], 'cell 3: pre-activation conv, none, nearest upsampling, no shortcut, skip-in from cell 1 and cell 2');
  assert.ok(d[1]!.endsWith('skip-in from cell 1'));
});

test('the search space has 373,248 generators', () => {
  assert.is(searchSpaceSize(), 373248);
});

test.run();
