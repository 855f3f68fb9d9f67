/** Helpers of the bad-input tests: a run directory's bytes, a checkpoint header edited in place, a scripted actor. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_VERSION } from '../../src/protocol/base.js';
import { channelStreams, type ActorChannel } from '../../src/supervisor/actor-channel.js';

/** Every file under `dir` (folders too, as empty entries) with its bytes, to show a directory was left as it was. */
export function dirBytes(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const rel = p.slice(base.length + 1);
    if (statSync(p).isDirectory()) Object.assign(out, { [`${rel}/`]: '' }, dirBytes(p, base));
    else out[rel] = readFileSync(p).toString('base64');
  }
  return out;
}

/**
 * Rewrites a checkpoint's JSON header text (and its length field) and signs the result with a new trailing
 * SHA-256, as a writer with a bug would: the file passes its checksum, and only the content checks can refuse it.
 */
export function editCheckpointHeader(path: string, edit: (header: string) => string): void {
  const buf = readFileSync(path);
  const len = buf.readUInt32LE(12);
  const header = Buffer.from(edit(buf.toString('utf8', 16, 16 + len)), 'utf8');
  const prefix = Buffer.from(buf.subarray(0, 16));
  prefix.writeUInt32LE(header.length, 12);
  const body = Buffer.concat([prefix, header, buf.subarray(16 + len, buf.length - 32)]);
  writeFileSync(path, Buffer.concat([body, createHash('sha256').update(body).digest()]));
}

type Sent = { type: string; id?: number; args?: unknown };

/**
 * An actor in this thread that answers as `answer` says: the supervisor's side of the runtime sees it through
 * the same channel interface as a worker thread. `answer` returns the messages to send back (without `v`).
 */
export function scriptedActor(answer: (msg: Sent) => object[]): ActorChannel {
  const { messages$, exit$, ended } = channelStreams();
  const exit = () => ended({ code: 0, error: null });
  return {
    transport: 'thread',
    messages$,
    exit$,
    send(msg) {
      const m = msg as Sent;
      if (m.type === 'supervisor.shutdown') return void setImmediate(exit);
      const replies = m.type === 'supervisor.init'
        ? [{ type: 'actor.ready', placement: { transport: 'thread', pid: process.pid, threadId: 0, backend: 'none', tfBackend: 'none', cudaVisibleDevices: null } }]
        : answer(m);
      setImmediate(() => replies.forEach((r) => messages$.next({ v: PROTOCOL_VERSION, ...r })));
    },
    kill: () => setImmediate(exit),
  };
}
