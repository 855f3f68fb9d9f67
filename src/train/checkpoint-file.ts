/**
 * The checkpoint file format: named float32 arrays plus JSON metadata, in one file with a SHA-256 of its
 * payload, so that a truncated or damaged file is detected when loading.
 *
 *   "AGTSCKPT" | u32 version | u32 header bytes | header JSON | payload (float32 arrays, little-endian)
 *
 * The header holds { meta, tensors: [{ name, shape, offset }], payloadBytes, sha256 }.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileError } from '../errors.js';
import { FieldError, arr, json, natural, obj, str } from '../protocol/schema.js';
import { writeFileAtomic } from '../util/atomic-write.js';

const MAGIC = 'AGTSCKPT';
const VERSION = 1;

export interface NamedArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface CheckpointContents<M> {
  readonly meta: M;
  readonly arrays: Map<string, NamedArray>;
}

interface Header<M> {
  meta: M;
  tensors: { name: string; shape: number[]; offset: number }[];
  payloadBytes: number;
  sha256: string;
}

/** The checksum covers the payload only: the header's own structure is checked field by field. */
const headerSchema = obj({ meta: json, tensors: arr(obj({ name: str, shape: arr(natural), offset: natural })), payloadBytes: natural, sha256: str });

/** Checks the header's fields and that its arrays tile the payload in order, as the writer lays them out. */
function parseHeader<M>(raw: unknown): Header<M> {
  const header = headerSchema.parse(raw, 'header');
  const names = new Set<string>();
  let offset = 0;
  header.tensors.forEach((t, i) => {
    if (names.has(t.name)) throw new FieldError(`header.tensors[${i}].name`, `${JSON.stringify(t.name)} appears twice`);
    names.add(t.name);
    if (t.offset !== offset) throw new FieldError(`header.tensors[${i}].offset`, `is ${t.offset}; the arrays before it end at ${offset}`);
    offset += 4 * t.shape.reduce((a, b) => a * b, 1);
  });
  if (offset !== header.payloadBytes) throw new FieldError('header.payloadBytes', `is ${header.payloadBytes}; the arrays take ${offset}`);
  return header as Header<M>;
}

export function writeCheckpoint<M>(path: string, meta: M, arrays: Map<string, NamedArray>): void {
  let offset = 0;
  const tensors: Header<M>['tensors'] = [];
  const chunks: Uint8Array[] = [];
  const hash = createHash('sha256');
  for (const [name, { shape, data }] of arrays) {
    if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`checkpoint array ${name}: ${data.length} values for shape [${shape}]`);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    tensors.push({ name, shape: [...shape], offset });
    chunks.push(bytes);
    hash.update(bytes);
    offset += bytes.byteLength;
  }
  const header: Header<M> = { meta, tensors, payloadBytes: offset, sha256: hash.digest('hex') };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(16);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(VERSION, 8);
  prefix.writeUInt32LE(headerBytes.length, 12);
  writeFileAtomic(path, [prefix, headerBytes, ...chunks]);
}

/** Reads and verifies a checkpoint; any damage is an InputError naming the file and what is wrong. */
export function readCheckpoint<M>(path: string): CheckpointContents<M> {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw fileError(path, `cannot read checkpoint (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (buf.length < 16 || buf.toString('ascii', 0, 8) !== MAGIC) throw fileError(path, 'not a checkpoint (bad magic)');
  const version = buf.readUInt32LE(8);
  if (version !== VERSION) throw fileError(path, `checkpoint version ${version}; this build reads version ${VERSION}`);
  const headerLen = buf.readUInt32LE(12);
  if (16 + headerLen > buf.length) throw fileError(path, `truncated: header of ${headerLen} bytes runs past the end of the file`);
  let raw: unknown;
  try {
    raw = JSON.parse(buf.toString('utf8', 16, 16 + headerLen));
  } catch {
    throw fileError(path, 'damaged header (bad JSON)');
  }
  let header: Header<M>;
  try {
    header = parseHeader<M>(raw);
  } catch (e) {
    if (e instanceof FieldError) throw fileError(path, `damaged header: ${e.message}`);
    throw e;
  }
  const start = 16 + headerLen;
  if (buf.length !== start + header.payloadBytes) {
    throw fileError(path, `size ${buf.length} bytes, expected ${start + header.payloadBytes}: truncated or damaged`);
  }
  const payload = buf.subarray(start);
  const digest = createHash('sha256').update(payload).digest('hex');
  if (digest !== header.sha256) throw fileError(path, 'checksum mismatch: the payload is damaged');
  // Copy into an aligned buffer: Float32Array views need 4-byte alignment.
  const aligned = new Uint8Array(payload.length);
  aligned.set(payload);
  const arrays = new Map<string, NamedArray>();
  for (const t of header.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    arrays.set(t.name, { shape: t.shape, data: new Float32Array(aligned.buffer, t.offset, n) });
  }
  return { meta: header.meta, arrays };
}
