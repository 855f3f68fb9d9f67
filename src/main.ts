#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { commands } from './cli/registry.js';
import { parseCommandArgs } from './cli/command.js';
import { isInputError, quote } from './errors.js';
import { redactCredentials } from './util/redact.js';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['Usage: autogan <command> [options]', '       autogan --version', '', 'Commands:', ...lines, '', 'Run `autogan <command> --help` for a command\'s options.'].join('\n');
}

/** The package's version: this file runs as dist/main.js, beside the package's package.json one folder up. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  if (name === '--version') {
    console.log(version());
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    console.error(`error: unknown command ${quote(name)} (run --help for the list)`);
    return 2;
  }
  try {
    const { values, positionals } = parseCommandArgs(cmd, rest);
    if (values.help === true) {
      console.log(cmd.help);
      return 0;
    }
    return (await cmd.run(values, positionals)) ?? 0;
  } catch (e) {
    if (isInputError(e)) {
      console.error(`error: ${redactCredentials(e.message)}`);
      return e.exitCode;
    }
    // A runtime failure: the message names what failed; the stack is for bug reports (AUTOGAN_DEBUG=1).
    // A queue's URL may carry a password: no message shows it.
    console.error(`fatal: ${redactCredentials(process.env.AUTOGAN_DEBUG ? ((e as Error)?.stack ?? String(e)) : ((e as Error)?.message ?? String(e)))}`);
    return 1;
  }
}

// A reader that stops early (`autogan tail DIR | head`) closes the pipe: the output is no longer wanted, so end
// quietly, as a command killed by SIGPIPE does, instead of dying on the write error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(0);
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
