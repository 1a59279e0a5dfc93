// Crypto-shredding end to end (issue 7): after a sealed run the cloud's tables hold no evidence in
// clear (feature names with their values, spectra); the incident's evidence reads through the
// plant's grant; after the site revokes it, every read of stored evidence (incident view, restart
// reload, confirmCase) is the refusal "site S revoked the cloud's grant at T: stored evidence
// cannot be decrypted", counted and shown, while the cloud's diagnosis and decision stay readable;
// a redelivered escalation is refused as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryQueue } from '../../src/transport/index.ts';
import { subjects, type Escalation } from '../../src/core/index.ts';
import { createDiagnosisService } from '../../src/cloud/index.ts';
import { rig, SITE, tableTexts, text, waitUntil } from '../support/sovereignty-rig.ts';

const REFUSAL = /^site s1 revoked the cloud's grant at \S+: stored evidence cannot be decrypted$/;

/**
 * Where an escalation's evidence shows in `haystack`: a feature name followed by its value (JSON or
 * PostgreSQL's jsonb text, which puts a space after the colon), a long printed value alone (≥ 9
 * characters cannot recur by chance), or three spectrum bins in a row.
 */
function evidenceTells(esc: Escalation, haystack: string): string[] {
  const found: string[] = [];
  const ev = esc.evidence;
  for (const [name, value] of Object.entries(ev.features)) {
    const v = JSON.stringify(value);
    const escName = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`"${escName}":\\s?${v.replace(/[.+-]/g, '\\$&')}(?![0-9])`).test(haystack)) found.push(`${name}=${v}`);
    else if (v.length >= 9 && haystack.includes(v)) found.push(`value of ${name}`);
  }
  for (const spec of [ev.spectra?.velocity.values, ev.spectra?.envelope.values]) {
    const bins = (spec ?? []).filter((x) => JSON.stringify(x).length >= 6).map((x) => JSON.stringify(x));
    for (let i = 0; i + 2 < bins.length; i++) {
      if (haystack.includes(`${bins[i]}, ${bins[i + 1]}, ${bins[i + 2]}`) || haystack.includes(`${bins[i]},${bins[i + 1]},${bins[i + 2]}`)) {
        found.push('spectrum bins');
        break;
      }
    }
  }
  return found;
}

test('e2e sovereignty at rest - no plaintext evidence in the cloud tables; after revocation stored evidence is refused plainly, counted and shown', { timeout: 180_000 }, async (t) => {
  const r = await rig(t);
  await r.feed('p1', 0, 40, false);
  await r.feed('p1', 40, 70, true);
  await waitUntil(() => r.acks.some((a) => a.outcome === 'decided'), 'a decided ack');
  const id = r.acks.find((a) => a.outcome === 'decided')!.escalationId;
  const inc = r.cloud.incidents().find((i) => i.escalation.id === id)!;
  const esc = inc.escalation;
  assert.ok(Object.keys(esc.evidence.features).length >= 5, 'the decided incident carries its evidence in memory');
  assert.equal(inc.evidenceRefusal, undefined);

  // The scanner can fail: it finds the evidence in the escalation's JSON and in its jsonb text form.
  assert.ok(evidenceTells(esc, JSON.stringify(esc)).length >= 5);
  const { rows: asJsonb } = await r.store.query<{ v: string }>('SELECT $1::text::jsonb::text AS v', [JSON.stringify(esc)]);
  assert.ok(evidenceTells(esc, asJsonb[0]!.v).length >= 5, 'the scanner must see evidence printed by PostgreSQL');

  const leaks: string[] = [];
  for (const v of await tableTexts(r.store)) for (const tell of evidenceTells(esc, v.value)) leaks.push(`${v.table}.${v.column}: ${tell}`);
  assert.deepEqual(leaks, []);
  const { rows } = await r.store.query<{ sealed: unknown; details: unknown }>('SELECT e.sealed, d.details FROM escalations e JOIN diagnoses d ON d.escalation_id = e.id WHERE e.id = $1', [id]);
  assert.equal((rows[0]?.sealed as { kind?: string }).kind, 'edge-pdm.sealed', 'the envelope is stored as it arrived');
  assert.equal((rows[0]?.details as { kind?: string }).kind, 'edge-pdm.sealed', 'the diagnosis details are sealed beside it');

  // Before revocation: a restarted worker reads the evidence back through the grant; confirmCase works.
  const before = await createDiagnosisService({ store: r.store, queue: createMemoryQueue(), enterprise: { requestMaintenance: () => Promise.reject(new Error('unused')) }, inboundGuard: r.sov.inboundGuard, durable: 'reader-1', statusDurable: 'reader-1s' });
  t.after(() => before.close());
  assert.deepEqual(before.incidents().find((i) => i.escalation.id === id)?.escalation.evidence, esc.evidence);
  assert.deepEqual(await r.cloud.checkEvidence(), { [SITE]: 'readable' });
  assert.deepEqual(await r.cloud.confirmCase(id, 'bearing-outer-race'), { ok: true, cases: 1 });

  assert.equal(await r.sov.revoke(SITE), 1);
  // Without a notice the cloud learns of it at its next fresh read (periodic, or asked here).
  const checked = await r.cloud.checkEvidence();
  assert.match(checked[SITE] ?? '', REFUSAL);

  const shown = r.cloud.snapshot().incidents.find((i) => i.escalation.id === id)!;
  assert.match(shown.evidenceRefusal?.reason ?? '', REFUSAL);
  assert.equal(shown.evidenceRefusal?.site, SITE);
  assert.deepEqual(shown.escalation.evidence.features, {}, 'the evidence left memory');
  assert.equal(shown.diagnosis?.faultType, inc.diagnosis?.faultType, "the cloud's own diagnosis stays readable");
  assert.equal(shown.outcome?.workOrderId, inc.outcome?.workOrderId, 'and its decision');
  assert.equal(r.cloud.stats()['cloud.evidence.revoked_sites'], 1);

  // Every other read path of stored evidence refuses the same way, and counts it.
  const refusedBefore = r.cloud.stats()['cloud.evidence.refused']!;
  const confirm = await r.cloud.confirmCase(id, 'bearing-inner-race');
  assert.equal(confirm.ok, false);
  assert.match(confirm.ok ? '' : confirm.reason, REFUSAL);
  const after = await createDiagnosisService({ store: r.store, queue: createMemoryQueue(), enterprise: { requestMaintenance: () => Promise.reject(new Error('unused')) }, inboundGuard: r.sov.inboundGuard, durable: 'reader-2', statusDurable: 'reader-2s' });
  t.after(() => after.close());
  const reloaded = after.incidents().find((i) => i.escalation.id === id)!;
  assert.match(reloaded.evidenceRefusal?.reason ?? '', REFUSAL);
  assert.equal(reloaded.outcome?.workOrderId, inc.outcome?.workOrderId);
  assert.ok(after.stats()['cloud.evidence.refused']! >= 1);
  assert.ok(r.cloud.stats()['cloud.evidence.refused']! > refusedBefore);

  // A redelivered escalation is refused as before (the edge is told why), and decides nothing.
  const wire = r.wire.find((m) => m.subject === subjects.escalation(SITE))!;
  assert.ok(text(wire.data).includes('edge-pdm.sealed'));
  const rejected = () => r.acks.filter((a) => a.outcome === 'rejected' && a.escalationId === id);
  await r.link.publish(wire.subject, wire.data);
  await waitUntil(() => rejected().length >= 1, 'the refusal of the redelivery');
  assert.match(rejected()[0]!.detail ?? '', /^grant-revoked: site s1 revoked the cloud's grant at \S+: evidence from s1 cannot be decrypted$/);
  assert.ok(r.cloud.stats()['cloud.intake.revoked']! >= 1);
});
