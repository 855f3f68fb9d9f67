/**
 * A job's folder kept in Redis, so that workers need no shared filesystem: one hash per job, one field per file
 * (path relative to the folder → its bytes). The worker pushes what changed after each checkpoint, so a retried
 * job, on whatever machine, restores the folder and resumes from that checkpoint; when the job is done the
 * coordinator reads the folder into its run directory. Of a `checkpoints/` folder only the newest checkpoint
 * travels: it is all that resuming, `sample` and `eval` read.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { Redis } from 'ioredis';
import { listCheckpoints } from '../train/checkpoint-dir.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** The files of `dir` that travel, as paths relative to it with '/' separators. */
export function travellingFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    const newest = d.endsWith(`${sep}checkpoints`) ? listCheckpoints(d).pop() : undefined;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      // A temporary name is a write in progress (writeFileAtomic), never a file of the folder.
      else if (e.isFile() && !e.name.includes('.tmp-') && (newest === undefined || !e.name.endsWith('.ckpt') || path === newest)) out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Keeps a local folder and its hash in Redis the same, pushing only what changed since the last push. */
export class FolderSync {
  /** What was last pushed of each file: size and modification time. */
  private readonly pushed = new Map<string, string>();

  constructor(private readonly redis: Redis, private readonly key: string, readonly dir: string) {}

  /** Writes the hash's files into the folder (a retried job's state); returns how many bytes came. */
  async restore(): Promise<number> {
    const files = await readFolder(this.redis, this.key);
    writeFolder(this.dir, files);
    for (const path of files.keys()) this.pushed.set(path, signature(join(this.dir, path)));
    return [...files.values()].reduce((a, b) => a + b.length, 0);
  }

  /** Sends the files that changed and drops those gone, in one transaction; returns the bytes sent. */
  async push(): Promise<number> {
    const now = new Map(travellingFiles(this.dir).map((p) => [p, signature(join(this.dir, p))]));
    const changed = [...now].filter(([p, sig]) => this.pushed.get(p) !== sig).map(([p]) => p);
    const gone = [...this.pushed.keys()].filter((p) => !now.has(p));
    const tx = this.redis.multi();
    let bytes = 0;
    for (const p of changed) {
      const data = readFileSync(join(this.dir, p));
      bytes += data.length;
      tx.hset(this.key, p, data);
    }
    if (gone.length > 0) tx.hdel(this.key, ...gone);
    if (changed.length + gone.length > 0) await tx.exec();
    for (const p of gone) this.pushed.delete(p);
    for (const p of changed) this.pushed.set(p, now.get(p)!);
    return bytes;
  }
}

export async function readFolder(redis: Redis, key: string): Promise<Map<string, Buffer>> {
  const raw = await redis.hgetallBuffer(key);
  return new Map(Object.entries(raw));
}

/**
 * Writes files into `dir`, each atomically, `report.json` last: a folder with a report is a finished one
 * (src/search/derivation.ts), so a copy cut short is never taken for finished.
 */
export function writeFolder(dir: string, files: ReadonlyMap<string, Buffer>): void {
  const order = [...files.keys()].sort((a, b) => Number(a === 'report.json') - Number(b === 'report.json'));
  for (const rel of order) {
    if (rel.split('/').some((part) => part === '..' || part === '' || part === '.')) throw new Error(`folder snapshot: refusing the path ${JSON.stringify(rel)}`);
    const path = join(dir, ...rel.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, [files.get(rel)!]);
  }
}

function signature(path: string): string {
  const s = statSync(path);
  return `${s.size}:${s.mtimeMs}`;
}
