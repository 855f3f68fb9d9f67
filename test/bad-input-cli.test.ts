/**
 * Bad input where the user's words enter: config files, a run directory's saved config.json (--resume),
 * CLI flags of every command, and architecture strings. Each kind is tried with wrong types,
 * out-of-range values, truncated and oversized input, NaN and infinite numbers and unknown fields; every
 * rejection is an InputError (exit 2) naming the input and the problem, and leaves saved runs as they were.
 * Most cells call the checker directly; a few CLI spawns (run side by side) show the exit code, the
 * message and the untouched run directories end to end.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_JSON_BYTES } from '../src/config/json-file.js';
import { loadConfig, resolveConfig, RUN_CONFIG_SCHEMA, type RunConfig } from '../src/config/run-config.js';
import { isSection, type Section } from '../src/config/schema.js';
import { InputError } from '../src/errors.js';
import { parseArch, validateArch } from '../src/nn/arch.js';
import { parseBackendName } from '../src/backend/select.js';
import { choiceFlag, intFlag, parseCommandArgs, type ParsedValues } from '../src/cli/command.js';
import { commands } from '../src/cli/registry.js';
import { parseFaultSpec } from '../src/supervisor/faults.js';
import { parseGpuList } from '../src/supervisor/placement.js';
import { assertNewRunDir, createRunDir, openRunDir } from '../src/supervisor/run-dir.js';
import { runTraining } from '../src/train/train-run.js';
import { rejects } from './support/rejects.js';
import { tinySearchConfig } from './support/tiny-search.js';

const ARCH = '1 0 1 1  1 0 0 1 1  1 0 1 0 3';
const root = mkdtempSync(join(tmpdir(), 'agts-bad-input-'));
let fileNo = 0;
/** Writes `text` to a new file and returns its path. */
const file = (text: string | Buffer, name = `f${fileNo++}.json`): string => {
  const p = join(root, name);
  writeFileSync(p, text);
  return p;
};

/** Asserts that `fn` throws an InputError whose message matches `pattern`; returns the message. */
function throwsInput(fn: () => unknown, pattern: RegExp): string {
  try {
    fn();
  } catch (e) {
    assert.instance(e, InputError, `expected an InputError, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return (e as Error).message;
  }
  assert.unreachable(`accepted; expected an error matching ${pattern}`);
  return '';
}

/** Every file and folder under `dir` with the SHA-256 of each file: equal snapshots mean nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = join(rel, name);
      if (statSync(join(dir, r)).isDirectory()) {
        out[`${r}/`] = 'dir';
        walk(r);
      } else out[r] = createHash('sha256').update(readFileSync(join(dir, r))).digest('hex');
    }
  };
  walk('');
  return out;
}

/** `autogan ARGS` as a child process; several run side by side to keep the file fast. */
function cli(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/main.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

// A complete, valid config (the smallest search) and run directories of both kinds.
const full: RunConfig = tinySearchConfig();
const goodConfig = file(JSON.stringify(full), 'good.json');

function searchRunDir(name: string, configText = JSON.stringify(full, null, 2)): string {
  const dir = join(root, name);
  createRunDir(dir, full);
  writeFileSync(join(dir, 'config.json'), configText);
  writeFileSync(join(dir, 'checkpoints', 'step-000000001.ckpt'), Buffer.from('saved search state'));
  writeFileSync(join(dir, 'events.jsonl'), '{"seq":1}\n');
  return dir;
}

function trainRunDir(name: string, configText = JSON.stringify({ config: full, arch: parseArch(ARCH) })): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'checkpoints'), { recursive: true });
  mkdirSync(join(dir, 'samples'));
  writeFileSync(join(dir, 'config.json'), configText);
  writeFileSync(join(dir, 'checkpoints', 'step-000000002.ckpt'), Buffer.from('saved train state'));
  writeFileSync(join(dir, 'samples', 'step-000000001.png'), Buffer.from('a grid'));
  return dir;
}

/** The object paths of the config schema ('' for the top level), for unknown keys at every level. */
function objectPaths(section: Section<unknown>, path: string): string[] {
  return [path, ...Object.entries(section.fields).flatMap(([k, f]) => (isSection(f) ? objectPaths(f, path ? `${path}.${k}` : k) : []))];
}

/** `{a: {b: {key: value}}}` for path "a.b", as JSON text, so that "__proto__" stays an own key. */
function nestedJson(path: string, key: string, valueJson: string): string {
  const keys = path ? path.split('.') : [];
  return keys.reduceRight((inner, k) => `{"${k}": ${inner}}`, `{"${key}": ${valueJson}}`);
}

const badConfig = (preset: unknown, pattern: RegExp, complete = false) => throwsInput(() => resolveConfig(preset, 'x.json', complete), pattern);

// ---------------------------------------------------------------------------------------------------
// Config files

test('config: wrong types, where a field, an array or an object is expected', () => {
  badConfig({ seed: '1' }, /^x\.json: seed: expected a finite number, got "1"$/);
  badConfig({ search: { iterations: { 0: 1, 1: 1, 2: 1 } } }, /^x\.json: search\.iterations: expected an array of 3 values, got an object$/);
  badConfig({ train: [1] }, /^x\.json: train: expected an object, got an array$/);
  badConfig({ data: null }, /^x\.json: data: expected an object, got null$/);
  badConfig({ data: { root: 5 } }, /^x\.json: data\.root: expected a string or null, got 5$/);
  badConfig({ search: { reset: { enabled: 'yes' } } }, /search\.reset\.enabled: expected true or false, got "yes"/);
  badConfig({ search: { strategy: 1 } }, /search\.strategy: expected one of rl\|random-shared\|random-independent, got 1/);
  badConfig({ search: { derive: { steps: true } } }, /search\.derive\.steps: expected a finite number, got true/);
  for (const top of [[], null, 42, 'config']) badConfig(top, /^x\.json: expected an object, got /);
});

test('config: out-of-range values, including integers past 2^53 − 1', () => {
  badConfig({ seed: -1 }, /seed: must be ≥ 0, got -1/);
  badConfig({ seed: 2 ** 31 }, /seed: must be ≤ 2147483647, got 2147483648/);
  badConfig({ train: { steps: 1e20 } }, /^x\.json: train\.steps: must be ≤ 9007199254740991, got 100000000000000000000$/);
  badConfig({ search: { derive: { steps: Number.MAX_SAFE_INTEGER + 1 } } }, /search\.derive\.steps: must be ≤ 9007199254740991/);
  badConfig({ search: { iterations: [1, 2 ** 60, 1] } }, /search\.iterations\[1\]: must be ≤ 9007199254740991/);
  badConfig({ model: { bottom: 17 } }, /model\.bottom: must be ≤ 16, got 17/);
  badConfig({ train: { emaDecay: 1.5 } }, /train\.emaDecay: must be ≤ 1, got 1\.5/);
  badConfig({ train: { beta1: 1 } }, /train\.beta1: must be ≤ 0\.9999, got 1/);
  badConfig({ search: { childSamples: 1 } }, /search\.childSamples: must be ≥ 2, got 1/);
  badConfig({ search: { reset: { window: 1 } } }, /search\.reset\.window: must be ≥ 2, got 1/);
  badConfig({ search: { reset: { threshold: -1e-3 } } }, /search\.reset\.threshold: must be ≥ 0/);
  badConfig({ search: { controller: { lr: 0 } } }, /search\.controller\.lr: must be > 0, got 0/);
  badConfig({ data: { dataset: 'mnist' }, eval: { features: 'digits' }, search: { derive: { topK: 11 } } }, /search\.derive\.topK: 11 exceeds search\.derive\.candidates \(10\)/);
  // The largest safe integer itself is accepted.
  assert.is(resolveConfig({ data: { dataset: 'mnist' }, train: { steps: Number.MAX_SAFE_INTEGER } }, 'x.json').train.steps, Number.MAX_SAFE_INTEGER);
});

test('config: NaN and infinite numbers (1e999 in a file is Infinity) at every depth', () => {
  const inf = (json: string, key: string) => throwsInput(() => loadConfig(file(json)), new RegExp(`^.*\\.json: ${key.replace(/[.[\]]/g, '\\$&')}: expected a finite number, got -?Infinity$`));
  inf('{"seed": 1e999}', 'seed');
  inf('{"train": {"lrG": 1e999}}', 'train.lrG');
  inf('{"search": {"controller": {"lr": -1e999}}}', 'search.controller.lr');
  inf('{"search": {"reset": {"threshold": 1e999}}}', 'search.reset.threshold');
  inf('{"search": {"iterations": [1, 1e999, 1]}}', 'search.iterations[1]');
  badConfig({ search: { iterations: [1, 1, Number.NaN] } }, /search\.iterations\[2\]: expected a finite number, got NaN/);
  badConfig({ search: { controller: { entropyCoeff: Number.NaN } } }, /search\.controller\.entropyCoeff: expected a finite number, got NaN/);
  badConfig({ model: { latent: Number.POSITIVE_INFINITY } }, /model\.latent: expected a finite number, got Infinity/);
  // JSON has no NaN literal: such a file is not JSON at all.
  throwsInput(() => loadConfig(file('{"seed": NaN}')), /\.json: not valid JSON/);
});

test('config: an unknown key is named at every nesting level, prototype names included', () => {
  const paths = objectPaths(RUN_CONFIG_SCHEMA, '');
  assert.ok(paths.includes('search.reset') && paths.includes('search.derive') && paths.includes('search.controller'));
  for (const path of paths) {
    for (const key of ['bogus', 'constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const where = path ? `${path}.${key}` : key;
      throwsInput(() => resolveConfig(JSON.parse(nestedJson(path, key, '{"x": 1}')), 'x.json'), new RegExp(`^x\\.json: ${where.replace(/\./g, '\\.')}: unknown key \\(allowed: `));
    }
  }
});

test('config: a file cut anywhere is not valid JSON, and the message names the file', () => {
  const text = readFileSync('configs/smoke.json', 'utf8');
  for (let cut = 0; cut < text.trimEnd().length; cut += 7) {
    const p = file(text.slice(0, cut));
    throwsInput(() => loadConfig(p), new RegExp(`^${p.replace(/[.]/g, '\\.')}: not valid JSON`));
  }
});

test('config: an oversized file, a folder or a device is refused before it is read', () => {
  const body = JSON.stringify({ data: { dataset: 'mnist' }, eval: { features: 'digits' } });
  const atCap = file(body + ' '.repeat(MAX_JSON_BYTES - body.length));
  assert.is(loadConfig(atCap).data.dataset, 'mnist');
  const over = file(body + ' '.repeat(MAX_JSON_BYTES - body.length + 1));
  throwsInput(() => loadConfig(over), new RegExp(`^${over.replace(/[.]/g, '\\.')}: ${MAX_JSON_BYTES + 1} bytes is too large for a config \\(at most ${MAX_JSON_BYTES}\\)$`));
  throwsInput(() => loadConfig(root), /: cannot read config \(not a file\)$/);
  if (existsSync('/dev/zero')) throwsInput(() => loadConfig('/dev/zero'), /^\/dev\/zero: cannot read config \(not a file\)$/);
  // A long wrong value is quoted cut short, not echoed whole.
  const msg = badConfig({ seed: 'x'.repeat(100_000) }, /seed: expected a finite number, got "x{60}…" \(100000 characters\)$/);
  assert.ok(msg.length < 200, msg);
});

// ---------------------------------------------------------------------------------------------------
// A run directory's saved config.json (--resume)

test('saved config: a missing key means a damaged file, not a default', () => {
  const saved = JSON.parse(JSON.stringify(full)) as Record<string, Record<string, unknown>>;
  delete saved.search!.reset;
  badConfig(saved, /^x\.json: search\.reset: missing$/, true);
  assert.equal(resolveConfig(JSON.parse(JSON.stringify(full)), 'x.json', true), full);
});

test('saved config: a key added later (train.evalEvery) takes its default when a run saved before it lacks it', () => {
  const saved = JSON.parse(JSON.stringify(full)) as Record<string, Record<string, unknown>>;
  delete saved.train!.evalEvery;
  assert.is(resolveConfig(saved, 'x.json', true).train.evalEvery, 0);
  badConfig({ ...saved, train: { ...saved.train, evalEvery: -1 } }, /^x\.json: train\.evalEvery: must be ≥ 0, got -1$/, true);
});

test('search --resume: openRunDir reads the saved config and writes nothing', () => {
  // A run directory with only its config.json: opening it must not add checkpoints/ or samples/.
  const dir = join(root, 'open-unknown');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...full, model: { ...full.model, depth: 3 } }));
  const before = snapshot(dir);
  const { config, dir: paths } = openRunDir(dir);
  throwsInput(() => resolveConfig(config, paths.config, true), /open-unknown\/config\.json: model\.depth: unknown key/);
  assert.equal(snapshot(dir), before);
  throwsInput(() => openRunDir(join(root, 'no-such-run')), /no-such-run: no such run directory/);
  const big = searchRunDir('open-big', ' '.repeat(MAX_JSON_BYTES + 1));
  throwsInput(() => openRunDir(big), /open-big\/config\.json: \d+ bytes is too large for a saved config/);
});

test('train --resume: each damaged config.json is named, and the run directory is left byte-identical', async () => {
  const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;
  const arch = JSON.stringify(parseArch(ARCH));
  const cfg = JSON.stringify(full);
  const cases: [string, RegExp][] = [
    [`{"config": ${cfg}, "arch": ${arch}`, /config\.json: not valid JSON/],
    ['', /config\.json: not valid JSON/],
    ['null', /config\.json: cannot resume: expected an object with "config" and "arch"/],
    [`[${cfg}]`, /config\.json: cannot resume: expected an object/],
    [`{"config": ${cfg}, "arch": ${arch}, "notes": "x"}`, /config\.json: notes: unknown key \(allowed: format, config, arch\)/],
    [`{"config": ${cfg.replace('"latent":', '"depth": 2, "latent":')}, "arch": ${arch}}`, /config\.json \(config\): model\.depth: unknown key/],
    [`{"config": ${cfg.replace(/"seed":\d+/, '"seed":"3"')}, "arch": ${arch}}`, /config\.json \(config\): seed: expected a finite number, got "3"/],
    [`{"config": ${cfg.replace(/"lrG":[^,]+/, '"lrG":1e999')}, "arch": ${arch}}`, /config\.json \(config\): train\.lrG: expected a finite number, got Infinity/],
    [`{"config": ${cfg.replace(/"reset":\{[^}]*\},/, '')}, "arch": ${arch}}`, /config\.json \(config\): search\.reset: missing/],
    [`{"config": ${cfg}}`, /config\.json: arch: missing or not an array/],
    [`{"config": ${cfg}, "arch": {"0": 1}}`, /config\.json: arch: missing or not an array/],
    [`{"config": ${cfg}, "arch": ["1",0,1,1]}`, /config\.json: arch: cell 1 token "conv" is "1"; allowed 0\.\.1/],
    [`{"config": ${cfg}, "arch": [1,0,1,1,1,0,0,1,1,1,0,1,0]}`, /config\.json: arch: 13 tokens; expected 4, 9 or 14/],
    [`{"config": ${cfg}, "arch": [1,0,1,1e999]}`, /config\.json: arch: cell 1 token "shortcut" is Infinity; allowed 0\.\.1/],
    [`{"config": ${cfg}, "arch": [7,0,1,1]}`, /config\.json: arch: cell 1 token "conv" is 7; allowed 0\.\.1/],
    [' '.repeat(MAX_JSON_BYTES + 1), /config\.json: \d+ bytes is too large for a saved run/],
  ];
  for (const [i, [text, pattern]] of cases.entries()) {
    const dir = trainRunDir(`train-bad-${i}`, text);
    const before = snapshot(dir);
    await rejects(runTraining({ config: full, arch: [], outDir: dir, resume: true, backend: 'test', log: () => {}, progress: quiet }), pattern);
    assert.equal(snapshot(dir), before, `case ${i}`);
  }
  const missing = join(root, 'train-missing');
  await rejects(runTraining({ config: full, arch: [], outDir: missing, resume: true, backend: 'test', log: () => {}, progress: quiet }), /train-missing: cannot resume: no such run directory/);
  assert.not.ok(existsSync(missing), 'resuming a missing run creates nothing');
});

// ---------------------------------------------------------------------------------------------------
// --out: a new run never goes where a run, or anything else, already is

test('--out: a run directory, a non-empty folder or a file is refused; a new or empty folder is fine', () => {
  assertNewRunDir(join(root, 'fresh'));
  mkdirSync(join(root, 'empty'));
  assertNewRunDir(join(root, 'empty'));
  throwsInput(() => assertNewRunDir(searchRunDir('out-run')), /out-run: already holds a run \(use --resume to continue it, or choose another --out\)/);
  const lost = join(root, 'out-lost-config');
  mkdirSync(join(lost, 'checkpoints'), { recursive: true });
  throwsInput(() => assertNewRunDir(lost), /out-lost-config: is not empty \(holds checkpoints\)/);
  throwsInput(() => createRunDir(lost, full), /is not empty/);
  throwsInput(() => assertNewRunDir(goodConfig), /good\.json: is not a directory/);
});

// ---------------------------------------------------------------------------------------------------
// CLI flags

const v = (values: ParsedValues) => values;

test('flags: integers reject wrong types, NaN, infinities and values past their range or 2^53 − 1', () => {
  for (const text of ['abc', '1.5', '1e3', '0x10', '', ' 5', 'NaN', 'Infinity', '-Infinity', '1e999']) {
    throwsInput(() => intFlag(v({ steps: text }), 'steps', 1), /^--steps: expects an integer, got "/);
  }
  throwsInput(() => intFlag(v({ steps: '0' }), 'steps', 1), /^--steps: must be in \[1, 9007199254740991\], got "0"$/);
  throwsInput(() => intFlag(v({ steps: '-1' }), 'steps', 1), /^--steps: must be in \[1, 9007199254740991\], got "-1"$/);
  throwsInput(() => intFlag(v({ steps: '9007199254740992' }), 'steps', 1), /got "9007199254740992"$/);
  throwsInput(() => intFlag(v({ steps: '9'.repeat(400) }), 'steps', 1), /got "9{60}…" \(400 characters\)$/);
  throwsInput(() => intFlag(v({ seed: '2147483648' }), 'seed', 0, 2 ** 31 - 1), /^--seed: must be in \[0, 2147483647\]/);
  throwsInput(() => intFlag(v({ n: true }), 'n', 1), /^--n: expects a value$/);
  assert.is(intFlag(v({ steps: String(Number.MAX_SAFE_INTEGER) }), 'steps', 1), Number.MAX_SAFE_INTEGER);
  throwsInput(() => choiceFlag(v({ reward: 'psnr' }), 'reward', ['is', 'fid']), /^--reward: must be one of is\|fid, got "psnr"$/);
  const msg = throwsInput(() => parseBackendName('b'.repeat(1 << 20)), /^--backend: must be one of .*, got "b{60}…" \(1048576 characters\)$/);
  assert.ok(msg.length < 250);
});

test('flags: every command rejects unknown flags, stray positionals, missing values and values on switches', () => {
  for (const cmd of commands) {
    throwsInput(() => parseCommandArgs(cmd, ['--bogus']), new RegExp(`^${cmd.name}: Unknown option '--bogus'`));
    if (!cmd.allowPositionals) throwsInput(() => parseCommandArgs(cmd, ['stray']), new RegExp(`^${cmd.name}: Unexpected argument 'stray'`));
    const stringFlagName = Object.entries(cmd.options).find(([, o]) => o.type === 'string' && !o.multiple)?.[0];
    if (stringFlagName) {
      throwsInput(() => parseCommandArgs(cmd, [`--${stringFlagName}`]), new RegExp(`^${cmd.name}: Option '--${stringFlagName} <value>' argument missing`));
      throwsInput(() => parseCommandArgs(cmd, [`--${stringFlagName}`, '-1']), new RegExp(`argument is ambiguous \\(a value that starts with "-" is written --${stringFlagName}=VALUE\\)$`));
    }
    throwsInput(() => parseCommandArgs(cmd, ['--help=yes']), new RegExp(`^${cmd.name}: Option '-h, --help' does not take an argument`));
  }
});

const run = (name: string, values: ParsedValues, positionals: string[] = []) => commands.find((c) => c.name === name)!.run(values, positionals);

test('flags: each command checks its own numbers and choices before any work', async () => {
  await rejects(run('train', { steps: 'Infinity', arch: ARCH, config: goodConfig }), /^--steps: expects an integer, got "Infinity"$/);
  await rejects(run('train', { steps: '0', arch: ARCH, config: goodConfig }), /^--steps: must be in \[1, /);
  await rejects(run('train', { seed: '-5', arch: ARCH, config: goodConfig }), /^--seed: must be in \[0, 2147483647\], got "-5"$/);
  await rejects(run('train', { resume: join(root, 'r'), steps: '5' }), /^--steps: cannot be combined with --resume/);
  await rejects(run('sample', { checkpoint: 'x.ckpt', out: 'y.png', n: 'NaN' }), /^--n: expects an integer, got "NaN"$/);
  await rejects(run('sample', { checkpoint: 'x.ckpt', out: 'y.png', n: '4097' }), /^--n: must be in \[1, 4096\]/);
  await rejects(run('eval', { checkpoint: 'x.ckpt', n: '0' }), /^--n: must be in \[1, /);
  await rejects(run('eval', { checkpoint: 'x.ckpt', batch: '1e3' }), /^--batch: expects an integer/);
  await rejects(run('eval', { checkpoint: 'x.ckpt', metrics: 'is,' }), /^--metrics: unknown metric ""/);
  await rejects(run('arch', { arch: ARCH, gf: '0' }), /^--gf: must be in \[1, 4096\]/);
  await rejects(run('arch', { arch: ARCH, channels: '5' }), /^--channels: must be in \[1, 4\]/);
  await rejects(run('search', { config: goodConfig, seed: '1.5' }), /^--seed: expects an integer, got "1\.5"$/);
  await rejects(run('search', { config: goodConfig, overlap: 'yes' }), /^--overlap: must be one of on\|off, got "yes"$/);
  await rejects(run('search', { config: goodConfig, gpus: '0,0' }), /^--gpus: lists a GPU twice: "0,0"$/);
  await rejects(run('search', { config: goodConfig, fault: ['crash:trainer@0'] }), /^--fault "crash:trainer@0": N counts from 1/);
  await rejects(run('search', { resume: join(root, 'r'), reward: 'is' }), /^--reward: cannot be combined with --resume/);
  await rejects(run('metrics', { splits: '0', probs: 'p.npy' }, ['is']), /^--splits: must be in \[1, /);
  await rejects(run('metrics', { epochs: '1001', out: 'w.bin' }, ['train-digits']), /^--epochs: must be in \[1, 1000\]/);
  await rejects(run('metrics', { dir: 'd', md5: 'NaN' }, ['fetch-inception']), /^--md5: must be 32 hex digits, got "NaN"$/);
  await rejects(run('metrics', {}, ['bogus']), /^metrics: unknown sub-command "bogus"/);
  await rejects(run('data', {}, ['check', 'extra']), /^data: unexpected argument "extra"/);
  await rejects(run('tail', {}, []), /^tail: expects one run directory, got 0$/);
});

test('flags: --gpus and --fault lists with duplicates, negatives, huge or too many entries', () => {
  for (const text of ['-1', '0,-1', '', '0,,1', 'NaN', '1e3', '0x1', '0;1']) throwsInput(() => parseGpuList(text), /^--gpus: expects GPU indices like 0,1, got "/);
  throwsInput(() => parseGpuList('2,0,2'), /^--gpus: lists a GPU twice: "2,0,2"$/);
  throwsInput(() => parseGpuList('64'), /^--gpus: GPU index 64 is out of range 0\.\.63$/);
  throwsInput(() => parseGpuList('99999999999999999999'), /^--gpus: GPU index 100000000000000000000 is out of range/);
  const many = Array.from({ length: 1000 }, (_, i) => i).join(',');
  const msg = throwsInput(() => parseGpuList(many), /^--gpus: GPU index 64 is out of range 0\.\.63$/);
  assert.ok(msg.length < 100);
  assert.is(parseGpuList(Array.from({ length: 64 }, (_, i) => i).join(',')).length, 64);
  throwsInput(() => parseFaultSpec('crash:trainer@99999999999999999999'), /^--fault "crash:trainer@99999999999999999999": N is beyond 9007199254740991/);
  throwsInput(() => parseFaultSpec('crash:trainer@NaN'), /not of the form KIND:ACTOR@N/);
  throwsInput(() => parseFaultSpec(`crash:trainer@${'1'.repeat(10_000)}`), /^--fault "crash:trainer@1{46}…" \(10014 characters\): N is beyond/);
});

// ---------------------------------------------------------------------------------------------------
// Architecture strings

test('arch strings: wrong types, out-of-range tokens, wrong lengths, NaN and infinities name the source', () => {
  for (const tok of ['a', '1.5', '0x1', 'NaN', 'Infinity', '1e0', '+1', '½']) {
    throwsInput(() => parseArch(`1 0 1 ${tok}`, '--arch'), new RegExp(`^--arch: "${tok.replace(/[.+]/g, '\\$&')}" is not an integer \\(in "1 0 1 `));
  }
  throwsInput(() => parseArch('7 0 1 1', '--arch'), /^--arch: cell 1 token "conv" is 7; allowed 0\.\.1$/);
  throwsInput(() => parseArch('1 0 1 1  1 0 0 1 -1', '--arch'), /^--arch: cell 2 token "skip" is -1; allowed 0\.\.1$/);
  throwsInput(() => parseArch('1 0 1 1  1 0 0 1 1  1 0 1 0 99999999999999999999', '--arch'), /cell 3 token "skip" is 100000000000000000000; allowed 0\.\.3$/);
  throwsInput(() => parseArch(ARCH.replace(/ 3$/, ''), '--arch'), /^--arch: 13 tokens; expected 4, 9 or 14$/);
  throwsInput(() => parseArch(`${ARCH} 0`, '--arch'), /^--arch: 15 tokens; expected 4, 9 or 14$/);
  throwsInput(() => parseArch('  ', '--arch'), /^--arch: 0 tokens; expected 4, 9 or 14$/);
  const msg = throwsInput(() => parseArch('1 '.repeat(500_000) + 'x', '--arch'), /^--arch: "x" is not an integer \(in "1 1 1.*…" \(1000001 characters\)\)$/);
  assert.ok(msg.length < 200);
  throwsInput(() => parseArch('0 '.repeat(500_000), '--arch'), /^--arch: 500000 tokens; expected 4, 9 or 14$/);
  throwsInput(() => validateArch([1, 0, Number.NaN, 1], 'f.json: arch'), /^f\.json: arch: cell 1 token "up" is NaN; allowed 0\.\.2$/);
  throwsInput(() => validateArch([1, 0, 1, Number.NEGATIVE_INFINITY]), /^architecture: cell 1 token "shortcut" is -Infinity/);
  throwsInput(() => validateArch([1, 0, 1, null]), /token "shortcut" is null/);
  throwsInput(() => validateArch([1, 0, 1, { x: 1 }]), /token "shortcut" is \{"x":1\}/);
});

// ---------------------------------------------------------------------------------------------------
// End to end: exit 2, `error: ...` naming the input, and saved runs untouched

test('CLI: bad input exits 2 with one line naming it, and no run directory is changed or left half-made', async () => {
  const existing = searchRunDir('cli-existing');
  const resumable = searchRunDir('cli-resume');
  const truncated = searchRunDir('cli-truncated', JSON.stringify(full).slice(0, 200));
  const trainBad = trainRunDir('cli-train-bad', JSON.stringify({ config: { ...full, model: { ...full.model, depth: 3 } }, arch: parseArch(ARCH) }));
  const untouched = [existing, resumable, truncated, trainBad];
  const before = untouched.map(snapshot);
  const infConfig = file('{"data": {"dataset": "mnist"}, "search": {"controller": {"lr": 1e999}}}', 'inf.json');
  const newOut = join(root, 'cli-new');
  const cases: [string[], RegExp][] = [
    [['search', '--config', infConfig, '--out', existing], /^error: .*inf\.json: search\.controller\.lr: expected a finite number, got Infinity$/],
    [['search', '--config', goodConfig, '--seed', '9', '--out', existing], /^error: .*cli-existing: already holds a run \(use --resume/],
    [['search', '--resume', resumable, '--gpus', '0,0'], /^error: --gpus: lists a GPU twice: "0,0"$/],
    [['search', '--resume', truncated], /^error: .*cli-truncated\/config\.json: not valid JSON/],
    [['search', '--config', goodConfig, '--out', newOut, '--backend', 'nope'], /^error: --backend: must be one of .*got "nope"$/],
    [['train', '--resume', trainBad], /^error: .*cli-train-bad\/config\.json \(config\): model\.depth: unknown key/],
    [['train', '--arch', ARCH.replace(/ 3$/, ''), '--config', goodConfig], /^error: --arch: 13 tokens; expected 4, 9 or 14$/],
    [['search', '--steps', '5'], /^error: search: Unknown option '--steps'/],
  ];
  const results = await Promise.all(cases.map(([args]) => cli(...args)));
  for (const [i, [args, pattern]] of cases.entries()) {
    const r = results[i]!;
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    assert.is(errors.length, 1, r.stderr);
    assert.match(errors[0]!, pattern);
  }
  untouched.forEach((dir, i) => assert.equal(snapshot(dir), before[i], dir));
  assert.not.ok(existsSync(newOut), 'a rejected --backend leaves no new run directory');
});

test.run();
