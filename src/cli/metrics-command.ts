import { InputError, flagError, quote } from '../errors.js';
import type { Command, OptionSpec, ParsedValues } from './command.js';
import { fetchInceptionSubcommand } from './metrics-fetch-inception.js';
import { fidSubcommand } from './metrics-fid.js';
import { isSubcommand } from './metrics-is.js';
import { statsSubcommand } from './metrics-stats.js';
import { trainDigitsSubcommand } from './metrics-train-digits.js';

/** One `autogan metrics <name>` sub-command: its own flags, help and run. */
export interface MetricsSubcommand {
  readonly name: string;
  readonly summary: string;
  /** Usage and flag lines, shown under the sub-command in `metrics --help`. */
  readonly help: string;
  readonly options: OptionSpec;
  run(values: ParsedValues): Promise<void>;
}

/** Adding a sub-command is one entry here. */
const subcommands: readonly MetricsSubcommand[] = [isSubcommand, fidSubcommand, statsSubcommand, fetchInceptionSubcommand, trainDigitsSubcommand];

/**
 * main parses a command's flags before running it, so `metrics` accepts the union of its sub-commands'
 * flags and then rejects any that the chosen sub-command does not take. Sub-commands sharing a flag
 * name must give it the same type.
 */
function unionOfOptions(subs: readonly MetricsSubcommand[]): OptionSpec {
  const all: OptionSpec = {};
  for (const sub of subs) {
    for (const [flag, spec] of Object.entries(sub.options)) {
      const seen = all[flag];
      if (seen && (seen.type !== spec.type || seen.short !== spec.short)) {
        throw new Error(`metrics ${sub.name}: flag --${flag} is declared differently by another sub-command`);
      }
      all[flag] = spec;
    }
  }
  return all;
}

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'compute Inception Score and FID from files (' + subcommands.map((s) => s.name).join(', ') + ')',
  help: [
    `Usage: autogan metrics <${subcommands.map((s) => s.name).join('|')}> [options]`,
    '',
    ...subcommands.flatMap((s) => [`metrics ${s.name}: ${s.summary}`, s.help, '']),
    'Bad files (wrong dtype or shape, NaN, too few samples) exit with code 2 and name the file.',
  ].join('\n'),
  options: unionOfOptions(subcommands),
  allowPositionals: true,
  async run(values, positionals) {
    const [name, ...extra] = positionals;
    const names = subcommands.map((s) => s.name).join(', ');
    if (name === undefined) throw new InputError(`metrics: which metric? one of ${names}`);
    const sub = subcommands.find((s) => s.name === name);
    if (!sub) throw new InputError(`metrics: unknown sub-command ${quote(name)} (one of ${names})`);
    if (extra.length > 0) throw new InputError(`metrics ${name}: unexpected argument ${quote(extra[0]!)}`);
    for (const flag of Object.keys(values)) {
      if (flag !== 'help' && values[flag] !== undefined && !(flag in sub.options)) {
        throw flagError(flag, `is not an option of "metrics ${name}"`);
      }
    }
    await sub.run(values);
  },
};
