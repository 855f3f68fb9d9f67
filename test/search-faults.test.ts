import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { parseEventLines } from '../src/supervisor/event-file.js';
import { listCheckpoints } from '../src/train/checkpoint-dir.js';
import { cli, writeTinySearchConfig } from './support/kill.js';

const root = mkdtempSync(join(tmpdir(), 'agts-faults-'));
const config = writeTinySearchConfig(join(root, 'search.json'), 8);

const events = (dir: string) => parseEventLines(readFileSync(join(dir, 'events.jsonl'), 'utf8')).events;
const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));

test('NaN losses injected into the trainer force a dynamic reset, and the search completes', () => {
  const dir = join(root, 'nan');
  const r = cli('search', '--config', config, '--out', dir, '--fault', 'nan:trainer@1');
  assert.is(r.status, 0, r.stderr);
  const log = events(dir);
  assert.ok(log.some((e) => e.type === 'fault.injected'));
  assert.ok(log.some((e) => e.type === 'search.reset') && log.some((e) => e.type === 'trainer.reset'));
  assert.ok(report(dir).resets >= 1);
  assert.is(report(dir).derived.length, 1);
});

test('a crashed trainer is restarted, the search completes, and the log has every sequence number', () => {
  const dir = join(root, 'crash');
  const r = cli('search', '--config', config, '--out', dir, '--fault', 'crash:trainer@3');
  assert.is(r.status, 0, r.stderr);
  const log = events(dir);
  assert.ok(log.some((e) => e.type === 'actor.exited' && e.source === 'trainer'));
  assert.ok(log.some((e) => e.type === 'actor.restarting' && e.source === 'trainer'));
  assert.equal(log.map((e) => e.seq), log.map((_, i) => i + 1));
  assert.ok(report(dir).restarts >= 1);
  assert.is(report(dir).derived.length, 1);
});

test('SIGINT stops the search with exit 130, the log closed and the checkpoints kept; --resume finishes it', async () => {
  const dir = join(root, 'sigint');
  const child = spawn(process.execPath, ['dist/main.js', 'search', '--config', config, '--out', dir], { stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => {
    const poll = setInterval(() => {
      if (listCheckpoints(join(dir, 'checkpoints')).length === 0) return;
      clearInterval(poll);
      child.kill('SIGINT');
    }, 50);
    child.on('exit', (c) => {
      clearInterval(poll);
      resolve(c);
    });
  });
  assert.is(code, 130);
  assert.ok(listCheckpoints(join(dir, 'checkpoints')).length > 0);
  assert.ok(events(dir).some((e) => e.type === 'run.stopped'));
  const resumed = cli('search', '--resume', dir);
  assert.is(resumed.status, 0, resumed.stderr);
  assert.is(report(dir).derived.length, 1);
});

test('bad --fault and --gpus values are exit-2 errors naming them', () => {
  const bad = cli('search', '--config', config, '--out', join(root, 'bad'), '--fault', 'explode:trainer@1');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /explode/);
  const gpus = cli('search', '--config', config, '--out', join(root, 'bad2'), '--gpus', 'zero');
  assert.is(gpus.status, 2);
  assert.match(gpus.stderr, /--gpus/);
});

test.run();
