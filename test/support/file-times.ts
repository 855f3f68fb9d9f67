/**
 * Per-file time for test/run.ts: wall seconds and CPU seconds (user + system) that each test file cost, so that
 * the heavy files can be found on a shared machine, where wall time says more about the neighbours than the file.
 *
 * CPU time is this process's (every worker thread included) plus that of the child processes it has reaped
 * (redis-server, chromium, python, spawned CLIs), read from /proc/self/stat where there is one (Linux); elsewhere
 * only this process's is counted.
 */
import { readFileSync } from 'node:fs';

export interface Spent {
  wall: number;
  cpu: number;
}

/** /proc counts CPU time in USER_HZ ticks, 100 a second on every Linux this runs on (x86, arm). */
const TICKS_PER_SECOND = 100;

/** CPU seconds of the reaped children (cutime + cstime), or 0 where /proc is not there. */
function childrenCpu(): number {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return 0;
  }
  // Fields after the command name, which is in parentheses and may hold spaces; cutime and cstime are fields 16
  // and 17 of the line, 14th and 15th after ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

function now(): Spent {
  const { user, system } = process.cpuUsage();
  return { wall: performance.now() / 1000, cpu: (user + system) / 1e6 + childrenCpu() };
}

/** Starts a clock; calling what it returns gives the time spent since. */
export function clock(): () => Spent {
  const start = now();
  return () => {
    const end = now();
    return { wall: end.wall - start.wall, cpu: end.cpu - start.cpu };
  };
}

/** Time spent per file, added to over the file's loading and each of its suites. */
export class FileTimes {
  readonly #spent = new Map<string, Spent>();

  add(file: string, spent: Spent): void {
    const sum = this.#spent.get(file) ?? { wall: 0, cpu: 0 };
    this.#spent.set(file, { wall: sum.wall + spent.wall, cpu: sum.cpu + spent.cpu });
  }

  /** The `count` files with the most CPU time, as lines of a table. */
  heaviest(count: number): string[] {
    const rows = [...this.#spent].sort(([, a], [, b]) => b.cpu - a.cpu).slice(0, count);
    const width = Math.max(...rows.map(([file]) => file.length));
    return [
      `  Heaviest files (CPU s = user + system, children included; wall s):`,
      ...rows.map(([file, { cpu, wall }]) => `    ${file.padEnd(width)}  ${cpu.toFixed(1).padStart(6)}  ${wall.toFixed(1).padStart(6)}`),
    ];
  }
}
