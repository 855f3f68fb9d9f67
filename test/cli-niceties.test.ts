/**
 * The CLI's manners: `--version`, the usage text on stderr when the exit code is 2 (on stdout for --help),
 * `tail DIR | head` ending quietly when head goes, and no tfjs advice to install tfjs-node on stderr from
 * a command that computes on the cpu backend (`arch` builds its networks there).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/main.js', ...args], { encoding: 'utf8' });
/** `autogan ARGS | head -n 1` in bash: autogan's exit status, and what each side wrote. */
const piped = (...args: string[]) => {
  const r = spawnSync('bash', ['-c', `"$0" dist/main.js "$@" | head -n 1; echo "status \${PIPESTATUS[0]}" >&2`, process.execPath, ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr.replace(/status \d+\n$/, ''), status: Number(/status (\d+)\n$/.exec(r.stderr)?.[1]) };
};

test('--version prints the package\'s version', () => {
  const r = cli('--version');
  assert.is(r.status, 0);
  assert.is(r.stdout, `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
});

test('the usage text goes to stderr with exit 2 (no command), to stdout with --help', () => {
  const none = cli();
  assert.is(none.status, 2);
  assert.is(none.stdout, '');
  assert.match(none.stderr, /^Usage: autogan <command>/);
  const help = cli('--help');
  assert.is(help.status, 0);
  assert.is(help.stderr, '');
  assert.match(help.stdout, /^Usage: autogan <command>/);
});

test('tail DIR | head ends quietly, followed or not, once head has what it wants', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agts-epipe-'));
  // Far more than a pipe holds, so that tail is still writing when head goes.
  const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ seq: i + 1, time: '2025-01-01T00:00:00.000Z', source: 'conductor', type: 'search.trained', payload: { iteration: i } }));
  writeFileSync(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
  for (const args of [['tail', dir], ['tail', dir, '--follow'], ['tail', dir, '--json']]) {
    const r = piped(...args);
    assert.is(r.status, 0, args.join(' '));
    assert.is(r.stderr, '', args.join(' '));
    assert.match(r.stdout, /^[#{]/);
  }
});

test('a command on the cpu backend prints no advice to install tfjs-node', () => {
  const r = cli('arch', '--arch', '1 0 1 1  1 0 0 1 1  1 0 1 0 3');
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
  assert.match(r.stdout, /generator parameters/);
});

test.run();
