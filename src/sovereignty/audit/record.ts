// An audit record and its hash: SHA-256 over the canonical JSON of the record's fields together
// with the previous record's hash, so changing, removing or reordering any record breaks the chain
// (Haber & Stornetta, "How to time-stamp a digital document", J. Cryptology 1991; RFC 6962's log).
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';

/** The hash before the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a caller appends: who did what to which object, and how it went. */
export interface AuditEntry {
  actor: string;
  action: string;
  object: string;
  outcome: 'ok' | 'refused' | 'failed' | (string & {});
  detail?: Record<string, unknown>;
  /** Wall time, epoch ms; defaults to now. */
  timeMs?: number;
}

/** A stored record of the chain. */
export interface AuditRecord {
  seq: number;
  timeMs: number;
  actor: string;
  action: string;
  object: string;
  outcome: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** Anything that accepts audit entries: the SQL log, or a stand-in in tests. */
export interface AuditSink {
  append(entry: AuditEntry): Promise<unknown>;
}

/** SHA-256 (hex) over the canonical JSON of the record without its hash; prevHash is inside. */
export function hashRecord(r: Omit<AuditRecord, 'hash'>): string {
  const body = canonicalJson({ seq: r.seq, timeMs: r.timeMs, actor: r.actor, action: r.action, object: r.object, outcome: r.outcome, detail: r.detail, prevHash: r.prevHash });
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/** The bytes a checkpoint signs: the log's name, the sequence number and the hash at it. */
export function checkpointMessage(seq: number, hash: string): Buffer {
  return Buffer.from(canonicalJson({ log: 'edge-pdm.audit.v1', seq, hash }), 'utf8');
}
