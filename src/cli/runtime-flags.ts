import { BACKEND_NAMES, parseBackendName, startBackend, type BackendInfo, type BackendName } from '../backend/select.js';
import { SEED_MAX } from '../jobs/job-options.js';
import { intFlag, stringFlag, type OptionSpec, type ParsedValues } from './command.js';

/** Flags every compute command takes. */
export const BACKEND_OPTION: OptionSpec = { backend: { type: 'string' } };
export const BACKEND_HELP = `  --backend B      ${BACKEND_NAMES.join('|')} (default auto: tfjs-node(-gpu) if installed, else the fastest CPU backend)`;

/** The backend --backend names (default auto). */
export function backendFlag(values: ParsedValues): BackendName {
  return parseBackendName(stringFlag(values, 'backend') ?? 'auto');
}

/** Starts the backend named by --backend (default auto) and logs the choice on stderr. */
export async function startBackendFromFlags(values: ParsedValues): Promise<BackendInfo> {
  return startBackend(backendFlag(values), { log: stderrLine });
}

/** A line for people on stderr: jobs' logs, progress notes. */
export const stderrLine = (line: string): void => void process.stderr.write(`${line}\n`);

/** --seed N, when given. */
export function seedFlag(values: ParsedValues): number | undefined {
  return intFlag(values, 'seed', 0, SEED_MAX);
}

/**
 * An AbortSignal raised by the first SIGINT/SIGTERM, so a long job can stop after its current step and
 * save; a second signal exits at once.
 */
export function interruptSignal(log: (line: string) => void): { signal: AbortSignal; release: () => void } {
  const ctrl = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (ctrl.signal.aborted) process.exit(130);
    log(`${sig}: finishing the current step and writing a checkpoint (send again to quit at once)`);
    ctrl.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ctrl.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
