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

/** A push refused because the job's lock is no longer this worker's: another worker may hold the job now. */
export class LockLostError extends Error {}

/** The job's lock in Redis (BullMQ's key) and the token this worker holds it with. */
export interface LockFence {
  readonly lockKey: string;
  readonly token: string;
}

/**
 * Sets the changed files (ARGV[3..], path and bytes in turn, ARGV[2] pairs) and drops the gone ones (the rest)
 * in one step, and only while KEYS[2], when given, still holds the token ARGV[1]: a worker that lost its job to
 * another never overwrites the new holder's folder with its own.
 */
const PUSH_SCRIPT = `
if #KEYS == 2 and redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[2])
for i = 0, n - 1 do redis.call('HSET', KEYS[1], ARGV[3 + 2 * i], ARGV[4 + 2 * i]) end
for j = 3 + 2 * n, #ARGV do redis.call('HDEL', KEYS[1], ARGV[j]) end
return 1`;

/** Keeps a local folder and its hash in Redis the same, pushing only what changed since the last push. */
export class FolderSync {
  /** What was last pushed of each file: size and modification time. */
  private readonly pushed = new Map<string, string>();

  constructor(private readonly redis: Redis, private readonly key: string, readonly dir: string, private readonly fence?: LockFence) {}

  /** Writes the hash's files into the folder (a retried job's state); returns how many bytes came. */
  async restore(): Promise<number> {
    const files = await readFolder(this.redis, this.key);
    writeFolder(this.dir, files);
    for (const path of files.keys()) this.pushed.set(path, signature(join(this.dir, path)));
    return [...files.values()].reduce((a, b) => a + b.length, 0);
  }

  /** Sends the files that changed and drops those gone, at once; returns the bytes sent. Throws LockLostError when fenced out. */
  async push(): Promise<number> {
    const now = new Map(travellingFiles(this.dir).map((p) => [p, signature(join(this.dir, p))]));
    const changed = [...now].filter(([p, sig]) => this.pushed.get(p) !== sig).map(([p]) => p);
    const gone = [...this.pushed.keys()].filter((p) => !now.has(p));
    if (changed.length + gone.length === 0) return 0;
    const files = changed.map((p) => [p, readFileSync(join(this.dir, p))] as const);
    const keys = this.fence ? [this.key, this.fence.lockKey] : [this.key];
    const written = await this.redis.eval(PUSH_SCRIPT, keys.length, ...keys, this.fence?.token ?? '', changed.length, ...files.flat(), ...gone);
    if (written !== 1) throw new LockLostError(`the job's lock is no longer this worker's: its folder was not sent`);
    for (const p of gone) this.pushed.delete(p);
    for (const p of changed) this.pushed.set(p, now.get(p)!);
    return files.reduce((a, [, data]) => a + data.length, 0);
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
