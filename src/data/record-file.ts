import { stat } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileError } from '../errors.js';

/** A data file of fixed-size records, validated but not yet read. */
export interface RecordFile {
  readonly path: string;
  readonly records: number;
}

/**
 * Checks that `path` exists and holds a whole, non-zero number of `recordBytes`-byte records.
 * Fewer records than an official file is allowed (small test-made files); `data check` warns about it.
 * More is not: no official file is larger, so the extra records are bytes appended to one.
 * The errors name the file and what was expected, e.g.
 * "…/data_batch_3.bin: size 30000 bytes is not a whole number of 3073-byte records (label byte + 32x32x3 image);
 * the official file is 30730000 bytes (10000 records)".
 */
export async function openRecordFile(path: string, recordBytes: number, recordDesc: string, officialRecords: number): Promise<RecordFile> {
  const official = `the official file is ${officialRecords * recordBytes} bytes (${officialRecords} records)`;
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw fileError(path, `is not a regular file; expected ${recordBytes}-byte records (${recordDesc}); ${official}`);
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw fileError(path, `missing; expected ${recordBytes}-byte records (${recordDesc}); ${official}`);
    throw e;
  }
  if (size === 0 || size % recordBytes !== 0) {
    throw fileError(path, `size ${size} bytes is not a whole, non-zero number of ${recordBytes}-byte records (${recordDesc}); ${official}`);
  }
  if (size / recordBytes > officialRecords) {
    throw fileError(path, `size ${size} bytes holds ${size / recordBytes} records, more than any official file; ${official}`);
  }
  return { path, records: size / recordBytes };
}

/** `root/sub` when that directory exists (the archive's own folder), else `root` itself, which must exist. */
export function resolveDataDir(root: string, sub: string): string {
  let rootIsDir: boolean | null = null; // null: nothing there
  try {
    rootIsDir = statSync(root).isDirectory();
  } catch {
    // reported below
  }
  if (rootIsDir !== true) {
    throw fileError(root, `${rootIsDir === null ? 'no such directory' : 'is a file, not a directory'}; expected the data files in it or in ${join(root, sub)}`);
  }
  try {
    if (statSync(join(root, sub)).isDirectory()) return join(root, sub);
  } catch {
    // no such sub-folder: the files are expected directly under root
  }
  return root;
}
