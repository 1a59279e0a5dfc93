// The append-only audit log on the SqlStore port: every cross-boundary transfer, unwrap, grant,
// decision and ERP/MES write is one record, chained by hash, with an Ed25519-signed checkpoint
// every N records. Appends take a transaction-scoped advisory lock so that several processes
// sharing one PostgreSQL database still build one chain.
import type { SqlExecutor, SqlStore } from '../../core/index.ts';
import { migrate } from '../../store/index.ts';
import { canonicalJson } from '../canonical-json.ts';
import { AUDIT_MIGRATIONS_TABLE, auditMigrations } from './migrations.ts';
import { checkpointMessage, GENESIS_HASH, hashRecord, type AuditEntry, type AuditRecord, type AuditSink } from './record.ts';
import type { CheckpointSigner } from './signer.ts';

export interface AuditLogOptions {
  /** Signs a checkpoint every `checkpointEvery` records; without a signer the chain alone protects the log. */
  signer?: CheckpointSigner;
  /** Records between signed checkpoints (default 100). */
  checkpointEvery?: number;
  /** Wall clock, epoch ms (tests). */
  now?: () => number;
}

export interface AuditLog extends AuditSink {
  /** Appends one record and returns it with its seq and hash. */
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** The last record's seq and hash (seq 0 and the genesis hash when empty). */
  head(): Promise<{ seq: number; hash: string }>;
  /** Records from `afterSeq` on, oldest first (for the dashboard's audit view). */
  list(opts?: { afterSeq?: number; limit?: number }): Promise<AuditRecord[]>;
}

interface Row {
  seq: string | number;
  time_ms: string | number;
  actor: string;
  action: string;
  object: string;
  outcome: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** Turns a stored row into a record (bigint columns arrive as strings from pg). */
export function rowToRecord(r: Row): AuditRecord {
  let detail: Record<string, unknown>;
  try {
    detail = JSON.parse(r.detail) as Record<string, unknown>;
  } catch {
    detail = { unparseable: r.detail };
  }
  return { seq: Number(r.seq), timeMs: Number(r.time_ms), actor: r.actor, action: r.action, object: r.object, outcome: r.outcome, detail, prevHash: r.prev_hash, hash: r.hash };
}

const LOCK_KEY = 'edge-pdm:audit-log';

/** Migrates the audit tables in `store` and returns the log. The store stays the caller's. */
export async function openAuditLog(store: SqlStore, opts: AuditLogOptions = {}): Promise<AuditLog> {
  await migrate(store, auditMigrations, { table: AUDIT_MIGRATIONS_TABLE });
  const every = Math.max(1, Math.floor(opts.checkpointEvery ?? 100));
  const now = opts.now ?? Date.now;

  const headOn = async (tx: SqlExecutor) => {
    const { rows } = await tx.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : { seq: 0, hash: GENESIS_HASH };
  };

  return {
    async append(entry) {
      // Normalise the detail through canonical JSON once, so the stored text re-hashes identically.
      const detail = JSON.parse(canonicalJson(entry.detail ?? {})) as Record<string, unknown>;
      return store.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK_KEY]);
        const prev = await headOn(tx);
        const base = { seq: prev.seq + 1, timeMs: Math.round(entry.timeMs ?? now()), actor: entry.actor, action: entry.action, object: entry.object, outcome: entry.outcome, detail, prevHash: prev.hash };
        const record: AuditRecord = { ...base, hash: hashRecord(base) };
        await tx.query(
          'INSERT INTO audit_log (seq, time_ms, actor, action, object, outcome, detail, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
          [record.seq, record.timeMs, record.actor, record.action, record.object, record.outcome, canonicalJson(detail), record.prevHash, record.hash],
        );
        if (opts.signer && record.seq % every === 0) {
          const s = opts.signer;
          await tx.query('INSERT INTO audit_checkpoints (seq, hash, key_id, public_key, signature, time_ms) VALUES ($1,$2,$3,$4,$5,$6)', [
            record.seq, record.hash, s.keyId, s.publicKeyPem, s.sign(checkpointMessage(record.seq, record.hash)), record.timeMs,
          ]);
        }
        return record;
      });
    },
    head: () => headOn(store),
    async list({ afterSeq = 0, limit = 1000 } = {}) {
      const { rows } = await store.query<Row>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);
      return rows.map(rowToRecord);
    },
  };
}
