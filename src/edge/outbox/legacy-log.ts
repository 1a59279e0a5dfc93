// Reads the outbox's former on-disk format (an append-only log of CRC-checked put/delete records,
// see record.ts) so an agent upgraded in place imports the escalations still pending in it once.
import { readFile } from 'node:fs/promises';
import { decodeRecords, RECORD_PUT } from './record.ts';

export const LEGACY_LOG = 'outbox.log';

export interface LegacyEntry {
  id: string;
  storedAtMs: number;
  payload: Uint8Array;
}

/** Live entries of a legacy log in write order, and the bytes of a torn tail; undefined when there is no file. */
export async function readLegacyLog(path: string): Promise<{ entries: LegacyEntry[]; tornBytes: number } | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const { records, validBytes } = decodeRecords(buf);
  const live = new Map<string, LegacyEntry>();
  for (const { record: r } of records) {
    if (r.kind === RECORD_PUT) live.set(r.id, { id: r.id, storedAtMs: r.storedAtMs, payload: r.payload });
    else live.delete(r.id);
  }
  return { entries: [...live.values()], tornBytes: buf.length - validBytes };
}
