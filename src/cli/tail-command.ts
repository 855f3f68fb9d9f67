import { filter, type Subscription } from 'rxjs';
import { InputError } from '../errors.js';
import { tailEvents } from '../jobs/tail-events.js';
import type { LogEvent } from '../protocol/events.js';
import { stringFlag, type Command } from './command.js';

const help = `Usage: autogan tail RUN_DIR [--follow] [--type T] [--actor A] [--json]

Prints a run's event log (RUN_DIR/events.jsonl), one event per line:
  #SEQ  HH:MM:SS.mmm  SOURCE  TYPE  payload
A torn last line (the run was killed mid-write) is skipped.

Options:
  --follow, -f   keep printing events as the run writes them; Ctrl-C ends
  --type T       only events of type T; T ending in * matches a prefix (e.g. "actor.*")
  --actor A      only events from source A (an actor id, "supervisor" or "conductor");
                 a kind matches all its actors ("evaluator" matches evaluator-0, evaluator-1)
  --json         print the raw JSON lines`;

function matches(e: LogEvent, type: string | undefined, actor: string | undefined): boolean {
  if (type !== undefined && (type.endsWith('*') ? !e.type.startsWith(type.slice(0, -1)) : e.type !== type)) return false;
  if (actor !== undefined && e.source !== actor && !e.source.startsWith(`${actor}-`)) return false;
  return true;
}

/** One event for people: seq, local time, source, type, then the payload as compact JSON. */
export function formatEvent(e: LogEvent): string {
  const d = new Date(e.time);
  const time = Number.isNaN(d.getTime()) ? e.time : d.toTimeString().slice(0, 8) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  const payload = e.payload === null || e.payload === undefined ? '' : JSON.stringify(e.payload);
  return `#${String(e.seq).padStart(5)}  ${time}  ${e.source.padEnd(12)}  ${e.type.padEnd(18)}  ${payload}`;
}

export const tailCommand: Command = {
  name: 'tail',
  summary: "print or follow a run's event log, with filters",
  help,
  options: { follow: { type: 'boolean', short: 'f' }, type: { type: 'string' }, actor: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run(values, positionals) {
    if (positionals.length !== 1) throw new InputError(`tail: expects one run directory, got ${positionals.length}`);
    const type = stringFlag(values, 'type');
    const actor = stringFlag(values, 'actor');
    const json = values.json === true;
    await new Promise<void>((resolve, reject) => {
      let sub: Subscription | null = null;
      const stop = () => {
        sub?.unsubscribe();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      sub = tailEvents(positionals[0]!, { follow: values.follow === true, onBadLine: (l) => process.stderr.write(`tail: skipped a line that is not an event: ${l.slice(0, 80)}\n`) })
        .pipe(filter((e) => matches(e, type, actor)))
        .subscribe({
          next: (e) => process.stdout.write(`${json ? JSON.stringify(e) : formatEvent(e)}\n`),
          error: (e: unknown) => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            reject(e);
          },
          complete: stop,
        });
    });
  },
};
