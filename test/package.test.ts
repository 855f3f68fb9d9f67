/**
 * The package as a user gets it: `npm pack`ed, unpacked into a folder of its own with only its declared
 * dependencies beside it, and used as the README's library example uses it (import 'autogan-ts', run a search,
 * watch its events, await its report), run with node and type-checked with tsc against the shipped declarations.
 *
 * Installing the tarball with `npm install --offline` cannot work on a machine filled by `npm ci`: npm resolves an
 * install without a lockfile from each dependency's full packument, and `npm ci` caches only tarballs and
 * abbreviated ones (ENOTCACHED). So the test links each declared dependency from this checkout's node_modules
 * instead: a module the package imports without declaring it is then missing, as it would be for a user, while
 * the dependencies' own dependencies resolve from where they really are.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeTinySearchConfig } from './support/kill.js';

const repo = process.cwd();
const root = mkdtempSync(join(tmpdir(), 'agts-package-'));
const app = join(root, 'app');
const installed = join(app, 'node_modules', 'autogan-ts');

function run(cmd: string, args: string[], cwd: string): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
  assert.is(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Every module reachable from `entries` by static imports, as paths relative to `base`, and the packages they name. */
function importGraph(base: string, entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(join(base, file), 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*'([^']+)'|import\('([^']+)'\)/g)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) visit(join(dirname(file), spec));
      else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  };
  entries.forEach(visit);
  return { files, packages };
}

/** The README's library example, as it stands. */
function readmeExample(): string {
  const m = /## Library[\s\S]*?```js\n([\s\S]*?)```/.exec(readFileSync(join(repo, 'README.md'), 'utf8'));
  assert.ok(m, 'README has a ## Library section with a js example');
  return m![1]!;
}

test('the packed tarball holds every module dist/main.js and the library import, and declares every package they import', () => {
  const [packed] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], repo).stdout) as { filename: string; files: { path: string }[] }[];
  const inTarball = new Set(packed!.files.map((f) => f.path));
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const graph = importGraph(repo, ['dist/main.js', 'dist/index.js', 'dist/actors/actor-host.js']);
  for (const f of graph.files) assert.ok(inTarball.has(f), `${f} is imported but not packed`);
  for (const p of graph.packages) assert.ok(p in (pkg.dependencies ?? {}) || p in (pkg.peerDependencies ?? {}), `${p} is imported but not a dependency`);
  for (const f of ['dist/index.d.ts', 'dist/page/export-page.js', 'weights/digits-classifier.bin', 'configs/smoke.json', 'native/binding.gyp', 'native/blas.c', 'scripts/build-native.sh']) assert.ok(inTarball.has(f), `${f} is not packed`);
  mkdirSync(installed, { recursive: true });
  run('tar', ['-xzf', join(root, packed!.filename), '--strip-components=1', '-C', installed], root);
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    mkdirSync(dirname(join(app, 'node_modules', dep)), { recursive: true });
    symlinkSync(resolve(repo, 'node_modules', dep), join(app, 'node_modules', dep));
  }
});

test('the native addon builds from the packed sources where this checkout\'s builds', () => {
  run('npm', ['run', 'build:native'], installed);
  const addon = 'native/build/Release/blas.node';
  assert.is(existsSync(join(installed, addon)), existsSync(join(repo, addon)));
});

test('the README\'s example runs from the installed package: its Observable sees the events, its promise the report', () => {
  const config = writeTinySearchConfig(join(root, 'tiny.json'), 4);
  const example = readmeExample();
  assert.match(example, 'node_modules/autogan-ts/configs/smoke.json');
  // The smallest search there is, for time: the example's code as it stands otherwise.
  writeFileSync(join(app, 'example.mjs'), example.replace('node_modules/autogan-ts/configs/smoke.json', config));
  const { stdout } = run(process.execPath, ['example.mjs'], app);
  assert.equal(stdout.split('\n').filter((l) => /^iteration \d+: best reward \d/.test(l)).length, 3, stdout);
  assert.match(stdout, /^best: \d( \d)+ {2}\d( \d)+ {2}\d( \d)+ \(IS \d/m);
  assert.ok(existsSync(join(app, 'runs', 'smoke', 'report.json')));
});

test('the example type-checks against the shipped declarations, which type options and narrow event payloads', () => {
  mkdirSync(join(app, 'node_modules', '@types'), { recursive: true });
  symlinkSync(resolve(repo, 'node_modules', '@types', 'node'), join(app, 'node_modules', '@types', 'node'));
  const misuse = [
    "import { search as s } from 'autogan-ts';",
    '// @ts-expect-error: a seed is a number',
    "s({ config: 'c.json', seed: 'one' });",
    "s({ config: 'c.json' }).events.subscribe((e) => {",
    '  // @ts-expect-error: an event\'s payload has its fields once its type is narrowed',
    '  void e.payload.rewards;',
    '});',
  ].join('\n');
  writeFileSync(join(app, 'example.mts'), `${readmeExample()}\n${misuse}\n`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
    files: ['example.mts'],
  }));
  run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], app);
});

test.run();
