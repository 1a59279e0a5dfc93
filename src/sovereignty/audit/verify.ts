// Proves the audit log intact or names the first altered, removed or reordered entry: re-computes
// every record's hash, follows the prevHash links, and checks each signed checkpoint (signature,
// and that the record it attests still carries the signed hash).
import type { SqlExecutor } from '../../core/index.ts';
import { checkpointMessage, GENESIS_HASH, hashRecord, type AuditRecord } from './record.ts';
import { rowToRecord } from './log.ts';
import { keyIdOf, verifySignature } from './signer.ts';
import { createPublicKey } from 'node:crypto';

export type AuditProblemKind = 'altered' | 'removed' | 'reordered' | 'checkpoint';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The first entry concerned. */
  seq: number;
  message: string;
}

export interface AuditVerdict {
  intact: boolean;
  records: number;
  checkpoints: number;
  /** Key ids whose signatures were checked; `pinned` when they came from trustedKeys, else from the store. */
  keys: { keyId: string; pinned: boolean }[];
  /** The first problem by seq, when not intact. */
  problem?: AuditProblem;
  problems: AuditProblem[];
  /** One line for people. */
  summary: string;
}

interface CheckpointRow {
  seq: string | number;
  hash: string;
  key_id: string;
  public_key: string;
  signature: string;
}

/** Walks the chain and returns the first problem in it, if any. */
function walkChain(records: AuditRecord[]): AuditProblem | undefined {
  const indexOfHash = new Map(records.map((r, i) => [r.hash, i]));
  const seqs = records.map((r) => r.seq);
  let prev = GENESIS_HASH;
  let expected = 1;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.seq > expected) {
      const gap = r.seq - 1 === expected ? `entry ${expected}` : `entries ${expected}-${r.seq - 1}`;
      return { kind: 'removed', seq: expected, message: `${gap} removed: the log jumps from ${expected - 1} to ${r.seq}` };
    }
    const linkIndex = indexOfHash.get(r.prevHash);
    if (hashRecord(r) !== r.hash) {
      // Intact content written under another seq means the entry was moved, not edited.
      const movedFrom = seqs.find((s) => s !== r.seq && hashRecord({ ...r, seq: s }) === r.hash);
      if (movedFrom !== undefined) {
        if (linkIndex !== undefined && linkIndex > i) {
          return { kind: 'reordered', seq: r.seq, message: `entry ${r.seq} reordered: the record stored there was written as entry ${movedFrom}` };
        }
        if (r.prevHash !== prev && linkIndex === undefined) {
          return { kind: 'removed', seq: r.seq, message: `entry ${r.seq} removed: the record stored there was written as entry ${movedFrom} and the later entries renumbered` };
        }
        return { kind: 'altered', seq: r.seq, message: `entry ${r.seq} altered: its sequence number was changed (written as ${movedFrom})` };
      }
      return { kind: 'altered', seq: r.seq, message: `entry ${r.seq} altered: its content no longer matches its hash` };
    }
    if (r.prevHash !== prev) {
      if (linkIndex !== undefined && linkIndex > i) {
        return { kind: 'reordered', seq: r.seq, message: `entry ${r.seq} reordered: it links to entry ${records[linkIndex]!.seq}, which comes after it` };
      }
      const before = i > 0 ? records[i - 1]!.seq : 0;
      return {
        kind: 'altered',
        seq: before || r.seq,
        message: before ? `entry ${before} altered: it was re-hashed, and entry ${r.seq}'s link to it no longer matches` : `entry ${r.seq} altered: the first entry does not start from the genesis hash`,
      };
    }
    prev = r.hash;
    expected = r.seq + 1;
  }
  return undefined;
}

/** Verifies the audit log in `store`; `trustedKeys` (PEM public keys) pins the checkpoint signers. */
export async function verifyAudit(store: SqlExecutor, opts: { trustedKeys?: string[] } = {}): Promise<AuditVerdict> {
  const { rows } = await store.query<Parameters<typeof rowToRecord>[0]>('SELECT * FROM audit_log ORDER BY seq');
  const records = rows.map(rowToRecord);
  const { rows: cps } = await store.query<CheckpointRow>('SELECT seq, hash, key_id, public_key, signature FROM audit_checkpoints ORDER BY seq');
  const problems: AuditProblem[] = [];
  const chain = walkChain(records);
  if (chain) problems.push(chain);

  const trusted = new Map<string, string>();
  for (const pem of opts.trustedKeys ?? []) trusted.set(keyIdOf(createPublicKey(pem)), pem);
  const keys = new Map<string, boolean>();
  const bySeq = new Map(records.map((r) => [r.seq, r]));
  const lastSeq = records.length ? records[records.length - 1]!.seq : 0;
  for (const c of cps) {
    const seq = Number(c.seq);
    let pem = c.public_key;
    if (opts.trustedKeys) {
      const t = trusted.get(c.key_id);
      if (!t) {
        problems.push({ kind: 'checkpoint', seq, message: `checkpoint at entry ${seq}: signed by key ${c.key_id}, which is not among the trusted keys` });
        continue;
      }
      pem = t;
    }
    keys.set(c.key_id, opts.trustedKeys !== undefined);
    if (!verifySignature(pem, checkpointMessage(seq, c.hash), c.signature)) {
      problems.push({ kind: 'checkpoint', seq, message: `checkpoint at entry ${seq}: its Ed25519 signature (key ${c.key_id}) does not verify` });
      continue;
    }
    const r = bySeq.get(seq);
    if (!r) {
      problems.push({ kind: 'removed', seq: Math.min(seq, lastSeq + 1), message: seq > lastSeq ? `entries ${lastSeq + 1}-${seq} removed: a signed checkpoint attests entry ${seq}, the log ends at ${lastSeq}` : `entry ${seq} removed: a signed checkpoint attests it` });
    } else if (r.hash !== c.hash) {
      problems.push({ kind: 'altered', seq, message: `entries up to ${seq} rewritten: entry ${seq} no longer carries the hash its signed checkpoint attests` });
    }
  }
  problems.sort((a, b) => a.seq - b.seq);
  const problem = problems[0];
  const keyList = [...keys.entries()].map(([keyId, pinned]) => ({ keyId, pinned }));
  const summary = problem
    ? `audit log NOT intact: ${problem.message}`
    : `audit log intact: ${records.length} entries, chain verified, ${cps.length} signed checkpoint(s) verified${keyList.length && !opts.trustedKeys ? ' (keys taken from the store itself; pin them with trusted keys)' : ''}`;
  return { intact: !problem, records: records.length, checkpoints: cps.length, keys: keyList, problem, problems, summary };
}
