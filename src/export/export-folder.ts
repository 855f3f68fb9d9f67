/**
 * An export's folder, written whole or not at all: every file goes into a temporary folder beside it, which is
 * renamed to its name at the end. A failure removes the temporary folder; an existing non-empty folder is never
 * touched.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { flagError } from '../errors.js';
import { writeError } from '../util/write-error.js';

/** Refuses an --out that is a file or a folder with something in it, before any work. */
export function checkExportTarget(out: string): void {
  const st = statSync(out, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isDirectory()) throw flagError('out', `${out} is a file; name a folder for the export`);
  if (readdirSync(out).length > 0) throw flagError('out', `${out} exists and is not empty; the export writes a new folder (name another, or remove it first)`);
}

/** Writes `files` (name → bytes) as the folder `out`, through a temporary folder renamed at the end. */
export async function writeExportFolder(out: string, files: ReadonlyMap<string, Uint8Array>, verify: (dir: string) => Promise<void>): Promise<void> {
  checkExportTarget(out);
  const parent = dirname(out);
  const tmp = join(parent, `.${basename(out)}.partial-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(tmp, { recursive: true });
    for (const [name, bytes] of files) {
      try {
        writeFileSync(join(tmp, name), bytes);
      } catch (e) {
        throw writeError(join(out, name), e);
      }
    }
    await verify(tmp);
    // An empty folder of that name (made for the export, say) is replaced; a non-empty one is refused above.
    checkExportTarget(out);
    if (statSync(out, { throwIfNoEntry: false })) rmdirSync(out);
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
