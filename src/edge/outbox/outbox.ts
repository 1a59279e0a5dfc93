// A durable outbox: an append-only log of put and delete records on local disk. An entry is
// durable before put() resolves (write + fdatasync) and leaves only through delete(), which the
// agent calls on the cloud's application ack (DESIGN.md: ack after durability).
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EdgePdmError, OutboxFullError } from '../../core/index.ts';
import { decodeRecords, encodeRecord, RECORD_DELETE, RECORD_PUT, recordBytes } from './record.ts';

export const OutboxConfig = z.object({
  dir: z.string().min(1).describe('directory holding outbox.log (created if missing)'),
  maxBytes: z.number().int().positive().default(64 * 1024 * 1024).describe('limit on pending entries\' bytes on disk'),
  compactMinDeadBytes: z.number().int().nonnegative().default(1024 * 1024).describe('runtime compaction once dead records exceed live ones and this many bytes'),
});
export type OutboxConfig = z.input<typeof OutboxConfig>;

/** One pending entry. `attempts` and `lastAttemptAtMs` live in memory only (reset on reopen). */
export interface OutboxEntry {
  id: string;
  payload: Uint8Array;
  attempts: number;
  storedAtMs: number;
  lastAttemptAtMs?: number;
}

export interface Outbox {
  /** Stores an entry durably; 'duplicate' (nothing written) when the id is already pending. Throws OutboxFullError over maxBytes. */
  put(id: string, payload: Uint8Array): Promise<'stored' | 'duplicate'>;
  /** Removes an entry durably (tombstone); false when it was not pending. */
  delete(id: string): Promise<boolean>;
  /** Pending entries, oldest first. */
  pending(): OutboxEntry[];
  /** Notes a send attempt (for resend timing and stats). */
  markAttempt(id: string, atMs: number): void;
  /** Number of pending entries. */
  readonly size: number;
  /** Bytes the pending entries take on disk. */
  readonly bytes: number;
  /** Bytes cut off a torn tail when the outbox was opened (0 after a clean shutdown). */
  readonly recoveredTornBytes: number;
  close(): Promise<void>;
}

const LOG = 'outbox.log';

/** fsync a directory so a created or renamed entry in it survives a crash (POSIX rename(2) notes). */
async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await fh?.close();
  }
}

async function writeFully(fh: FileHandle, buf: Uint8Array): Promise<void> {
  let off = 0;
  while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
}

/** Opens (or creates) the outbox in `dir`, cutting a torn tail and compacting if tombstones dominate. */
export async function createOutbox(config: OutboxConfig): Promise<Outbox> {
  const cfg = OutboxConfig.parse(config);
  await mkdir(cfg.dir, { recursive: true });
  const path = join(cfg.dir, LOG);
  const entries = new Map<string, OutboxEntry & { recordBytes: number }>();
  let liveBytes = 0;
  let fileBytes = 0;
  let recoveredTornBytes = 0;

  let existing: Buffer | undefined;
  try {
    existing = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing) {
    const { records, validBytes } = decodeRecords(existing);
    for (const { record: r, bytes } of records) {
      if (r.kind === RECORD_PUT) {
        const prev = entries.get(r.id);
        if (prev) liveBytes -= prev.recordBytes;
        entries.set(r.id, { id: r.id, payload: r.payload, storedAtMs: r.storedAtMs, attempts: 0, recordBytes: bytes });
        liveBytes += bytes;
      } else {
        const prev = entries.get(r.id);
        if (prev) liveBytes -= prev.recordBytes;
        entries.delete(r.id);
      }
    }
    fileBytes = validBytes;
    if (validBytes < existing.length) {
      // A torn tail: the last append did not complete before a crash. It was never acknowledged
      // (put() had not resolved), so dropping it loses nothing that was promised.
      recoveredTornBytes = existing.length - validBytes;
      const fh = await open(path, 'r+');
      try {
        await fh.truncate(validBytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  }

  let fh: FileHandle;
  /** Rewrites the log with only the live entries: new file, fsync, rename over the old one, fsync dir. */
  async function compact(): Promise<void> {
    const tmp = `${path}.compact`;
    const out = await open(tmp, 'w');
    try {
      for (const e of entries.values()) await writeFully(out, encodeRecord({ kind: RECORD_PUT, id: e.id, storedAtMs: e.storedAtMs, payload: e.payload }));
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, path);
    await syncDir(cfg.dir);
    fileBytes = liveBytes;
  }

  // "Tombstones dominate": dead bytes (deleted puts and their tombstones) exceed live ones.
  if (existing && fileBytes - liveBytes > liveBytes) await compact();
  fh = await open(path, 'a');
  if (!existing) {
    await fh.sync();
    await syncDir(cfg.dir);
  }

  let closed = false;
  let tail: Promise<unknown> = Promise.resolve();
  /** Runs `fn` after every earlier write: appends never interleave. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = tail.then(() => {
      if (closed) throw new EdgePdmError('PDM_OUTBOX_CLOSED', `outbox ${cfg.dir} is closed`);
      return fn();
    });
    tail = p.catch(() => undefined);
    return p;
  }

  /** Appends and fdatasyncs one record; on failure cuts the file back so nothing partial stays. */
  async function append(rec: Uint8Array): Promise<void> {
    const before = fileBytes;
    try {
      await writeFully(fh, rec);
      await fh.datasync(); // includes the file size, which an append changes (fdatasync(2))
      fileBytes += rec.length;
    } catch (e) {
      await fh.truncate(before).catch(() => undefined);
      throw e;
    }
  }

  return {
    put(id, payload) {
      return serial(async () => {
        if (entries.has(id)) return 'duplicate' as const;
        const idBytes = Buffer.byteLength(id, 'utf8');
        if (idBytes === 0 || idBytes > 0xffff) throw new EdgePdmError('PDM_OUTBOX_ID', `outbox id must be 1..65535 bytes, got ${idBytes}`);
        const size = recordBytes(idBytes, payload.byteLength);
        if (liveBytes + size > cfg.maxBytes) {
          throw new OutboxFullError(`outbox ${cfg.dir} holds ${liveBytes} bytes; ${size} more would exceed maxBytes ${cfg.maxBytes}`);
        }
        const storedAtMs = Date.now();
        const copy = Uint8Array.prototype.slice.call(payload);
        await append(encodeRecord({ kind: RECORD_PUT, id, storedAtMs, payload: copy }));
        entries.set(id, { id, payload: copy, storedAtMs, attempts: 0, recordBytes: size });
        liveBytes += size;
        return 'stored' as const;
      });
    },
    delete(id) {
      return serial(async () => {
        const e = entries.get(id);
        if (!e) return false;
        await append(encodeRecord({ kind: RECORD_DELETE, id, storedAtMs: Date.now(), payload: new Uint8Array(0) }));
        entries.delete(id);
        liveBytes -= e.recordBytes;
        const dead = fileBytes - liveBytes;
        if (dead > liveBytes && dead >= cfg.compactMinDeadBytes) {
          await fh.close();
          await compact();
          fh = await open(path, 'a');
        }
        return true;
      });
    },
    pending() {
      return [...entries.values()].map(({ recordBytes: _b, ...e }) => ({ ...e }));
    },
    markAttempt(id, atMs) {
      const e = entries.get(id);
      if (!e) return;
      e.attempts++;
      e.lastAttemptAtMs = atMs;
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return liveBytes;
    },
    recoveredTornBytes,
    async close() {
      if (closed) return;
      await serial(async () => {
        closed = true;
        await fh.close();
      });
    },
  };
}
