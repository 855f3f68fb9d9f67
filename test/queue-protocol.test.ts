import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/config/run-config.js';
import { isInputError } from '../src/errors.js';
import { QUEUE_PROTOCOL_VERSION, parseDeriveResult, parseJobProgress, parseQueueJob } from '../src/protocol/queue-jobs.js';
import { parseRedisUrl, redisOptions } from '../src/queue/connection.js';
import { travellingFiles } from '../src/queue/folder-snapshot.js';
import { reconnectDelayMs } from '../src/queue/reconnecting.js';
import { redactCredentials, redactor } from '../src/util/redact.js';
import { fieldErrorOf as fieldOf } from './support/field-error.js';

const test = suite('queue: protocol, connections, redaction');
const v = QUEUE_PROTOCOL_VERSION;
const config = resolveConfig({ data: { dataset: 'mnist' }, eval: { features: 'digits' } }, 'test');
const arch = [1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 3];
const job = { v, kind: 'derive', run: 'run-x', rank: 1, arch, config };

function inputErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isInputError(e)) return e.message;
    throw e;
  }
  throw new Error('accepted');
}

test('redis:// and rediss:// URLs: user, password, port, database, TLS', () => {
  const t = parseRedisUrl('rediss://alice:p%40ss@cache.example:6380/2');
  assert.equal({ host: t.host, port: t.port, username: t.username, password: t.password, db: t.db, tls: t.tls }, { host: 'cache.example', port: 6380, username: 'alice', password: 'p@ss', db: 2, tls: true });
  assert.equal(redisOptions(t), { host: 'cache.example', port: 6380, db: 2, username: 'alice', password: 'p@ss', tls: { servername: 'cache.example' }, maxRetriesPerRequest: null });
  assert.is(t.shown, 'rediss://***@cache.example:6380/2');
  const plain = parseRedisUrl('redis://localhost');
  assert.equal([plain.port, plain.db, plain.tls, plain.username, plain.password], [6379, 0, false, null, null]);
  assert.equal(redisOptions(plain), { host: 'localhost', port: 6379, db: 0, maxRetriesPerRequest: null });
});

test('reconnect attempts back off: 1 s, doubling, to a cap well inside the default stall period', () => {
  assert.equal([1, 2, 3, 4, 5, 6, 20].map(reconnectDelayMs), [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
});

test('a bad URL is an error naming --redis, never showing the password', () => {
  for (const [url, problem] of [
    ['http://u:hunter2@host', 'the scheme must be redis:// or rediss://'],
    ['redis://u:hunter2@host/x', 'the path must be a database number'],
    ['redis://u:hunter2@host/0?tls=1', 'unexpected query'],
    ['not a url hunter2', 'is not a URL'],
  ] as const) {
    const message = inputErrorOf(() => parseRedisUrl(url));
    assert.ok(message.startsWith('--redis: ') && message.includes(problem), message);
    // 'not a url hunter2' is not a URL, so nothing marks its password: it is the one case shown as given.
    if (url.includes('@')) assert.not.ok(message.includes('hunter2'), message);
  }
});

test('credentials are redacted from any text: URLs, and a password quoted on its own', () => {
  assert.is(redactCredentials('search --redis redis://bob:s3cr%2Ft@h:1 and rediss://:only@h2'), 'search --redis redis://***@h:1 and rediss://***@h2');
  assert.is(redactCredentials('no URL here'), 'no URL here');
  const t = parseRedisUrl('redis://bob:s3cr%2Ft@h:1');
  assert.is(t.redact('AUTH bob s3cr/t failed; AUTH bob s3cr%2Ft; redis://bob:s3cr%2Ft@h:1'), 'AUTH bob *** failed; AUTH bob ***; redis://***@h:1');
  assert.is(redactor([null])('unchanged'), 'unchanged');
});

test('job payloads are checked; a bad one is rejected naming the field', () => {
  assert.equal(parseQueueJob('derive', job), job);
  assert.is(fieldOf(() => parseQueueJob('train', job)), 'name: expected one of derive|study-run, got string');
  const studyRun = { v, kind: 'study-run', run: 'study-x', name: 'no-reset-seed2', config };
  assert.equal(parseQueueJob('study-run', studyRun), studyRun);
  assert.ok(fieldOf(() => parseQueueJob('study-run', { ...studyRun, name: '../../etc' })).startsWith('payload.name: expected a study run'));
  assert.is(fieldOf(() => parseQueueJob('derive', { ...job, v: 2 })), 'payload.v: expected 1, got 2');
  assert.is(fieldOf(() => parseQueueJob('derive', { ...job, rank: 0 })), 'payload.rank: expected an integer ≥ 1, got 0');
  assert.ok(fieldOf(() => parseQueueJob('derive', { ...job, arch: arch.slice(0, 9) })).startsWith('payload.arch: 9 tokens'));
  assert.ok(fieldOf(() => parseQueueJob('derive', { ...job, config: { ...config, train: { ...config.train, steps: 'many' } } })).startsWith('payload.config.train.steps: '));
  const { search: _, ...noSearch } = config;
  assert.is(fieldOf(() => parseQueueJob('derive', { ...job, config: noSearch })), 'payload.config.search: missing');
  assert.is(fieldOf(() => parseQueueJob('derive', { ...job, extra: 1 })), 'payload.extra: unexpected field');
});

test('progress reports and results are checked too', () => {
  assert.equal(parseJobProgress({ v, at: 'started', worker: 'w', from: 10 }), { v, at: 'started', worker: 'w', from: 10 });
  const p = parseJobProgress({ v, at: 'checkpoint', worker: 'w', step: 5, steps: 10, dLoss: NaN, gLoss: 1, bytes: 100 });
  assert.ok(p.at === 'checkpoint' && p.step === 5);
  assert.is(fieldOf(() => parseJobProgress({ v, at: 'started', worker: 'w', from: -1 })), 'progress.from: expected an integer ≥ 0, got -1');
  const result = { v, worker: 'w', step: 10, steps: 10, scores: { is: { mean: 2, std: 0.1 }, fid: 300 }, seconds: 4, overheadSeconds: 0.1 };
  assert.equal(parseDeriveResult(result), result);
  assert.is(fieldOf(() => parseDeriveResult({ ...result, scores: { is: null } })), 'result.scores.fid: expected a number, got undefined');
});

test('a folder travels whole except older checkpoints and files being written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agts-folder-'));
  mkdirSync(join(dir, 'checkpoints'));
  mkdirSync(join(dir, 'samples'));
  for (const f of ['config.json', 'report.json', 'samples/final.png', 'checkpoints/step-000000005.ckpt', 'checkpoints/step-000000010.ckpt', 'samples/x.png.tmp-1-2']) writeFileSync(join(dir, f), 'x');
  assert.equal(travellingFiles(dir), ['checkpoints/step-000000010.ckpt', 'config.json', 'report.json', 'samples/final.png']);
});

test.run();
