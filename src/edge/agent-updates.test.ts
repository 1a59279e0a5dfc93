// The agent's evidence updates of an open incident (incident-updates.ts wired in agent.ts): none
// before the cloud acked the escalation, then one per `everyMs` of event time on the update
// subject, each with its own id, held in the outbox below alarms until its own ack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearingDefectOrders, decodeJson, encodeJson, encodeWindowBinary, Escalation, IncidentUpdate, machineTopic, subjects } from '../core/index.ts';
import { createMemoryBroker, createMemoryQueue, createMemoryTransport } from '../transport/index.ts';
import { createEdgeAgent } from './agent.ts';
import { add, bearingImpacts, gaussian, rng, testBirth, tone, windowOf } from './features/synthetic.test-support.ts';
import { waitUntil as waitFor } from '../../test/support/wait.ts';

const N = 4096;
const RATE = 10240;
const BPFO_HZ = bearingDefectOrders(testBirth.bearing).bpfo * 25;
const addr = { site: testBirth.site, line: testBirth.line, machine: testBirth.machine };
const MIN = 60_000;

const waitUntil = (predicate: () => boolean, what: string, timeoutMs = 20_000) => waitFor(predicate, what, timeoutMs);

/** One-minute pump windows; from `faultFrom` on an outer-race fault whose impacts grow with time. */
function pumpWindow(i: number, faultFrom: number) {
  const u = rng(1000 + i);
  const grow = i < faultFrom ? 0 : 2 + 0.05 * (i - faultFrom);
  const vib = add(tone(N, RATE, 25, 0.5, u() * 6), tone(N, RATE, 50, 0.1, u() * 6), gaussian(N, 5000 + i, 0.5), grow ? bearingImpacts(N, RATE, BPFO_HZ, 3000, grow) : new Array<number>(N).fill(0));
  return windowOf(vib, { seq: i, ts: 1_700_000_000_000 + i * MIN, tempC: 45 + (u() - 0.5) * 0.4, rpm: 1500 + (u() - 0.5) * 4 });
}

test('agent updates - after the escalation\'s ack, one evidence update per everyMs of event time, each acked on its own', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'pdm-edge-upd-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const broker = createMemoryBroker();
  const plant = createMemoryTransport(broker);
  const queue = createMemoryQueue({ ackWaitMs: 2000 });
  const escalations: Escalation[] = [];
  // By id: delivery is at least once (the resend timer may send a fresh entry a second time).
  const received = new Map<string, IncidentUpdate>();
  await queue.consume(subjects.escalation(addr.site), 'test-cloud', async (m) => {
    const r = decodeJson(Escalation, m.data);
    if (r.ok) escalations.push(r.value);
    return 'ack';
  });
  await queue.consume(subjects.update(addr.site), 'test-cloud-updates', async (m) => {
    const r = decodeJson(IncidentUpdate, m.data);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    if (r.ok) received.set(r.value.id, r.value);
    return 'ack';
  });
  await plant.publish(machineTopic(addr, 'birth'), encodeJson(testBirth), { retain: true });
  const agent = await createEdgeAgent({
    site: addr.site, transport: createMemoryTransport(broker), link: queue, dataDir, resendAfterMs: 60_000, statusEveryWindows: 10, calibration: { minScores: 8 },
    updates: { everyMs: 10 * MIN },
  });
  t.after(async () => {
    await agent.close();
    await queue.close();
  });
  await waitUntil(() => agent.counters.get('edge.births') === 1, 'the birth');
  let sent = 0;
  const send = async (i: number) => {
    const w = pumpWindow(i, 40);
    await plant.publish(machineTopic(addr, 'telemetry'), i % 2 ? encodeWindowBinary(w) : encodeJson(w));
    const target = ++sent;
    await waitUntil(() => agent.stats().windows + agent.stats().deadLetters >= target, `window ${i}`);
  };
  const ack = (id: string) => queue.publish(subjects.ack(addr.site), encodeJson({ v: 1, escalationId: id, site: addr.site, outcome: 'decided' }));

  for (let i = 0; i < 40; i++) await send(i);
  for (let i = 40; i < 70; i++) await send(i);
  await waitUntil(() => escalations.length >= 1, 'the escalation');
  assert.equal(received.size, 0, 'no update while the cloud has not decided on the incident');
  const esc = escalations[0]!;
  await ack(esc.id);
  await waitUntil(() => agent.stats().acked === 1, 'the escalation\'s ack');

  for (let i = 70; i < 95; i++) await send(i);
  // Settled: every update stored is counted and on the link (storing, counting and sending are async).
  const settled = () => received.size === agent.stats().updates && agent.outboxStats().byClass.status.entries === received.size;
  await waitUntil(() => received.size >= 2 && settled(), 'two updates or more, all on the link');
  const updates = [...received.values()].sort((a, b) => a.ts - b.ts);
  assert.ok(updates.every((u) => u.incidentId === esc.id && u.openedAt === esc.openedAt), 'updates of the open incident');
  assert.ok(updates.every((u) => u.id === `${esc.id}.u${u.ts}`), 'each with its own stable id: the incident and its window\'s event time');
  const gaps = updates.slice(1).map((u, k) => u.ts - updates[k]!.ts);
  assert.ok(gaps.every((g) => g >= 10 * MIN), `at most one per 10 min of event time: ${gaps}`);
  assert.ok(updates[0]!.ts - esc.openedAt >= 10 * MIN || updates[0]!.severity !== esc.severity, 'the first after everyMs, or on a severity change');
  for (const u of updates) {
    assert.equal(u.evidence.spectra, undefined, 'no spectra: the escalation showed them');
    const rms = u.evidence.trends?.['accel.rmsMs2'];
    assert.ok(rms && rms.tHours.every((h) => h <= 0 && h > -1), `only history since the last evidence sent (${rms?.tHours})`);
  }
  // Held in the outbox, below alarms, until their own acks.
  const byClass = agent.outboxStats().byClass;
  assert.equal(byClass.status.entries, updates.length);
  assert.equal(byClass.alarm.entries, 0);
  for (const u of updates) await ack(u.id);
  await waitUntil(() => agent.stats().updatesAcked === updates.length, 'the updates\' acks');
  assert.equal(agent.stats().pendingOutbox, 0);
  assert.equal(agent.stats().acked, 1, 'update acks are not counted as escalation acks');
  assert.ok(agent.counters.get('edge.link.bytes_out.update') > 0);

  // The cloud refuses a later update (the incident closed there, e.g. repaired): no more are sent.
  for (let i = 95; i < 106; i++) await send(i);
  await waitUntil(() => received.size === agent.stats().updates && agent.stats().updates > agent.stats().updatesAcked && agent.outboxStats().byClass.status.entries === 1, 'one more update');
  const last = [...received.values()].sort((a, b) => a.ts - b.ts).at(-1)!;
  await queue.publish(subjects.ack(addr.site), encodeJson({ v: 1, escalationId: last.id, site: addr.site, outcome: 'rejected', detail: 'closed' }));
  // The refusal's counter, not the empty outbox: the entry leaves the outbox's count before the
  // agent's ack handler resumes from the delete and marks the incident refused.
  await waitUntil(() => agent.counters.get('edge.update_acked.rejected') === 1 && agent.stats().pendingOutbox === 0, 'the refusal');
  const count = received.size;
  for (let i = 106; i < 130; i++) await send(i);
  assert.equal(agent.stats().updates, count, 'nothing more for a refused incident');
  assert.equal(agent.counters.get('edge.update_acked.rejected'), 1);
});
