import { gzipSync } from 'node:zlib';

/** An entry for `tarGz`: a file with its bytes, or a directory. */
export type TarEntry = { name: string; data: Buffer | string; type?: '0' } | { name: string; type: '5' | '2' };

/**
 * A minimal ustar writer for test fixtures; it writes any name it is given (including ones a
 * well-behaved tar refuses, like "../x"), so the reader's defences can be tested.
 */
export function tarBytes(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = 'data' in e ? Buffer.from(e.data) : Buffer.alloc(0);
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write(e.type ?? '0', 156);
    h.write('ustar\x0000', 257);
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function tarGz(entries: TarEntry[]): Buffer {
  return gzipSync(tarBytes(entries));
}
