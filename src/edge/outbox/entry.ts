// One outbox entry as stored in LMDB: key = a storage sequence number (LMDB keeps keys sorted, so
// a cursor walks entries in arrival order), value = a small binary header and the payload.
//
// Value layout (little endian): u8 class rank | f64 storedAtMs | u16 id length I | I bytes id (UTF-8) | payload

/** Priority classes, highest first. Alarm escalations are the last thing dropped (issue 4). */
export const OUTBOX_CLASSES = ['alarm', 'status', 'summary'] as const;
export type OutboxClass = (typeof OUTBOX_CLASSES)[number];
/** Why an entry left the outbox without an ack: evicted for room, expired, or refused on put. */
export const DROP_REASONS = ['bytes', 'age', 'refused'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Drop rank: lower is dropped first. */
export const CLASS_RANK: Record<OutboxClass, number> = { summary: 0, status: 1, alarm: 2 };
const BY_RANK: OutboxClass[] = ['summary', 'status', 'alarm'];

const HEADER = 11;
/** Key bytes counted per entry (an ordered-binary number key is at most 9 bytes). */
export const KEY_BYTES = 9;

export interface StoredEntry {
  cls: OutboxClass;
  id: string;
  storedAtMs: number;
  payload: Uint8Array;
}

/** Serialises an entry's value. */
export function encodeEntry(e: StoredEntry): Buffer {
  const id = Buffer.from(e.id, 'utf8');
  const out = Buffer.alloc(HEADER + id.length + e.payload.byteLength);
  out.writeUInt8(CLASS_RANK[e.cls], 0);
  out.writeDoubleLE(e.storedAtMs, 1);
  out.writeUInt16LE(id.length, 9);
  id.copy(out, HEADER);
  out.set(e.payload, HEADER + id.length);
  return out;
}

/** Parses an entry's value; undefined when it is not one (a foreign or damaged value). */
export function decodeEntry(buf: Uint8Array): StoredEntry | undefined {
  if (buf.byteLength < HEADER) return undefined;
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const cls = BY_RANK[b.readUInt8(0)];
  const idLen = b.readUInt16LE(9);
  if (!cls || HEADER + idLen > b.length) return undefined;
  return {
    cls,
    storedAtMs: b.readDoubleLE(1),
    id: b.subarray(HEADER, HEADER + idLen).toString('utf8'),
    payload: Uint8Array.prototype.slice.call(b, HEADER + idLen),
  };
}

/** Bytes an entry with this id and payload size counts against maxBytes (key + value). */
export function entryBytes(idBytes: number, payloadBytes: number): number {
  return KEY_BYTES + HEADER + idBytes + payloadBytes;
}
