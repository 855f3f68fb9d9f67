/**
 * The search job as the library calls it: a handle whose events Observable carries exactly the run's log
 * lines (to an early and a late subscriber alike, each one of the protocol's events) and completes when the run ends, whose result is the
 * report; bad input rejects the result with an InputError before anything is written, and an abort before
 * the actors start rejects it with the signal's reason.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, toArray } from 'rxjs';
import { search } from '../src/jobs/search.js';
import { tailEvents } from '../src/jobs/tail-events.js';
import { eventSchemas, isEventType, type RunEvent } from '../src/protocol/events.js';
import { parseEventLines } from '../src/supervisor/event-file.js';
import { writeTinySearchConfig } from './support/kill.js';
import { rejects } from './support/rejects.js';

const root = mkdtempSync(join(tmpdir(), 'agts-jobs-'));
const config = writeTinySearchConfig(join(root, 'search.json'), 5);

test('a search\'s events are its log\'s lines, to an early and a late subscriber, and its result is the report', async () => {
  const run = search({ config, out: join(root, 'run') });
  const early = firstValueFrom(run.events.pipe(toArray()));
  const report = await run.result;
  const seen = await early;
  const late = await firstValueFrom(run.events.pipe(toArray()));
  const logged = parseEventLines(readFileSync(join(run.dir, 'events.jsonl'), 'utf8')).events;
  assert.equal(seen, logged);
  assert.equal(late, logged);
  assert.equal(seen.map((e) => e.seq), seen.map((_, i) => i + 1));
  assert.is(seen[0]!.type, 'run.started');
  assert.is(seen.at(-1)!.type, 'run.stopped');
  // Narrowing on the type gives the payload's fields.
  const rewards = seen.flatMap((e: RunEvent) => (e.type === 'search.rewards' ? [e.payload.rewards] : []));
  assert.is(rewards.length, 3);
  assert.is(report.derived.length, 1);
  assert.is(report.interrupted, false);
  assert.equal(await firstValueFrom(tailEvents(run.dir).pipe(toArray())), logged);
  // Every line is one of the protocol's events, and its payload fits that event's one schema.
  for (const e of logged) {
    assert.ok(isEventType(e.type), `${e.type}: an event of src/protocol/events.ts`);
    eventSchemas[e.type].parse(e.payload, `#${e.seq} ${e.type}`);
  }
});

test('bad input rejects the result with an InputError and writes nothing; the events complete empty', async () => {
  const out = join(root, 'bad');
  const bad = search({ config: { data: { dataset: 'mnist' }, search: { iterations: [1, 0, 1] } }, out });
  const events = firstValueFrom(bad.events.pipe(toArray()));
  await rejects(bad.result, /^config: search\.iterations\[1\]/);
  assert.equal(await events, []);
  assert.not.ok(existsSync(out));
  await rejects(search({ resume: join(root, 'run'), seed: 3 }).result, /^--seed: cannot be combined with --resume/);
  await rejects(search({ config, out, seed: -1 }).result, /^--seed: must be an integer in \[0, /);
  await rejects(search({}).result, /^--config: is required/);
});

test('a search stopped before its actors start rejects with the signal\'s reason and leaves no run', async () => {
  const out = join(root, 'stopped');
  const ctl = new AbortController();
  ctl.abort();
  const run = search({ config, out, signal: ctl.signal });
  try {
    await run.result;
    assert.unreachable('resolved');
  } catch (e) {
    assert.is(e, ctl.signal.reason);
  }
  assert.equal(await firstValueFrom(run.events.pipe(toArray())), []);
  assert.not.ok(existsSync(out));
});

test.run();
