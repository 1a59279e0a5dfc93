// The durable outbox on LMDB (a proven embedded store: copy-on-write B+tree, crash-safe commits).
// An entry is durable before put() resolves (its transaction is committed with fsync, and
// `flushed` awaited) and leaves only through delete(), which the agent calls on the cloud's
// application ack (DESIGN.md: ack after durability), or through a counted drop: bounded by bytes
// and age, lower classes dropped first, oldest first within a class, alarms last.
import { mkdir, rename, open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { z } from 'zod';
import { EdgePdmError, OutboxFullError, type Counters } from '../../core/index.ts';
import { CLASS_RANK, decodeEntry, DROP_REASONS, encodeEntry, entryBytes, OUTBOX_CLASSES, type DropReason, type OutboxClass } from './entry.ts';
import { LEGACY_LOG, readLegacyLog } from './legacy-log.ts';

const DAY_MS = 86_400_000;

export const OutboxConfig = z.object({
  dir: z.string().min(1).describe('directory holding outbox.mdb (created if missing)'),
  maxBytes: z.number().int().positive().default(64 * 1024 * 1024).describe('limit on pending entries\' bytes (key + value)'),
  maxAgeMs: z
    .object({
      alarm: z.number().positive().default(30 * DAY_MS).describe('an unacked alarm escalation older than this is dropped (counted); a month covers any plausible outage'),
      status: z.number().positive().default(DAY_MS).describe('status is superseded by the next one'),
      summary: z.number().positive().default(DAY_MS).describe('telemetry summaries'),
    })
    .prefault({})
    .describe('age bound per class'),
  sweepEveryMs: z.number().int().positive().default(60_000).describe('how often expired entries are dropped (also on every put)'),
});
export type OutboxConfig = z.input<typeof OutboxConfig>;

/** One pending entry. `attempts` and `lastAttemptAtMs` live in memory only (reset on reopen). */
export interface OutboxEntry {
  id: string;
  payload: Uint8Array;
  class: OutboxClass;
  attempts: number;
  storedAtMs: number;
  lastAttemptAtMs?: number;
}

export interface OutboxDrop {
  id: string;
  class: OutboxClass;
  reason: DropReason;
  bytes: number;
}

export interface OutboxStats {
  entries: number;
  bytes: number;
  byClass: Record<OutboxClass, { entries: number; bytes: number }>;
  /** Drops since open, by class and reason. */
  drops: Record<OutboxClass, Record<DropReason, number>>;
}

/** Exponential resend backoff: base × 2^(attempts − 1), capped (AWS Architecture Blog, "Exponential Backoff and Jitter"). */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export interface Outbox {
  /**
   * Stores an entry durably (default class 'alarm'); 'duplicate' (nothing written) when the id is
   * already pending. To make room it drops lower classes first (oldest first), and for non-alarm
   * classes older entries of the same class. Throws OutboxFullError when nothing may be dropped.
   */
  put(id: string, payload: Uint8Array, options?: { class?: OutboxClass }): Promise<'stored' | 'duplicate'>;
  /** Removes an entry durably (on the cloud's application ack); false when it was not pending. */
  delete(id: string): Promise<boolean>;
  /** Pending entries in arrival order (oldest first). */
  pending(): OutboxEntry[];
  /** Pending entries whose resend is due at `nowMs` under `backoff`, in arrival order; never-sent ones are due at once. */
  due(nowMs: number, backoff: Backoff): OutboxEntry[];
  /** Notes a send attempt (for backoff and stats). */
  markAttempt(id: string, atMs: number): void;
  /** Drops entries older than their class's maxAgeMs at `nowMs` (wall clock); returns how many. */
  expire(nowMs?: number): Promise<number>;
  /** Depth, bytes and drops by class. */
  stats(): OutboxStats;
  /** Number of pending entries. */
  readonly size: number;
  /** Bytes the pending entries count against maxBytes. */
  readonly bytes: number;
  /** Bytes cut off a torn tail of an imported legacy log (0 otherwise: LMDB commits are atomic). */
  readonly recoveredTornBytes: number;
  /** Entries imported from a legacy outbox.log on this open. */
  readonly importedLegacy: number;
  close(): Promise<void>;
}

export interface OutboxHooks {
  /** Incremented as `edge.outbox_dropped.<class>.<reason>` on every drop. */
  counters?: Counters;
  onDrop?: (drop: OutboxDrop) => void;
}

interface Meta {
  seq: number;
  id: string;
  cls: OutboxClass;
  storedAtMs: number;
  bytes: number;
  attempts: number;
  lastAttemptAtMs?: number;
}

const DB_FILE = 'outbox.mdb';

/** fsync a directory so a rename in it survives a crash (POSIX rename(2) notes). */
async function syncDir(dir: string): Promise<void> {
  const fh = await openFile(dir, 'r').catch(() => undefined); // Windows cannot open a directory
  try {
    await fh?.sync();
  } catch {
    // some file systems refuse fsync on a directory; the rename is still atomic there
  } finally {
    await fh?.close();
  }
}

/** Opens (or creates) the outbox in `dir`, importing a legacy outbox.log once if one is there. */
export async function createOutbox(config: OutboxConfig, hooks: OutboxHooks = {}): Promise<Outbox> {
  const cfg = OutboxConfig.parse(config);
  await mkdir(cfg.dir, { recursive: true });
  // Durable commits: overlappingSync off means each commit fsyncs before it resolves (plain LMDB
  // semantics); noSync / noMetaSync stay off. We also await `flushed` before acknowledging.
  const db: RootDatabase<Buffer, number> = open({
    path: join(cfg.dir, DB_FILE),
    encoding: 'binary',
    keyEncoding: 'ordered-binary',
    overlappingSync: false,
    noSync: false,
    noMetaSync: false,
    cache: false,
  });
  // In memory: metadata only, in key (= arrival) order; payloads stay on disk until read.
  const byId = new Map<string, Meta>();
  const order = new Map<number, Meta>(); // insertion-ordered by seq
  let seq = 0;
  let liveBytes = 0;
  const drops = Object.fromEntries(OUTBOX_CLASSES.map((c) => [c, Object.fromEntries(DROP_REASONS.map((r) => [r, 0]))])) as OutboxStats['drops'];

  for (const { key, value } of db.getRange({})) {
    const e = decodeEntry(value);
    seq = Math.max(seq, key + 1);
    if (!e || byId.has(e.id)) continue; // cannot happen through this API; ignore rather than crash
    const m: Meta = { seq: key, id: e.id, cls: e.cls, storedAtMs: e.storedAtMs, bytes: entryBytes(Buffer.byteLength(e.id), e.payload.byteLength), attempts: 0 };
    byId.set(e.id, m);
    order.set(key, m);
    liveBytes += m.bytes;
  }

  // Migration: the former append-only log. Import its live entries (all alarm escalations: that
  // was its only use) in one transaction, flush, then rename the log so it is imported once. A
  // crash between the flush and the rename re-imports on the next open; ids already present are
  // skipped, so nothing is duplicated. Imports ignore maxBytes: they were accepted already.
  let importedLegacy = 0;
  let recoveredTornBytes = 0;
  const legacyPath = join(cfg.dir, 'outbox.log');
  const legacy = await readLegacyLog(legacyPath);
  if (legacy) {
    recoveredTornBytes = legacy.tornBytes;
    const fresh = legacy.entries.filter((e) => !byId.has(e.id));
    await db.transaction(() => {
      for (const e of fresh) {
        const m: Meta = { seq: seq++, id: e.id, cls: 'alarm', storedAtMs: e.storedAtMs, bytes: entryBytes(Buffer.byteLength(e.id), e.payload.byteLength), attempts: 0 };
        db.put(m.seq, encodeEntry({ cls: 'alarm', id: e.id, storedAtMs: e.storedAtMs, payload: e.payload }));
        byId.set(m.id, m);
        order.set(m.seq, m);
        liveBytes += m.bytes;
      }
    });
    await db.flushed;
    await rename(legacyPath, join(cfg.dir, `${LEGACY_LOG}.imported`));
    await syncDir(cfg.dir);
    importedLegacy = fresh.length;
  }

  function forget(m: Meta): void {
    byId.delete(m.id);
    order.delete(m.seq);
    liveBytes -= m.bytes;
  }
  function countDrop(m: { id: string; cls: OutboxClass; bytes: number }, reason: DropReason): void {
    drops[m.cls][reason]++;
    hooks.counters?.inc(`edge.outbox_dropped.${m.cls}.${reason}`);
    hooks.onDrop?.({ id: m.id, class: m.cls, reason, bytes: m.bytes });
  }
  /** Entries that may be evicted for an entry of class `cls`, in eviction order. */
  function victims(cls: OutboxClass): Meta[] {
    const rank = CLASS_RANK[cls];
    // Alarms never evict alarms (an accepted escalation is a promise); lower classes may evict
    // their own older entries, since a newer status or summary supersedes an older one.
    const eligible = [...order.values()].filter((m) => CLASS_RANK[m.cls] < rank || (cls !== 'alarm' && m.cls === cls));
    return eligible.sort((a, b) => CLASS_RANK[a.cls] - CLASS_RANK[b.cls] || a.seq - b.seq);
  }
  function expiredAt(nowMs: number): Meta[] {
    return [...order.values()].filter((m) => nowMs - m.storedAtMs > cfg.maxAgeMs[m.cls]);
  }

  let closed = false;
  const check = () => {
    if (closed) throw new EdgePdmError('PDM_OUTBOX_CLOSED', `outbox ${cfg.dir} is closed`);
  };
  /** Commits removals and an optional put in one transaction and waits until it is on disk. */
  async function commit(remove: Meta[], put?: { seq: number; value: Buffer }): Promise<void> {
    await db.transaction(() => {
      for (const m of remove) db.remove(m.seq);
      if (put) db.put(put.seq, put.value);
    });
    await db.flushed;
  }

  async function expire(nowMs = Date.now()): Promise<number> {
    check();
    const old = expiredAt(nowMs);
    if (old.length === 0) return 0;
    for (const m of old) forget(m);
    await commit(old);
    for (const m of old) countDrop(m, 'age');
    return old.length;
  }

  const sweep = setInterval(() => void expire().catch(() => undefined), cfg.sweepEveryMs);
  sweep.unref();

  const toEntry = (m: Meta): OutboxEntry | undefined => {
    const raw = db.get(m.seq);
    const e = raw && decodeEntry(raw);
    if (!e) return undefined;
    return { id: m.id, payload: e.payload, class: m.cls, attempts: m.attempts, storedAtMs: m.storedAtMs, ...(m.lastAttemptAtMs !== undefined ? { lastAttemptAtMs: m.lastAttemptAtMs } : {}) };
  };

  return {
    async put(id, payload, options) {
      check();
      const cls = options?.class ?? 'alarm';
      if (byId.has(id)) return 'duplicate';
      const idBytes = Buffer.byteLength(id, 'utf8');
      if (idBytes === 0 || idBytes > 0xffff) throw new EdgePdmError('PDM_OUTBOX_ID', `outbox id must be 1..65535 bytes, got ${idBytes}`);
      const nowMs = Date.now();
      const size = entryBytes(idBytes, payload.byteLength);
      // Decide synchronously (no await before the in-memory update), so concurrent puts see each other.
      const expired = expiredAt(nowMs);
      let free = cfg.maxBytes - liveBytes + expired.reduce((s, m) => s + m.bytes, 0);
      const evict: Meta[] = [];
      if (free < size) {
        const expiredSet = new Set(expired);
        for (const m of victims(cls)) {
          if (free >= size) break;
          if (expiredSet.has(m)) continue;
          evict.push(m);
          free += m.bytes;
        }
      }
      if (free < size) {
        countDrop({ id, cls, bytes: size }, 'refused');
        throw new OutboxFullError(`outbox ${cfg.dir} holds ${liveBytes} bytes; ${size} more (${cls}) would exceed maxBytes ${cfg.maxBytes} and nothing lower can be dropped`);
      }
      for (const m of [...expired, ...evict]) forget(m);
      const m: Meta = { seq: seq++, id, cls, storedAtMs: nowMs, bytes: size, attempts: 0 };
      byId.set(id, m);
      order.set(m.seq, m);
      liveBytes += size;
      try {
        await commit([...expired, ...evict], { seq: m.seq, value: encodeEntry({ cls, id, storedAtMs: nowMs, payload }) });
      } catch (err) {
        // Not committed: the entry was never accepted. (The drops were not committed either; they
        // stay gone from memory until the next open, which is harmless: the store still has them.)
        forget(m);
        throw err;
      }
      for (const x of expired) countDrop(x, 'age');
      for (const x of evict) countDrop(x, 'bytes');
      return 'stored';
    },
    async delete(id) {
      check();
      const m = byId.get(id);
      if (!m) return false;
      forget(m);
      try {
        await commit([m]);
      } catch (err) {
        byId.set(id, m); // still on disk: keep it pending so the ack can be retried
        order.set(m.seq, m);
        liveBytes += m.bytes;
        throw err;
      }
      return true;
    },
    pending() {
      return [...order.values()].map(toEntry).filter((e): e is OutboxEntry => e !== undefined);
    },
    due(nowMs, backoff) {
      const out: OutboxEntry[] = [];
      for (const m of order.values()) {
        const wait = m.attempts === 0 ? 0 : Math.min(backoff.maxMs, backoff.baseMs * 2 ** (m.attempts - 1));
        if (m.lastAttemptAtMs === undefined || m.lastAttemptAtMs + wait <= nowMs) {
          const e = toEntry(m);
          if (e) out.push(e);
        }
      }
      return out;
    },
    markAttempt(id, atMs) {
      const m = byId.get(id);
      if (!m) return;
      m.attempts++;
      m.lastAttemptAtMs = atMs;
    },
    expire,
    stats() {
      const byClass = Object.fromEntries(OUTBOX_CLASSES.map((c) => [c, { entries: 0, bytes: 0 }])) as OutboxStats['byClass'];
      for (const m of order.values()) {
        byClass[m.cls].entries++;
        byClass[m.cls].bytes += m.bytes;
      }
      return { entries: order.size, bytes: liveBytes, byClass, drops: structuredClone(drops) };
    },
    get size() {
      return order.size;
    },
    get bytes() {
      return liveBytes;
    },
    recoveredTornBytes,
    importedLegacy,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      await db.flushed;
      await db.close();
    },
  };
}
