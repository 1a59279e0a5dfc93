import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnosis, MaintenanceRequest, type Escalation, type Evidence, type SqlStore } from '../../core/index.ts';
import { createPgliteStore, migrate } from '../../store/index.ts';
import { healthyEvidence, misalignmentEvidence, outerRaceEvidence, sampleEscalation } from '../fixtures.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations } from '../migrations.ts';
import { commitDecision, findDetails } from '../repository.ts';
import { libraryCases, recordBaseline } from './fleet-store.ts';
import { analyseIncident, confirmCase, rulAtUpdates, updateRul, type IncidentDetails } from './incident-analysis.ts';

let store: SqlStore;
before(async () => {
  store = await createPgliteStore();
  await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
});
after(async () => {
  await store.close();
});

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
let seq = 0;

/** A pump's evidence: the fixture plus its outer-race envelope ratio and a healthy level per machine. */
function pumpEvidence(bpfo: number, healthyBpfo = 1.3, base: Evidence = outerRaceEvidence()): Evidence {
  return {
    ...base,
    envelopeDefectRatios: { ...base.envelopeDefectRatios, bpfo },
    features: { ...base.features, 'env.bpfoRatio': bpfo },
    baseline: { ...base.baseline, 'env.bpfoRatio': { median: healthyBpfo, mad: 0.1 } },
  };
}
const escalation = (site: string, machine: string, ev: Evidence, openedAt = T0 + ++seq * 60_000): Escalation =>
  sampleEscalation(ev, { id: `${site}.${machine}.${openedAt}.${seq}`, site, machine, openedAt, sentAtMs: openedAt });

/** Stores the escalation row (the intake does this before analysing). */
async function stored(esc: Escalation): Promise<Escalation> {
  await store.query(`INSERT INTO escalations (id, site, machine, received_at_ms, payload) VALUES ($1, $2, $3, $4, $5::text::jsonb) ON CONFLICT DO NOTHING`, [
    esc.id,
    esc.site,
    esc.machine,
    Date.now(),
    JSON.stringify(esc),
  ]);
  return esc;
}

/** Commits an analysis as the intake does (diagnosis + decision + details in one transaction). */
async function commit(esc: Escalation, a: Awaited<ReturnType<typeof analyseIncident>>): Promise<void> {
  const outcome = { incidentId: esc.id, notificationId: 'N', purchaseOrderId: null, materialId: null, workOrderId: 'W', movedProductionOrders: [], created: true };
  await commitDecision(store, a.diagnosis, a.request, outcome, Date.now(), a.details);
}
/** Analyses and commits an escalation. */
async function decided(esc: Escalation): Promise<Escalation> {
  await commit(esc, await analyseIncident(store, esc));
  return esc;
}

/** Healthy machines of the fleet at two sites (each once sent an escalation carrying its baseline). */
async function seedFleet(): Promise<void> {
  const healthy = [
    ['site-a', 'pump-2', 1.2],
    ['site-a', 'pump-3', 1.35],
    ['site-b', 'pump-1', 1.25],
    ['site-b', 'pump-2', 1.3],
    ['site-b', 'pump-3', 1.4],
  ] as const;
  for (const [site, machine, bpfo] of healthy) await recordBaseline(store, escalation(site, machine, pumpEvidence(bpfo, bpfo, healthyEvidence())));
}

test('fleet - an incident is compared with its machine type across both sites, in dB for the planner', async () => {
  await seedFleet();
  const esc = await stored(escalation('site-a', 'pump-1', pumpEvidence(9.1)));
  const { diagnosis, request, details } = await analyseIncident(store, esc);
  assert.ok(Diagnosis.safeParse(diagnosis).success);
  assert.ok(MaintenanceRequest.safeParse(request).success);
  assert.equal(diagnosis.faultType, 'bearing-outer-race');
  const key = details.keyFeature!;
  assert.equal(key.feature, 'env.bpfoRatio');
  assert.equal(key.machines, 5, 'the other five pumps, the incident machine excluded');
  assert.equal(key.sites, 2);
  assert.ok(Math.abs(key.db! - 20 * Math.log10(9.1 / 1.3)) < 0.05, `db ${key.db}`);
  assert.match(diagnosis.explanation, /^Outer race: envelope peak at 3\.58x shaft speed/);
  assert.match(diagnosis.explanation, /outer-race envelope line 16\.9 dB above the fleet median \(5 centrifugal-pump machines, 2 sites\)/);
  assert.match(diagnosis.explanation, /remaining life/);
  assert.match(diagnosis.explanation, /Decision: /);
  // A machine whose envelope line sits inside the fleet's range is not far from it.
  const normal = await stored(escalation('site-b', 'pump-9', pumpEvidence(1.3)));
  const n = await analyseIncident(store, normal);
  assert.ok(Math.abs(n.details.fleet.find((d) => d.feature === 'env.bpfoRatio')!.z) < 1);
});

test('fleet - confirmed repairs feed the library: a second similar incident cites them and is more confident', async () => {
  const before = await analyseIncident(store, await stored(escalation('site-a', 'pump-7', pumpEvidence(8.5))));
  assert.match(before.diagnosis.explanation, /no similar confirmed case yet/);

  // Three outer-race repairs confirmed at both sites, and one misalignment that must not count.
  for (const [site, machine, bpfo] of [['site-b', 'pump-4', 9.5], ['site-a', 'pump-8', 8.0], ['site-b', 'pump-5', 10.2]] as const) {
    const esc = await stored(escalation(site, machine, pumpEvidence(bpfo)));
    await analyseIncident(store, esc);
    const r = await confirmCase(store, esc.id, 'bearing-outer-race');
    assert.ok(r.ok);
  }
  const mis = await stored(escalation('site-b', 'fan-1', misalignmentEvidence()));
  await analyseIncident(store, mis);
  assert.ok((await confirmCase(store, mis.id, 'misalignment')).ok);
  assert.deepEqual(await confirmCase(store, 'no-such-incident', 'imbalance'), { ok: false, reason: 'no incident no-such-incident' });

  const after = await analyseIncident(store, await stored(escalation('site-a', 'pump-6', pumpEvidence(8.5))));
  assert.equal(after.diagnosis.faultType, 'bearing-outer-race');
  assert.match(after.diagnosis.explanation, /3 similar confirmed cases \(nearest site-[ab]\/pump-\d, distance \d\.\d\d\)/);
  assert.ok(after.diagnosis.confidence > before.diagnosis.confidence, `${after.diagnosis.confidence} > ${before.diagnosis.confidence}`);
  assert.ok(after.details.neighbours.every((n) => n.faultType === 'bearing-outer-race'));
  assert.ok(new Set(after.details.neighbours.map((n) => n.site)).size === 2, 'neighbours from both sites');
});

test('fleet - a pattern the rules cannot name is named from agreeing confirmed cases, modestly', async () => {
  const odd = (): Evidence => {
    const h = healthyEvidence();
    return { ...h, features: { ...h.features, 'scalar.seal_leak': 9, 'accel.crest': 5.5 }, baseline: { ...h.baseline, 'scalar.seal_leak': { median: 1, mad: 0.2 } } };
  };
  const first = await analyseIncident(store, await stored(escalation('site-a', 'pump-11', odd())));
  assert.equal(first.diagnosis.faultType, 'unknown');
  for (const m of ['pump-12', 'pump-13']) {
    const esc = await stored(escalation('site-b', m, odd()));
    await analyseIncident(store, esc);
    assert.ok((await confirmCase(store, esc.id, 'cavitation')).ok);
  }
  const named = await analyseIncident(store, await stored(escalation('site-a', 'pump-14', odd())));
  assert.equal(named.diagnosis.faultType, 'cavitation');
  assert.ok(named.diagnosis.confidence >= 0.5 && named.diagnosis.confidence <= 0.75);
  assert.match(named.diagnosis.explanation, /the rules found no known pattern; 2 similar confirmed cases/);
});

test('fleet - updates refit the remaining life; confirmed curves become the fleet prior', async () => {
  const DAY = 86_400_000;
  // Two confirmed outer-race incidents whose HI was followed for days: HI = 0.43·exp(0.15·d), gauged on
  // the overall acceleration (healthy 1.0 m/s², the impacts in quadrature, HI 1 at 10 × healthy).
  const gauge = (d: number) => Math.hypot(1, 0.43 * Math.exp(0.15 * d) * Math.sqrt(99));
  const atDay = (d: number): Evidence => {
    const ev = pumpEvidence(9.1);
    return { ...ev, features: { ...ev.features, 'accel.rmsMs2': gauge(d) } };
  };
  for (const machine of ['pump-21', 'pump-22']) {
    const esc = await decided(await stored(escalation('site-b', machine, atDay((0)), T0)));
    for (let d = 1; d <= 5; d++) {
      const u = await updateRul(store, esc.id, atDay((d)), T0 + d * DAY);
      assert.ok(u.ok, u.ok ? '' : u.reason);
    }
    assert.ok((await confirmCase(store, esc.id, 'bearing-outer-race')).ok);
  }
  const esc = await stored(escalation('site-a', 'pump-23', atDay((0)), T0));
  const first = await analyseIncident(store, esc);
  assert.equal(first.details.rul?.prior.source, 'fleet');
  assert.equal(first.details.rul?.prior.curves, 2);
  // Failure (HI = 1) of the path above is at ln(1/0.43)/0.15 = 5.6 days: the interval must hold it.
  const truth = Math.log(1 / 0.43) / 0.15;
  assert.ok(first.details.rul!.p10Days <= truth && truth <= first.details.rul!.p90Days, JSON.stringify(first.details.rul));
  assert.equal(first.request.dueBy, Math.max(esc.openedAt + 4 * 3_600_000, first.details.rul!.failureAtMs.p10));
  // The estimate travels with the diagnosis itself (what the dashboard and the evaluation read), with the similar cases.
  assert.deepEqual(first.diagnosis.rul, first.details.rul);
  assert.ok(Diagnosis.safeParse(first.diagnosis).success);
  assert.equal(first.diagnosis.similarCases, first.details.neighbours.filter((n) => n.faultType === first.diagnosis.faultType).length);
  await commit(esc, first);
  const later = await updateRul(store, esc.id, atDay((2)), T0 + 2 * DAY);
  assert.ok(later.ok);
  if (later.ok) {
    assert.equal(later.rul.readings, 2);
    assert.match(later.explanation, /outer race: remaining life/);
  }
  // A redelivered update (same event time) adds no reading.
  const again = await updateRul(store, esc.id, atDay((2)), T0 + 2 * DAY);
  assert.ok(again.ok && again.rul.readings === 2);
});

test('fleet - rulAtUpdates (the dev replay) gives the estimates updateRul stores, update by update', async () => {
  const HOUR = 3_600_000;
  const gauge = (h: number) => Math.hypot(1, 0.3 * Math.exp(0.02 * h) * Math.sqrt(99));
  const atHour = (h: number): Evidence => {
    const ev = pumpEvidence(9.1);
    return { ...ev, features: { ...ev.features, 'accel.rmsMs2': gauge(h) } };
  };
  const esc = await decided(await stored(escalation('site-a', 'pump-31', atHour(0), T0 + 40 * HOUR)));
  const updates = [4, 8, 12].map((h) => ({ ts: esc.openedAt + h * HOUR, evidence: atHour(h) }));
  const fromUpdateRul: number[] = [];
  for (const u of updates) {
    const r = await updateRul(store, esc.id, u.evidence, u.ts);
    assert.ok(r.ok, r.ok ? '' : r.reason);
    if (r.ok) fromUpdateRul.push(r.rul.failureAtMs.p50);
  }
  const replayed = rulAtUpdates('bearing-outer-race', esc, updates, await libraryCases(store, esc.machineType));
  assert.deepEqual(replayed.map((r) => r.rul?.summary.failureAtMs.p50), fromUpdateRul);
});

test('fleet - the explanation and the numbers are stored with the diagnosis', async () => {
  const esc = await stored(escalation('site-a', 'pump-31', pumpEvidence(9.1)));
  const { diagnosis, request, details } = await analyseIncident(store, esc);
  await commit(esc, { diagnosis, request, details });
  const back = (await findDetails(store, esc.id)) as IncidentDetails;
  assert.equal(back.keyFeature?.feature, 'env.bpfoRatio');
  assert.ok(back.rul && back.rul.p10Days <= back.rul.medianDays && back.rul.medianDays <= back.rul.p90Days);
  assert.ok(back.economics?.chosen.option);
  const { rows } = await store.query<{ explanation: string }>(`SELECT explanation FROM diagnoses WHERE escalation_id = $1`, [esc.id]);
  assert.equal(rows[0]?.explanation, diagnosis.explanation);
  console.log(`# example explanation: ${diagnosis.explanation}`);
});
