import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../src/errors.js';
import { FaultPlan, parseFaultSpec } from '../src/supervisor/faults.js';

const test = suite('runtime: fault specs');

test('specs parse to fault, actor and request number', () => {
  assert.equal(parseFaultSpec('crash:trainer@5'), { fault: 'crash', actor: 'trainer', at: 5 });
  assert.equal(parseFaultSpec('malformed:controller@1'), { fault: 'malformed', actor: 'controller', at: 1 });
  assert.equal(parseFaultSpec('crash:deriver@3'), { fault: 'crash', actor: 'deriver', at: 3 });
});

test('bad specs are input errors naming the spec', () => {
  const msg = (s: string) => {
    try {
      parseFaultSpec(s);
    } catch (e) {
      assert.instance(e, InputError);
      return (e as Error).message;
    }
    throw new Error('accepted');
  };
  const form = '(expected KIND:ACTOR@N, e.g. crash:trainer@5)';
  assert.is(msg('crash:trainer'), `--fault "crash:trainer": not of the form KIND:ACTOR@N ${form}`);
  assert.is(msg('melt:trainer@1'), `--fault "melt:trainer@1": unknown fault "melt"; one of crash|hang|nan|malformed ${form}`);
  assert.is(msg('crash:gpu@1'), `--fault "crash:gpu@1": unknown actor "gpu"; one of controller|trainer|evaluator|resetter|deriver ${form}`);
  assert.is(msg('nan:evaluator@1'), `--fault "nan:evaluator@1": only the trainer reports losses ${form}`);
  assert.is(msg('hang:resetter@0'), `--fault "hang:resetter@0": N counts from 1 ${form}`);
});

test('a plan counts requests per kind and fires each spec once', () => {
  const plan = new FaultPlan([parseFaultSpec('crash:trainer@2'), parseFaultSpec('nan:trainer@2'), parseFaultSpec('hang:evaluator@1')]);
  assert.equal(plan.next('trainer'), { n: 1, faults: [] });
  assert.equal(plan.next('evaluator'), { n: 1, faults: ['hang'] });
  assert.equal(plan.next('trainer'), { n: 2, faults: ['crash', 'nan'] });
  assert.equal(plan.next('trainer'), { n: 3, faults: [] });
});

test.run();
