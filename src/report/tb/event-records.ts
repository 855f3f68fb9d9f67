/**
 * TensorBoard's event file format: a sequence of TFRecords, each
 *   length (uint64 LE) | masked CRC-32C of the length bytes | data | masked CRC-32C of the data,
 * whose data is a serialized `tensorflow.Event` (event.proto): wall_time (double, 1), step (int64, 2),
 * file_version (string, 3) or summary (Summary, 5). A Summary holds Values: tag (1) and simple_value
 * (float, 2) or image (Summary.Image, 4: height 1, width 2, colorspace 3, encoded_image_string 4).
 * TensorBoard reads these legacy scalar and image values into its Scalars and Images dashboards.
 */
import { ProtoWriter } from '../../util/protobuf-writer.js';
import { maskedCrc32c } from './crc32c.js';

/** What the first event of every file says: the format version TensorBoard expects. */
export const FILE_VERSION = 'brain.Event:2';

export interface TbImage {
  readonly height: number;
  readonly width: number;
  /** 1 grey, 3 RGB, 4 RGBA. */
  readonly colorspace: number;
  /** The PNG file's bytes. */
  readonly png: Uint8Array;
}

export type TbValue = { readonly tag: string; readonly scalar: number } | { readonly tag: string; readonly image: TbImage };

export interface TbEvent {
  /** Seconds since the epoch. */
  readonly wallTime: number;
  readonly step: number;
  readonly fileVersion?: string;
  readonly values?: readonly TbValue[];
}

function encodeValue(v: TbValue): ProtoWriter {
  const w = new ProtoWriter().string(1, v.tag);
  if ('scalar' in v) return w.float(2, v.scalar);
  const { height, width, colorspace, png } = v.image;
  return w.message(4, new ProtoWriter().varint(1, height).varint(2, width).varint(3, colorspace).bytes(4, png));
}

export function encodeEvent(e: TbEvent): Uint8Array {
  const w = new ProtoWriter().double(1, e.wallTime).varint(2, e.step);
  if (e.fileVersion !== undefined) w.string(3, e.fileVersion);
  if (e.values && e.values.length > 0) {
    const summary = new ProtoWriter();
    for (const v of e.values) summary.message(1, encodeValue(v));
    w.message(5, summary);
  }
  return w.finish();
}

/** One TFRecord around `data`. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
