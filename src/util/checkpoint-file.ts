/**
 * The checkpoint file format: named float32 arrays plus JSON metadata, in one file that ends with a SHA-256 of
 * everything before it, so that a truncated or damaged file (metadata included) is detected when loading.
 *
 *   "AGTSCKPT" | u32 version (2) | u32 header bytes | header JSON | payload (float32 arrays, little-endian) | SHA-256
 *
 * The header holds { meta, tensors: [{ name, shape, offset }], payloadBytes }. Version 1 files, whose header
 * carried a `sha256` of the payload alone and had no trailing digest, are still read.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { FieldError, fileError } from '../errors.js';
import { arr, checkedFromFile, json, natural, obj, str } from './schema.js';
import { writeFileAtomic } from './atomic-write.js';

const MAGIC = 'AGTSCKPT';
const VERSION = 2;
const DIGEST_BYTES = 32;

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
}

const tensorsSchema = arr(obj({ name: str, shape: arr(natural), offset: natural }));
/** Fields as each version writes them; a version 1 header also carries its payload's checksum. */
const headerSchemas = {
  1: obj({ meta: json, tensors: tensorsSchema, payloadBytes: natural, sha256: str }),
  2: obj({ meta: json, tensors: tensorsSchema, payloadBytes: natural }),
} as const;

/**
 * Checks the header's fields and that its arrays tile the payload in order, as the writer lays them out: a
 * checksum shows the file is as written, not that its writer wrote a sound one.
 */
function parseHeader<M>(raw: unknown, version: 1 | 2): Header<M> & { sha256?: string } {
  const header = headerSchemas[version].parse(raw, 'header');
  const names = new Set<string>();
  let offset = 0;
  header.tensors.forEach((t, i) => {
    if (names.has(t.name)) throw new FieldError(`header.tensors[${i}].name`, `${JSON.stringify(t.name)} appears twice`);
    names.add(t.name);
    if (t.offset !== offset) throw new FieldError(`header.tensors[${i}].offset`, `is ${t.offset}; the arrays before it end at ${offset}`);
    offset += 4 * t.shape.reduce((a, b) => a * b, 1);
  });
  if (offset !== header.payloadBytes) throw new FieldError('header.payloadBytes', `is ${header.payloadBytes}; the arrays take ${offset}`);
  return header as Header<M> & { sha256?: string };
}

export function writeCheckpoint<M>(path: string, meta: M, arrays: Map<string, NamedArray>): void {
  let offset = 0;
  const tensors: Header<M>['tensors'] = [];
  const chunks: Uint8Array[] = [];
  for (const [name, { shape, data }] of arrays) {
    if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`checkpoint array ${name}: ${data.length} values for shape [${shape}]`);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    tensors.push({ name, shape: [...shape], offset });
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const header: Header<M> = { meta, tensors, payloadBytes: offset };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(16);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(VERSION, 8);
  prefix.writeUInt32LE(headerBytes.length, 12);
  const hash = createHash('sha256');
  for (const c of [prefix, headerBytes, ...chunks]) hash.update(c);
  writeFileAtomic(path, [prefix, headerBytes, ...chunks, hash.digest()]);
}

/**
 * The checked header of a checkpoint whose first bytes are `head` (the 16-byte prefix and at least the header
 * after it), its format version, and where its payload starts.
 */
function parseHead<M>(path: string, head: Buffer): { header: Header<M> & { sha256?: string }; version: 1 | 2; start: number } {
  if (head.length < 16 || head.toString('ascii', 0, 8) !== MAGIC) throw fileError(path, 'not a checkpoint (bad magic)');
  const version = head.readUInt32LE(8);
  if (version !== 1 && version !== 2) throw fileError(path, `checkpoint version ${version}; this build reads versions 1 and ${VERSION}`);
  const headerLen = head.readUInt32LE(12);
  if (16 + headerLen > head.length) throw fileError(path, `truncated: header of ${headerLen} bytes runs past the end of the file`);
  let raw: unknown;
  try {
    raw = JSON.parse(head.toString('utf8', 16, 16 + headerLen));
  } catch {
    throw fileError(path, 'damaged header (bad JSON)');
  }
  return { header: checkedFromFile(path, () => parseHeader<M>(raw, version), 'damaged header: '), version, start: 16 + headerLen };
}

/** Reads and verifies a checkpoint; any damage is an InputError naming the file and what is wrong. */
export function readCheckpoint<M>(path: string): CheckpointContents<M> {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw fileError(path, `cannot read checkpoint (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const { header, version, start } = parseHead<M>(path, buf);
  const end = start + header.payloadBytes;
  const expected = end + (version === 2 ? DIGEST_BYTES : 0);
  if (buf.length !== expected) throw fileError(path, `size ${buf.length} bytes, expected ${expected}: truncated or damaged`);
  const payload = buf.subarray(start, end);
  if (version === 2) {
    const digest = createHash('sha256').update(buf.subarray(0, end)).digest();
    if (!digest.equals(buf.subarray(end))) throw fileError(path, 'checksum mismatch: the file is damaged');
  } else if (createHash('sha256').update(payload).digest('hex') !== header.sha256) {
    throw fileError(path, 'checksum mismatch: the payload is damaged');
  }
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

/**
 * The metadata of a checkpoint without reading its arrays or checking its digest: for a report of a run that
 * is still writing them, where a checkpoint of hundreds of megabytes would be read only for its loss history.
 */
export function readCheckpointMeta<M>(path: string): M {
  const fd = openSync(path, 'r');
  try {
    const prefix = Buffer.alloc(16);
    const got = readSync(fd, prefix, 0, 16, 0);
    // Never more than the file holds: a damaged length field must not allocate gigabytes.
    const header = Buffer.alloc(got < 16 ? 0 : Math.max(0, Math.min(prefix.readUInt32LE(12), fstatSync(fd).size - 16)));
    const more = readSync(fd, header, 0, header.length, 16);
    return parseHead<M>(path, Buffer.concat([prefix.subarray(0, got), header.subarray(0, more)])).header.meta;
  } finally {
    closeSync(fd);
  }
}
