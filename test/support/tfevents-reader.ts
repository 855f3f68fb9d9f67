/**
 * An independent reader of TensorBoard event files, in Python with nothing but its standard library (this
 * machine has no tensorflow or tensorboard): it walks the TFRecords, checks both masked CRC-32Cs with a bitwise
 * CRC (not the table one src/report/tb/crc32c.ts uses), decodes Event and Summary protobufs field by field,
 * and prints the events as JSON. A record that fails a check stops it with an error naming the offset.
 */
import { python } from './python.js';

const READER = `
import sys, struct, json, hashlib

def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF

def masked(c):
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF

def varint(b, i):
    shift = result = 0
    while True:
        x = b[i]; i += 1
        result |= (x & 0x7F) << shift
        shift += 7
        if not x & 0x80:
            return result, i

def fields(b):
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = varint(b, i)
        elif wire == 1:
            v = b[i:i + 8]; i += 8
        elif wire == 2:
            n, i = varint(b, i)
            v = b[i:i + n]; i += n
        elif wire == 5:
            v = b[i:i + 4]; i += 4
        else:
            raise ValueError('wire type %d' % wire)
        yield num, wire, v

def image(b):
    out = {}
    for num, wire, v in fields(b):
        if num in (1, 2, 3): out[['height', 'width', 'colorspace'][num - 1]] = v
        elif num == 4:
            out['pngBytes'] = len(v)
            out['pngSha256'] = hashlib.sha256(v).hexdigest()
            assert v[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'not a PNG'
            out['ihdr'] = list(struct.unpack('>II', v[16:24]))
    return out

def value(b):
    out = {}
    for num, wire, v in fields(b):
        if num == 1: out['tag'] = v.decode('utf-8')
        elif num == 2: assert wire == 5; out['simpleValue'] = struct.unpack('<f', v)[0]
        elif num == 4: out['image'] = image(v)
    return out

def event(b):
    out = {'values': []}
    for num, wire, v in fields(b):
        if num == 1: assert wire == 1; out['wallTime'] = struct.unpack('<d', v)[0]
        elif num == 2: out['step'] = v - (1 << 64) if v >= 1 << 63 else v
        elif num == 3: out['fileVersion'] = v.decode('utf-8')
        elif num == 5: out['values'] = [value(x) for n, w, x in fields(v) if n == 1]
    return out

data = open(sys.argv[1], 'rb').read()
events, i = [], 0
while i < len(data):
    if len(data) - i < 12: raise ValueError('truncated record header at byte %d' % i)
    header = data[i:i + 8]
    (n,) = struct.unpack('<Q', header)
    (len_crc,) = struct.unpack('<I', data[i + 8:i + 12])
    if masked(crc32c(header)) != len_crc: raise ValueError('length CRC mismatch at byte %d' % i)
    body = data[i + 12:i + 12 + n]
    if len(body) != n or len(data) < i + 16 + n: raise ValueError('truncated record at byte %d' % i)
    (data_crc,) = struct.unpack('<I', data[i + 12 + n:i + 16 + n])
    if masked(crc32c(body)) != data_crc: raise ValueError('data CRC mismatch at byte %d' % i)
    events.append(event(body))
    i += 16 + n
print(json.dumps(events))
`;

export interface ReadEvent {
  readonly wallTime: number;
  readonly step: number;
  readonly fileVersion?: string;
  readonly values: { tag: string; simpleValue?: number; image?: { height: number; width: number; colorspace: number; pngBytes: number; pngSha256: string; ihdr: [number, number] } }[];
}

export function readEventFile(path: string): ReadEvent[] {
  return JSON.parse(python(READER, path)) as ReadEvent[];
}
