import { InputError } from '../errors.js';
import { parseRedisUrl } from '../queue/connection.js';
import { QueueClient } from '../queue/queue-client.js';
import { formatQueueStatus, queueStatus } from '../queue/queue-status.js';
import { requiredString, type Command } from './command.js';
import { stderrLine } from './runtime-flags.js';

const help = `Usage: autogan queue status --redis URL [--json]

Shows the worker pool's queue: jobs waiting, active (with their last checkpoint), delayed, completed and
failed (with their errors), and the workers connected now.

Options:
  --redis URL   redis://[user:password@]host[:port][/db], or rediss://… for TLS
  --json        the status as JSON`;

export const queueCommand: Command = {
  name: 'queue',
  summary: "the worker pool's queue: jobs by state, failed jobs' errors, live workers",
  help,
  options: { redis: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run(values, positionals) {
    if (positionals.length !== 1 || positionals[0] !== 'status') throw new InputError(`queue: expected the sub-command "status", got ${positionals.length === 0 ? 'none' : JSON.stringify(positionals.join(' '))}`);
    const target = parseRedisUrl(requiredString(values, 'redis'));
    const client = await QueueClient.open(target, stderrLine);
    try {
      const status = await queueStatus(client.queue, target.redact);
      console.log(values.json === true ? JSON.stringify(status, null, 2) : formatQueueStatus(status, target.shown));
    } finally {
      await client.close();
    }
  },
};
