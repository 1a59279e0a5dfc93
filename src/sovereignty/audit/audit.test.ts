import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgliteStore } from '../../store/index.ts';
import type { SqlStore } from '../../core/index.ts';
import { openAuditLog } from './log.ts';
import { createSigner, generateSigningKeyPem } from './signer.ts';
import { verifyAudit } from './verify.ts';
import { GENESIS_HASH, hashRecord } from './record.ts';
import { rowToRecord } from './log.ts';

const KEY = generateSigningKeyPem();

// One PGlite for the file (opening one takes seconds on a busy machine); each test starts from empty tables.
let shared: Promise<SqlStore> | undefined;
after(async () => (shared ? (await shared).close() : undefined));

/** The shared store, emptied, with `n` audit records and a checkpoint every 5. */
async function logWith(n: number): Promise<SqlStore> {
  shared ??= createPgliteStore();
  const store = await shared;
  await store.query('DROP TABLE IF EXISTS audit_log, audit_checkpoints, sovereignty_audit_migrations');
  const log = await openAuditLog(store, { signer: createSigner(KEY), checkpointEvery: 5, now: () => 1_763_900_000_000 });
  for (let i = 1; i <= n; i++) {
    await log.append({ actor: i % 2 ? 'edge:site-a' : 'cloud-eu', action: i % 3 ? 'transfer.policy' : 'keys.unwrap', object: `escalation:${i}`, outcome: 'ok', detail: { i, note: `entry ${i}`, nested: { b: 2, a: [1, 2.5] } } });
  }
  return store;
}

test('audit - an untouched log verifies, with its chain and signed checkpoints', async () => {
  const store = await logWith(12);
  const v = await verifyAudit(store);
  assert.equal(v.intact, true, v.summary);
  assert.equal(v.records, 12);
  assert.equal(v.checkpoints, 2);
  assert.match(v.summary, /intact: 12 entries/);
  const pinned = await verifyAudit(store, { trustedKeys: [createSigner(KEY).publicKeyPem] });
  assert.equal(pinned.intact, true);
  assert.deepEqual(pinned.keys.map((k) => k.pinned), [true]);
  const first = await store.query<{ prev_hash: string }>('SELECT prev_hash FROM audit_log WHERE seq = 1');
  assert.equal(first.rows[0]!.prev_hash, GENESIS_HASH);
});

test('audit - verify names an edited entry', async () => {
  const store = await logWith(12);
  await store.query(`UPDATE audit_log SET outcome = 'refused' WHERE seq = 7`);
  const v = await verifyAudit(store);
  assert.equal(v.intact, false);
  assert.deepEqual([v.problem!.kind, v.problem!.seq], ['altered', 7]);
  assert.match(v.summary, /entry 7 altered/);
});

test('audit - verify names a deleted entry', async () => {
  const store = await logWith(12);
  await store.query('DELETE FROM audit_log WHERE seq = 4');
  const v = await verifyAudit(store);
  assert.deepEqual([v.problem!.kind, v.problem!.seq], ['removed', 4]);
  assert.match(v.summary, /entry 4 removed/);
});

test('audit - verify names a deletion hidden by renumbering the later entries', async () => {
  const store = await logWith(12);
  await store.query('DELETE FROM audit_log WHERE seq = 4');
  await store.query('UPDATE audit_log SET seq = seq - 1 WHERE seq > 4');
  const v = await verifyAudit(store);
  assert.deepEqual([v.problem!.kind, v.problem!.seq], ['removed', 4]);
});

test('audit - verify names two swapped entries as reordered', async () => {
  const store = await logWith(12);
  await store.query('UPDATE audit_log SET seq = -1 WHERE seq = 8');
  await store.query('UPDATE audit_log SET seq = 8 WHERE seq = 9');
  await store.query('UPDATE audit_log SET seq = 9 WHERE seq = -1');
  const v = await verifyAudit(store);
  assert.deepEqual([v.problem!.kind, v.problem!.seq], ['reordered', 8]);
  assert.match(v.summary, /entry 8 reordered/);
});

test('audit - verify catches a broken checkpoint signature and an unknown signing key', async () => {
  const store = await logWith(12);
  const sig = (await store.query<{ signature: string }>('SELECT signature FROM audit_checkpoints WHERE seq = 10')).rows[0]!.signature;
  const flipped = Buffer.from(sig, 'base64');
  flipped[3] = flipped[3]! ^ 1;
  await store.query('UPDATE audit_checkpoints SET signature = $1 WHERE seq = 10', [flipped.toString('base64')]);
  const v = await verifyAudit(store);
  assert.deepEqual([v.problem!.kind, v.problem!.seq], ['checkpoint', 10]);
  assert.match(v.summary, /signature .* does not verify/);
  const other = createSigner(generateSigningKeyPem());
  const pinned = await verifyAudit(store, { trustedKeys: [other.publicKeyPem] });
  assert.equal(pinned.problem!.kind, 'checkpoint');
  assert.match(pinned.problem!.message, /not among the trusted keys/);
});

test('audit - a rewritten chain (every hash recomputed) and a cut tail are caught by the checkpoints', async () => {
  const store = await logWith(12);
  // Cut the tail: entries 10-12 gone, the chain before them is consistent, the checkpoint at 10 is not.
  await store.query('DELETE FROM audit_log WHERE seq >= 10');
  const v = await verifyAudit(store);
  assert.deepEqual([v.problem!.kind, v.problem!.seq], ['removed', 10]);
  // Rewrite entry 3 and recompute every later hash, as someone with write access but no signing key would.
  const { rows } = await store.query<Parameters<typeof rowToRecord>[0]>('SELECT * FROM audit_log ORDER BY seq');
  let prev = GENESIS_HASH;
  for (const r of rows.map(rowToRecord)) {
    if (r.seq >= 3) {
      const base = { ...r, outcome: r.seq === 3 ? 'refused' : r.outcome, prevHash: prev };
      const hash = hashRecord(base);
      await store.query('UPDATE audit_log SET outcome = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [r.seq, base.outcome, prev, hash]);
      prev = hash;
    } else prev = r.hash;
  }
  const w = await verifyAudit(store);
  assert.equal(w.intact, false);
  assert.deepEqual([w.problem!.kind, w.problem!.seq], ['altered', 5]);
  assert.match(w.problem!.message, /entries up to 5 rewritten/);
});

test('audit - concurrent appends still form one chain', async () => {
  const store = await logWith(0);
  const log = await openAuditLog(store, { signer: createSigner(KEY), checkpointEvery: 4 });
  await Promise.all(Array.from({ length: 20 }, (_, i) => log.append({ actor: 'a', action: 'x', object: `o${i}`, outcome: 'ok' })));
  assert.equal((await log.head()).seq, 20);
  assert.equal((await verifyAudit(store)).intact, true);
  assert.equal((await log.list({ afterSeq: 18 })).length, 2);
});
