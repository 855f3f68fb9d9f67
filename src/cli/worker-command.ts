import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startBackend } from '../backend/select.js';
import { search } from '../jobs/search.js';
import { parseRedisUrl } from '../queue/connection.js';
import { runWorker } from '../queue/worker.js';
import { parseGpuList } from '../supervisor/placement.js';
import { intFlag, requiredString, stringFlag, type Command } from './command.js';
import { BACKEND_HELP, BACKEND_OPTION, backendFlag, interruptSignal, stderrLine } from './runtime-flags.js';

const help = `Usage: autogan worker --redis URL [--gpus LIST] [--backend B] [--concurrency N] [--dir DIR] [--stall-seconds S]

A worker of the pool: takes jobs (derivations of \`search --redis\`, runs of \`study --redis\`) from the queue
at URL and runs them with the
actors, placement and supervision of a local run, until SIGINT or SIGTERM (then each job in hand stops after its
current step, sends its checkpoint and goes back to the queue; exit code 130). With Redis unreachable at that
moment, a worker with no job in hand exits at once; one with a job waits for Redis at most --stall-seconds, then
exits and leaves the job to lapse to another worker, which resumes it from the last checkpoint that reached Redis.
Start any number, on any machines that reach Redis; they need the data set the jobs train on, and no shared
filesystem: a job's checkpoints and results travel through Redis.

Options:
  --redis URL          redis://[user:password@]host[:port][/db], or rediss://… for TLS
  --gpus LIST          e.g. 0,1: each job in hand gets one of these GPUs for its actors (processes, as
                       search --gpus), the least busy one
  --concurrency N      jobs at once (default 1)
  --dir DIR            the worker's own folder: jobs in progress, cached data-set statistics
                       (default $TMPDIR/autogan-worker)
  --stall-seconds S    a job whose worker is silent this long goes to another worker (default 30)
${BACKEND_HELP}`;

export const workerCommand: Command = {
  name: 'worker',
  summary: 'take jobs from a Redis queue (search --redis, study --redis) and run them',
  help,
  options: { redis: { type: 'string' }, gpus: { type: 'string' }, concurrency: { type: 'string' }, dir: { type: 'string' }, 'stall-seconds': { type: 'string' }, ...BACKEND_OPTION },
  async run(values) {
    const target = parseRedisUrl(requiredString(values, 'redis'));
    const gpusText = stringFlag(values, 'gpus');
    const gpus = gpusText === undefined ? null : parseGpuList(gpusText);
    const concurrency = intFlag(values, 'concurrency', 1, 64) ?? 1;
    const stallSeconds = intFlag(values, 'stall-seconds', 2, 3600) ?? 30;
    const workDir = stringFlag(values, 'dir') ?? join(tmpdir(), 'autogan-worker');
    const backend = await startBackend(backendFlag(values), { wantGpu: gpus !== null, log: stderrLine });
    const { signal, release } = interruptSignal(stderrLine);
    try {
      await runWorker({ target, backend, gpus, concurrency, workDir, stallSeconds, log: stderrLine, signal, search });
    } finally {
      release();
    }
    // Stopped, its jobs ended and its connections closed. Without Redis the queue library still holds timers for
    // waits it abandoned (a blocking read's watchdog, a dead socket's close): seconds that keep nothing alive.
    process.exit(130);
  },
};
