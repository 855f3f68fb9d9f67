import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, toArray, take } from 'rxjs';
import { EventLog } from '../src/supervisor/event-log.js';
import { eventStream } from '../src/supervisor/event-stream.js';
import { tempRunDir } from './support/runtime.js';

const test = suite('runtime: event log');
const clock = { now: () => Date.UTC(2025, 0, 1), setTimeout: () => () => undefined };

test('seq continues across a reopen, and a torn last line is cut away', () => {
  const dir = tempRunDir();
  const a = EventLog.open(dir.events, clock);
  a.emit('supervisor', 'run.started', { n: 1 });
  a.emit('trainer', 'actor.placed', { pid: 1 });
  a.close();
  appendFileSync(dir.events, '{"seq":3,"time":"2025-'); // a kill mid-write
  const b = EventLog.open(dir.events, clock);
  assert.is(b.lastSeq, 2);
  b.emit('supervisor', 'run.started', { n: 2 });
  b.close();
  const lines = readFileSync(dir.events, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.map((l) => l.seq), [1, 2, 3]);
  assert.equal(lines[2], { seq: 3, time: '2025-01-01T00:00:00.000Z', source: 'supervisor', type: 'run.started', payload: { n: 2 } });
});

test('the event stream reads a finished log, and follows one being written, holding a torn line until it completes', async () => {
  const dir = tempRunDir();
  const log = EventLog.open(dir.events, clock);
  log.emit('a', 't1', null);
  assert.equal((await firstValueFrom(eventStream(dir.events, { follow: false }).pipe(toArray()))).map((e) => e.seq), [1]);
  const followed = firstValueFrom(eventStream(dir.events, { follow: true, pollMs: 10 }).pipe(take(3), toArray()));
  appendFileSync(dir.events, '{"seq":2,"time":"x","source":"b",');
  await new Promise((r) => setTimeout(r, 40));
  // The line stops inside "≥" (3 bytes in UTF-8): the character must come out whole once the line is.
  const rest = Buffer.from('"type":"t2","payload":"≥ 1"}\n');
  appendFileSync(dir.events, rest.subarray(0, 24));
  await new Promise((r) => setTimeout(r, 40));
  appendFileSync(dir.events, rest.subarray(24));
  const c = EventLog.open(dir.events, clock);
  c.emit('c', 't3', { x: 1 });
  c.close();
  log.close();
  const events = await followed;
  assert.equal(events.map((e) => `${e.seq}:${e.type}`), ['1:t1', '2:t2', '3:t3']);
  assert.is(events[1]!.payload, '≥ 1');
});

test('tail prints a run for people, filters by type and actor, and emits raw JSON', async () => {
  const dir = tempRunDir();
  const log = EventLog.open(dir.events, clock);
  log.emit('evaluator-0', 'actor.placed', { pid: 7 });
  log.emit('trainer', 'actor.exited', { code: 70 });
  log.emit('conductor', 'search.rewards', { r: [1] });
  log.close();
  const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
  const tail = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [main, 'tail', ...args], (e, out, err) => resolve({ code: e ? (e.code as number) : 0, out, err }));
    });
  const actor = await tail(dir.root, '--type', 'actor.*', '--actor', 'evaluator');
  assert.is(actor.code, 0);
  assert.match(actor.out, /^# {4}1 {2}\d\d:\d\d:\d\d\.\d{3} {2}evaluator-0 {3}actor\.placed {8}\{"pid":7\}\n$/);
  const json = await tail(dir.root, '--json', '--type', 'search.rewards');
  assert.equal(JSON.parse(json.out), { seq: 3, time: '2025-01-01T00:00:00.000Z', source: 'conductor', type: 'search.rewards', payload: { r: [1] } });
  const missing = await tail('/nonexistent/run');
  assert.is(missing.code, 2);
  assert.is(missing.err, 'error: /nonexistent/run/events.jsonl: no event log here (is this a run directory?)\n');
});

test.run();
