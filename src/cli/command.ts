import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError, flagError, quote } from '../errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** One CLI command: its help text, its flags and what it runs. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full help text printed by `--help`. */
  readonly help: string;
  readonly options: OptionSpec;
  /** Positional arguments allowed (sub-commands parse their own). */
  readonly allowPositionals?: boolean;
  /** Resolves to the exit code when it is not 0 (e.g. 130 after an interrupt). */
  run(values: ParsedValues, positionals: string[]): Promise<number | void>;
}

export type ParsedValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Parses argv for a command; unknown flags and missing values become exit-2 errors naming the flag. */
export function parseCommandArgs(cmd: Command, argv: string[]): { values: ParsedValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: cmd.allowPositionals ?? false,
      strict: true,
    });
    return { values: values as ParsedValues, positionals };
  } catch (e) {
    const first = (e as Error).message.split('\n')[0]!;
    // node says "argument is ambiguous" for `--steps -1`: the value looks like a flag.
    const flag = /^Option '(--[^' ]+)' argument is ambiguous/.exec(first)?.[1];
    const problem = flag ? `${first.replace(/\.$/, '')} (a value that starts with "-" is written ${flag}=VALUE)` : first;
    throw new InputError(`${cmd.name}: ${problem}`);
  }
}

export function stringFlag(values: ParsedValues, flag: string): string | undefined {
  const v = values[flag];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw flagError(flag, 'expects a value');
  return v;
}

export function requiredString(values: ParsedValues, flag: string): string {
  const v = stringFlag(values, flag);
  if (v === undefined || v === '') throw flagError(flag, 'is required');
  return v;
}

/**
 * A required path the command will write a file to, checked before any work: a command that computes
 * for an hour must not find only at the end that it cannot write its result.
 */
export function outputFileFlag(values: ParsedValues, flag: string): string {
  const path = requiredString(values, flag);
  const kind = (p: string): 'dir' | 'file' | null => {
    try {
      return statSync(p).isDirectory() ? 'dir' : 'file';
    } catch {
      return null;
    }
  };
  if (kind(path) === 'dir') throw flagError(flag, `${path} is a directory; expected the name of a file to write`);
  if (kind(dirname(path)) !== 'dir') throw flagError(flag, `${path}: the folder ${dirname(path)} does not exist`);
  return path;
}

export function intFlag(values: ParsedValues, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = stringFlag(values, flag);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw flagError(flag, `expects an integer, got ${quote(v)}`);
  const n = Number(v);
  if (n < min || n > max) throw flagError(flag, `must be in [${min}, ${max}], got ${quote(v)}`);
  return n;
}

export function choiceFlag<T extends string>(values: ParsedValues, flag: string, choices: readonly T[]): T | undefined {
  const v = stringFlag(values, flag);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) throw flagError(flag, `must be one of ${choices.join('|')}, got ${quote(v)}`);
  return v as T;
}
