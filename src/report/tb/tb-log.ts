/**
 * A run's TensorBoard folder, `tb/`: one event file that grows as the run goes, so that `tensorboard --logdir`
 * follows it live (TensorBoard keeps reading an open file from where it stopped, so the file is appended to,
 * never replaced). `tb/cursor.json` says how far the file is whole and which items it holds; each update cuts
 * the file back to that length (dropping records of an update that was killed half way) and appends the items
 * past the cursor. Items carry a key that grows over the run (an event's seq, a training step), so an update
 * writes each item once, whoever runs it: the run at its checkpoints, or `autogan report` afterwards.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { finite, natural, nullable, obj, str, type Infer } from '../../util/schema.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { tryLock } from '../../util/pid-lock.js';
import { writeError } from '../../util/write-error.js';
import { FILE_VERSION, encodeEvent, frameRecord, type TbEvent } from './event-records.js';

export interface TbItem {
  /** Grows over the run; items with equal keys are written together. */
  readonly key: number;
  readonly event: TbEvent;
}

const cursorSchema = obj({
  file: str,
  bytes: natural,
  /** The last item written; null before the first. */
  key: nullable(finite),
});
type Cursor = Infer<typeof cursorSchema>;

function readCursor(path: string): Cursor | null {
  try {
    const c = cursorSchema.parse(JSON.parse(readFileSync(path, 'utf8')), 'cursor');
    if (/^events\.out\.tfevents\.[^/\\]+$/.test(c.file)) return c;
  } catch {
    // absent or damaged: start a new file
  }
  return null;
}

export type TbUpdate = { readonly written: number; readonly file: string } | { readonly busy: true };

/** Appends the items past the cursor to `tbDir`'s event file (made on first use). */
export function updateTbLog(tbDir: string, items: readonly TbItem[], now = Date.now()): TbUpdate {
  mkdirSync(tbDir, { recursive: true });
  const release = tryLock(join(tbDir, '.lock'));
  if (!release) return { busy: true };
  try {
    const cursorPath = join(tbDir, 'cursor.json');
    const old = readCursor(cursorPath);
    const cursor: Cursor = old && existsSync(join(tbDir, old.file))
      ? old
      : { file: `events.out.tfevents.${Math.floor(now / 1000)}.${hostname()}`, bytes: 0, key: null };
    const fresh = [...items].filter((i) => cursor.key === null || i.key > cursor.key).sort((a, b) => a.key - b.key);
    const records: Uint8Array[] = [];
    if (cursor.bytes === 0) records.push(frameRecord(encodeEvent({ wallTime: now / 1000, step: 0, fileVersion: FILE_VERSION })));
    for (const i of fresh) records.push(frameRecord(encodeEvent(i.event)));
    const path = join(tbDir, cursor.file);
    let bytes = cursor.bytes;
    let fd: number | null = null;
    try {
      fd = openSync(path, existsSync(path) ? 'r+' : 'w');
      ftruncateSync(fd, bytes);
      for (const r of records) {
        let off = 0;
        while (off < r.length) off += writeSync(fd, r, off, r.length - off, bytes + off);
        bytes += r.length;
      }
      fsyncSync(fd);
    } catch (e) {
      throw writeError(path, e);
    } finally {
      if (fd !== null) closeSync(fd);
    }
    const key = fresh.length > 0 ? fresh[fresh.length - 1]!.key : cursor.key;
    writeFileAtomic(cursorPath, [Buffer.from(JSON.stringify({ file: cursor.file, bytes, key }) + '\n')]);
    return { written: fresh.length, file: path };
  } finally {
    release();
  }
}
