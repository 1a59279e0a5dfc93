// Sovereignty end to end in one process (memory broker, memory queue, PGlite), wired as the demo
// wires it (src/cli/sovereignty.ts): an escalation crosses the link only sealed and is decided;
// after the site revokes the cloud's grant nothing of it decrypts and the cloud says so; no raw
// waveform sample reaches any cloud-side table or message; the audit log verifies intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeJson, Escalation, subjects, type EscalationAck } from '../../src/core/index.ts';
import { runAuditVerify } from '../../src/cli/commands/audit.ts';
import { notSealed, statusTells } from '../support/sealed-bus.ts';
import { rig, SITE, tableTexts, text, waitUntil, waveformRuns } from '../support/sovereignty-rig.ts';

test('e2e sovereignty - an escalation crosses the link sealed, is decided, and the cloud row carries its jurisdiction', { timeout: 120_000 }, async (t) => {
  const r = await rig(t);
  await r.feed('p1', 0, 40, false);
  await r.feed('p1', 40, 70, true);
  await waitUntil(() => r.acks.some((a) => a.outcome === 'decided'), 'a decided ack');
  await waitUntil(() => r.agent.stats().pendingOutbox === 0, 'the outbox emptied by the ack');

  const onLink = r.wire.filter((m) => m.subject === subjects.escalation(SITE));
  assert.ok(onLink.length >= 1);
  for (const m of onLink) {
    const raw = JSON.parse(text(m.data)) as Record<string, unknown>;
    assert.equal(raw['kind'], 'edge-pdm.sealed');
    assert.equal(raw['jurisdiction'], 'DE');
    assert.equal(Escalation.safeParse(raw).success, false, 'no escalation readable on the link');
    assert.ok(!text(m.data).includes('"evidence"') && !text(m.data).includes('accel.'), 'no field of the evidence readable on the link');
  }
  // Statuses leave sealed too: no field and no machine of theirs readable on the link.
  const statuses = r.wire.filter((m) => m.subject === subjects.status(SITE));
  assert.ok(statuses.length >= 5, `${statuses.length} statuses`);
  for (const m of statuses) {
    assert.equal(notSealed(m), undefined);
    for (const tell of statusTells(['p1', 'p2'])) assert.ok(!text(m.data).includes(tell), `${tell} readable in a status`);
  }
  assert.ok(r.cloud.fleet().some((m) => m.machine === 'p1' && m.status), 'the cloud opened the sealed statuses');
  const decided = r.acks.find((a) => a.outcome === 'decided')!;
  assert.equal(decided.escalationId, JSON.parse(text(onLink[0]!.data)).escalationId);
  const inc = r.cloud.incidents().find((i) => i.escalation.id === decided.escalationId);
  assert.ok(inc?.outcome?.workOrderId, 'the cloud decided on the decrypted escalation');
  const { rows } = await r.store.query<{ jurisdiction: string | null }>('SELECT jurisdiction FROM escalations WHERE id = $1', [decided.escalationId]);
  assert.equal(rows[0]?.jurisdiction, 'DE');

  // The edge keeps sending (statuses, a re-raised alarm) while the summary is built: bracket it.
  const bytesBefore = r.agent.stats().linkBytesOut;
  const summary = await r.sov.dashboardSource.summary();
  const bytesAfter = r.agent.stats().linkBytesOut;
  const site = summary.sites.find((s) => s.site === SITE);
  assert.equal(site?.grant, 'active');
  assert.ok((site?.messagesOut ?? 0) >= onLink.length + 1, 'statuses and escalations counted');
  assert.ok(site && site.bytesOut >= bytesBefore && site.bytesOut <= bytesAfter, `${site?.bytesOut} bytes counted, the link sent ${bytesBefore}..${bytesAfter}`);
  assert.ok((site?.classesOut['derived-feature'] ?? 0) >= 1);
  assert.ok(summary.audit.ok && summary.audit.entries > 0);
});

test('e2e sovereignty - after the site revokes its grant a new escalation is not decrypted, the cloud says "revoked", the dashboard shows it', { timeout: 120_000 }, async (t) => {
  const r = await rig(t);
  await r.feed('p1', 0, 40, false);
  await r.feed('p1', 40, 70, true);
  await waitUntil(() => r.acks.some((a) => a.outcome === 'decided'), 'the first incident decided');
  const firstEnvelope = JSON.parse(text(r.wire.find((m) => m.subject === subjects.escalation(SITE))!.data)) as unknown;

  assert.equal(await r.sov.revoke(SITE), 1);
  const decidedBefore = r.cloud.incidents().filter((i) => i.outcome).length;
  await r.feed('p2', 0, 40, false);
  await r.feed('p2', 40, 70, true);
  // p2's escalation is the new one; p1 may also re-raise after the revocation, refused the same way.
  const isP2Refusal = (a: EscalationAck) => a.outcome === 'rejected' && /\.p2\./.test(a.escalationId);
  await waitUntil(() => r.acks.some(isP2Refusal), 'the refusal ack');
  await waitUntil(() => r.agent.stats().pendingOutbox === 0, 'the edge to stop resending');

  const refused = r.acks.find(isP2Refusal)!;
  assert.match(refused.detail ?? '', /^grant-revoked: site s1 revoked the cloud's grant at \S+: evidence from s1 cannot be decrypted$/);
  assert.ok(r.cloud.stats()['cloud.intake.revoked']! >= 1);
  assert.ok(r.cloud.deadLetters.list().some((d) => /revoked the cloud's grant/.test(d.reason)));
  assert.equal(r.cloud.incidents().filter((i) => i.outcome).length, decidedBefore, 'nothing decided after the revocation');
  assert.ok(!r.cloud.incidents().some((i) => i.escalation.machine === 'p2'), 'nothing of the refused escalation is known to the cloud');

  // Crypto-shredding: evidence stored before the revocation cannot be read either.
  const again = await r.sov.inboundGuard.open(firstEnvelope);
  assert.equal(again.ok ? 'opened' : again.code, 'grant-revoked');

  const site = (await r.sov.dashboardSource.summary()).sites.find((s) => s.site === SITE);
  assert.equal(site?.grant, 'revoked');
});

test('e2e sovereignty - no raw waveform sample reaches a cloud-side table or message; audit verify says intact', { timeout: 120_000 }, async (t) => {
  const r = await rig(t);
  await r.feed('p1', 0, 40, false);
  await r.feed('p1', 40, 70, true);
  await waitUntil(() => r.acks.some((a) => a.outcome === 'decided'), 'a decided ack');

  // The scanner can fail: it finds the samples in one window's own JSON.
  assert.ok(waveformRuns(r.windows, text(encodeJson(r.windows[45]))) > 1000, 'the scanner must see a leaked window');

  const found: string[] = [];
  for (const m of r.wire) if (waveformRuns(r.windows, text(m.data)) > 0) found.push(`message on ${m.subject}`);
  for (const v of await tableTexts(r.store)) if (waveformRuns(r.windows, v.value) > 0) found.push(`${v.table}.${v.column}`);
  if (waveformRuns(r.windows, JSON.stringify(r.cloud.incidents())) > 0) found.push('cloud incidents in memory');
  if (waveformRuns(r.windows, JSON.stringify(r.cloud.deadLetters.list())) > 0) found.push('cloud dead letters');
  assert.deepEqual(found, []);
  // What did reach the cloud is the evidence (derived features of those windows), kept sealed at
  // rest: the row holds the envelope as it arrived and only the header in clear (sovereignty-at-rest).
  const { rows } = await r.store.query<{ payload: unknown; sealed: unknown }>('SELECT payload, sealed FROM escalations');
  assert.ok(rows.length >= 1 && rows[0]!.sealed != null, 'the envelope is stored');
  assert.ok(!JSON.stringify(rows[0]!.payload).includes('accel.'), 'no decrypted evidence is stored');
  assert.ok(JSON.stringify(r.cloud.incidents()).includes('accel.'), 'the evidence reads through the guard');

  const verdict = await runAuditVerify(r.store);
  assert.ok(verdict.intact, verdict.summary);
  assert.ok(verdict.checkpoints >= 1, 'signed checkpoints were written');
  const { rows: actions } = await r.store.query<{ action: string }>('SELECT DISTINCT action FROM audit_log');
  for (const a of ['keys.grant', 'transfer.policy', 'keys.wrap', 'transfer.seal', 'keys.unwrap', 'evidence.open', 'decision.commit']) {
    assert.ok(actions.some((x) => x.action === a), `${a} not audited`);
  }
});
