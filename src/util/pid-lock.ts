/**
 * A lock file holding its owner's process id, for work that two processes may start on the same files (a run
 * refreshing its report while `autogan report` runs on it). A lock whose process is gone (killed) is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function create(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Takes the lock at `path`; returns its release, or null while a live process (this one included) holds it. */
export function tryLock(path: string): (() => void) | null {
  if (!create(path)) {
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(path, 'utf8'));
    } catch {
      // released between our attempt and this read: try once more below
    }
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) return null;
    try {
      unlinkSync(path);
    } catch {
      // another process took it over first
    }
    if (!create(path)) return null;
  }
  return () => {
    try {
      unlinkSync(path);
    } catch {
      // already gone: nothing to release
    }
  };
}
