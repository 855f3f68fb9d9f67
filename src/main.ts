#!/usr/bin/env node
import { commands } from './cli/registry.js';
import { parseCommandArgs } from './cli/command.js';
import { isInputError, quote } from './errors.js';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['Usage: autogan <command> [options]', '', 'Commands:', ...lines, '', 'Run `autogan <command> --help` for a command\'s options.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
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
      console.error(`error: ${e.message}`);
      return e.exitCode;
    }
    // A runtime failure: the message names what failed; the stack is for bug reports (AUTOGAN_DEBUG=1).
    console.error(`fatal: ${process.env.AUTOGAN_DEBUG ? ((e as Error)?.stack ?? String(e)) : ((e as Error)?.message ?? String(e))}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
