// The outbox's former on-disk record (an append-only log before the move to LMDB), kept to import
// an old outbox.log once (legacy-log.ts). Each record carries its length and a CRC-32 of its body.
//
// Layout (little endian):
//   0..3   u32 body length L
//   4..7   u32 CRC-32 (IEEE 802.3, as zlib) of the body
//   body:  u8 kind (1 put, 2 delete) | u16 id length I | f64 storedAtMs | I bytes id (UTF-8) | payload
import * as zlib from 'node:zlib';

export const RECORD_PUT = 1;
export const RECORD_DELETE = 2;
const PREFIX = 8;
const BODY_HEADER = 11;
/** Largest body accepted when reading: anything longer is a corrupt length field. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

export interface OutboxRecord {
  kind: typeof RECORD_PUT | typeof RECORD_DELETE;
  id: string;
  storedAtMs: number;
  payload: Uint8Array;
}

let table: Uint32Array | undefined;
/** Table-driven CRC-32 for Node versions before 20.15, which lack zlib.crc32. */
function crc32Fallback(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of data) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
/** CRC-32 of `data` (zlib's when available). */
export const crc32: (data: Uint8Array) => number = native ? (d) => native(d) >>> 0 : crc32Fallback;

/** Serialises one record. */
export function encodeRecord(r: OutboxRecord): Buffer {
  const id = Buffer.from(r.id, 'utf8');
  const body = Buffer.alloc(BODY_HEADER + id.length + r.payload.byteLength);
  body.writeUInt8(r.kind, 0);
  body.writeUInt16LE(id.length, 1);
  body.writeDoubleLE(r.storedAtMs, 3);
  id.copy(body, BODY_HEADER);
  body.set(r.payload, BODY_HEADER + id.length);
  const out = Buffer.alloc(PREFIX + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(crc32(body), 4);
  body.copy(out, PREFIX);
  return out;
}

/** Byte length of a record with this id and payload size. */
export function recordBytes(idBytes: number, payloadBytes: number): number {
  return PREFIX + BODY_HEADER + idBytes + payloadBytes;
}

/**
 * Reads records from the start of `buf` until its end or the first record that is torn or
 * corrupt; `validBytes` is where that record starts (the file is cut there).
 */
export function decodeRecords(buf: Buffer): { records: { record: OutboxRecord; bytes: number }[]; validBytes: number } {
  const records: { record: OutboxRecord; bytes: number }[] = [];
  let off = 0;
  while (off + PREFIX <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (len < BODY_HEADER || len > MAX_BODY_BYTES || off + PREFIX + len > buf.length) break;
    const body = buf.subarray(off + PREFIX, off + PREFIX + len);
    if (crc32(body) !== buf.readUInt32LE(off + 4)) break;
    const kind = body.readUInt8(0);
    const idLen = body.readUInt16LE(1);
    if ((kind !== RECORD_PUT && kind !== RECORD_DELETE) || BODY_HEADER + idLen > len) break;
    records.push({
      record: {
        kind,
        id: body.subarray(BODY_HEADER, BODY_HEADER + idLen).toString('utf8'),
        storedAtMs: body.readDoubleLE(3),
        payload: Uint8Array.prototype.slice.call(body, BODY_HEADER + idLen),
      },
      bytes: PREFIX + len,
    });
    off += PREFIX + len;
  }
  return { records, validBytes: off };
}
