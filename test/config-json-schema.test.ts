/**
 * The JSON Schemas published for config files (schema/run-config.schema.json, study-config.schema.json) say
 * what our own checks say: they accept every shipped config and the defaults, and reject each bad preset at the
 * key our check names.
 * The JSON forms of the schema library's other combinators agree with their checks too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_CONFIG_JSON_SCHEMA_FILE, STUDY_CONFIG_JSON_SCHEMA_FILE, jsonSchemaFiles } from '../src/config/json-schema-files.js';
import { DEFAULT_CONFIG, loadConfig, resolveConfig } from '../src/config/run-config.js';
import { InputError } from '../src/errors.js';
import { FieldError, jsonSchemaDocument, type JsonSchema, type Schema } from '../src/protocol/schema.js';
import { eventSchemas } from '../src/report/event-schemas.js';
import { logEvent, runtimeEventSchemas } from '../src/supervisor/events.js';
import { jsonSchemaViolation } from './support/json-schema-check.js';
import { loadStudy, resolveStudy } from '../src/study/study-config.js';
import { isStudyConfig } from './support/study.js';

const published = JSON.parse(readFileSync(RUN_CONFIG_JSON_SCHEMA_FILE, 'utf8')) as JsonSchema;
const publishedStudy = JSON.parse(readFileSync(STUDY_CONFIG_JSON_SCHEMA_FILE, 'utf8')) as JsonSchema;

test('the committed schema files are what the config schemas give (else run npm run build:schema)', () => {
  for (const { file, text } of jsonSchemaFiles()) assert.fixture(readFileSync(file, 'utf8'), text);
});

test('every shipped study config names the study schema and is valid by it; bad studies are rejected at the key our check names', () => {
  const files = readdirSync('configs').filter(isStudyConfig);
  assert.ok(files.length >= 1);
  for (const f of files) {
    const text = JSON.parse(readFileSync(join('configs', f), 'utf8')) as Record<string, unknown>;
    assert.is(text.$schema, '../schema/study-config.schema.json', f);
    assert.is(jsonSchemaViolation(publishedStudy, text), null, f);
    loadStudy(join('configs', f));
  }
  const good = JSON.parse(readFileSync(join('configs', files[0]!), 'utf8')) as Record<string, unknown>;
  const bad: [unknown, string][] = [
    [{ ...good, arms: ['full', 'bogus'] }, 'arms[1]'], [{ ...good, seeds: [1] }, 'seeds'], [{ ...good, budget: { ...(good.budget as object), minibatches: 0 } }, 'budget.minibatches'],
    [{ ...good, config: { train: { lrG: 0 } } }, 'config.train.lrG'], [{ ...good, bogus: 1 }, 'bogus'], [{ ...good, bootstrap: { resamples: 5 } }, 'bootstrap.resamples'],
    [{ ...good, margins: { fidd: { absolute: 5 } } }, 'margins.fidd'],
  ];
  for (const [study, key] of bad) {
    const theirs = jsonSchemaViolation(publishedStudy, study);
    assert.ok(theirs, `the study schema accepts ${JSON.stringify(study)}`);
    assert.is(theirs!.path, key, JSON.stringify(study));
    const e = (() => { try { resolveStudy(study, 'x.json', 'configs'); return null; } catch (err) { return err as Error; } })();
    assert.instance(e, InputError);
    assert.ok(e!.message.startsWith(`x.json: ${key}:`), `${e!.message} (expected the key ${key})`);
  }
  // A margin is one of two forms (anyOf): the schema names the margin, our check the key inside it.
  for (const margin of [{ relative: 10, of: 'full' }, { absolute: 0 }, { relative: 0.1 }, { absolute: 1, relative: 0.1 }]) {
    assert.is(jsonSchemaViolation(publishedStudy, { ...good, margins: { fid: margin } })?.path, 'margins.fid', JSON.stringify(margin));
    assert.throws(() => resolveStudy({ ...good, margins: { fid: margin } }, 'x.json', 'configs'), /^x\.json: margins\.fid\.(relative|absolute|of): /);
  }
  const { base: _base, ...noBase } = good;
  assert.ok(jsonSchemaViolation(publishedStudy, noBase), 'a study without its base is accepted by the schema');
});

test('every shipped config names the schema and is valid by it; so are the defaults, whole', () => {
  const files = readdirSync('configs').filter((n) => !isStudyConfig(n));
  assert.ok(files.length >= 4);
  for (const f of files) {
    const text = JSON.parse(readFileSync(join('configs', f), 'utf8')) as Record<string, unknown>;
    assert.is(text.$schema, '../schema/run-config.schema.json', f);
    assert.is(jsonSchemaViolation(published, text), null, f);
    loadConfig(join('configs', f));
  }
  assert.is(jsonSchemaViolation(published, JSON.parse(JSON.stringify(DEFAULT_CONFIG))), null);
});

/** The key our check names in its error (`x.json: search.reset.window: …`; '' for the whole file). */
function keyOurCheckNames(preset: unknown): string {
  try {
    resolveConfig(preset, 'x.json');
  } catch (e) {
    assert.instance(e, InputError);
    const m = /^x\.json: (?:([^\s:]+): )?(.*)$/.exec((e as Error).message)!;
    return m[1] ?? '';
  }
  assert.unreachable(`accepted ${JSON.stringify(preset)}`);
  return '';
}

test('a bad preset is rejected by both, at the key our check names', () => {
  const bad: unknown[] = [
    [], null, 'config', 42,
    { seed: 1.5 }, { seed: '1' }, { seed: -1 }, { seed: 2 ** 31 }, { bogus: 1 }, { $schema: 5 },
    { data: null }, { data: { dataset: 'imagenet' } }, { data: { root: 5 } }, { data: { bogus: 1 } },
    { model: { bottom: 17 } }, { model: { latent: 0 } },
    { train: { nCriticc: 5 } }, { train: { lrG: 0 } }, { train: { lrG: 1.5 } }, { train: { beta1: 1 } }, { train: { steps: 1e20 } }, { train: [1] },
    { eval: { features: 'alexnet' } }, { eval: { inceptionGraph: false } },
    { search: { iterations: [1, 2] } }, { search: { iterations: [1, 2, 0] } }, { search: { iterations: { 0: 1 } } }, { search: { iterations: [1, 2 ** 60, 1] } },
    { search: { reset: { enabled: 'yes' } } }, { search: { reset: { window: 1 } } }, { search: { controller: { entropyCoeff: -1 } } },
    { search: { controller: { temperature: 1 } } }, { search: { strategy: 1 } },
    { search: { derive: { parallel: 'many' } } }, { search: { derive: { parallel: 0 } } }, { search: { derive: { parallel: 1.5 } } }, { search: { derive: { parallel: null } } },
  ];
  for (const preset of bad) {
    const ours = keyOurCheckNames(preset);
    const theirs = jsonSchemaViolation(published, preset);
    assert.ok(theirs, `the JSON Schema accepts ${JSON.stringify(preset)}`);
    assert.is(theirs!.path, ours, JSON.stringify(preset));
  }
});

test('a good preset is accepted by both', () => {
  const mnist = { data: { dataset: 'mnist' }, eval: { features: 'digits' } };
  for (const preset of [mnist, { ...mnist, $schema: 'anything' }, { ...mnist, search: { derive: { parallel: 3 } } }, { ...mnist, search: { derive: { parallel: 'auto' } } }, { ...mnist, train: { lrG: 1 } }]) {
    resolveConfig(preset, 'x.json');
    assert.is(jsonSchemaViolation(published, preset), null, JSON.stringify(preset));
  }
  // What the schema leaves to the program: rules between settings.
  assert.is(jsonSchemaViolation(published, { ...mnist, search: { beamKeep: 20 } }), null);
});

/** `schema.parse` accepts `value` exactly when its JSON form does. */
function agree(schema: Schema<unknown>, value: unknown): void {
  let parsed = true;
  try {
    schema.parse(value, '');
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    parsed = false;
  }
  const valid = jsonSchemaViolation(schema.jsonSchema!, value) === null;
  assert.is(valid, parsed, `${JSON.stringify(value)}: parse ${parsed ? 'accepts' : 'rejects'} it, its JSON Schema does not`);
}

test('the JSON forms of objects, optional and nullable fields, arrays, records and enums agree with their checks', () => {
  const placed = { incarnation: 0, kind: 'trainer', transport: 'thread', pid: 7, threadId: 1, backend: 'cpu', tfBackend: 'cpu', cudaVisibleDevices: null };
  const withKey = (key: string) => JSON.parse(JSON.stringify(placed).replace('{', `{"${key}": 1, `)) as unknown;
  for (const v of [placed, { ...placed, cudaVisibleDevices: '0' }, { ...placed, transport: 'carrier pigeon' }, { ...placed, pid: -1 }, withKey('extra'), withKey('constructor'), withKey('__proto__'), { ...placed, kind: undefined }]) {
    agree(runtimeEventSchemas['actor.placed'], JSON.parse(JSON.stringify(v)));
  }
  const busy = { from: '2024-01-01T00:00:00Z', seconds: 1.5, busySeconds: 1, requests: { 'trainer.train': 2 } };
  for (const v of [busy, { ...busy, requests: {} }, { ...busy, requests: { x: 1.5 } }, { ...busy, requests: [] }, { ...busy, seconds: '1' }]) agree(runtimeEventSchemas['actor.busy'], v);
  const started = { runDir: 'r', resumed: false, backend: 'cpu', gpus: null, faults: [] };
  for (const v of [started, { ...started, command: ['search'] }, { ...started, gpus: [0, 1] }, { ...started, gpus: [0.5] }, { ...started, command: 'search' }]) {
    agree(eventSchemas['run.started'], v);
  }
  // An event line may carry fields a newer writer added; its payload is any value.
  const line = { seq: 1, time: 't', source: 'supervisor', type: 'run.started', payload: started };
  for (const v of [line, { ...line, payload: null }, { ...line, added: true }, { ...line, seq: 1.5 }, { seq: 1, time: 't', source: 's', type: 't' }]) agree(logEvent, v);
});

test('a schema with a part JSON Schema cannot say (an architecture\'s tokens) has no JSON form, and says so', () => {
  assert.is(eventSchemas['search.stage'].jsonSchema, undefined);
  assert.throws(() => jsonSchemaDocument(eventSchemas['search.stage'], 'search.stage'), /search\.stage: its schema has a part that JSON Schema cannot say/);
});

test.run();
