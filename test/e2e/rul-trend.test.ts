// The remaining-life chain across the boundary: the edge's feature history rides in the escalation
// (schema-valid, allowed out by the default sovereignty policy), and the cloud's RUL at the alarm
// follows the machine's own trend rather than the fault's default prior.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Escalation, type SqlStore } from '../../src/core/index.ts';
import { createFeatureTrends } from '../../src/edge/feature-trends.ts';
import { DEFAULT_POLICY, evaluatePolicy } from '../../src/sovereignty/index.ts';
import { createPgliteStore, migrate } from '../../src/store/index.ts';
import { outerRaceEvidence, sampleEscalation } from '../../src/cloud/fixtures.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations } from '../../src/cloud/migrations.ts';
import { analyseIncident } from '../../src/cloud/fleet/incident-analysis.ts';
import { healthReadings } from '../../src/cloud/fleet/fleet-store.ts';

let store: SqlStore;
before(async () => {
  store = await createPgliteStore();
  await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
});
after(async () => {
  await store.close();
});

const HOUR = 3_600_000;
const WINDOW_MS = 5 * 60_000;

test('rul e2e - an escalation carries the key feature history and the cloud fits its RUL to it', async () => {
  // Outer-race impacts growing from an onset 10 h before the alarm as F·(e^(c·(t − onset)) − 1),
  // c = 0.1 per hour, in quadrature with a healthy 1.0 m/s² overall acceleration, reaching 10 ×
  // healthy (HI 1 on the 20 dB failure level) 16 h after the alarm. The envelope line, which
  // detects the defect but saturates, jumps at the onset and stays flat.
  const healthyRms = 1.0;
  const c = 0.1;
  const t0 = Date.UTC(2026, 0, 5);
  const alarmAt = t0 + 40 * HOUR;
  const onsetAt = alarmAt - 10 * HOUR;
  const failAt = alarmAt + 16 * HOUR;
  const growth = (t: number) => (t <= onsetAt ? 0 : Math.expm1((c * (t - onsetAt)) / HOUR) / Math.expm1((c * (failAt - onsetAt)) / HOUR));
  const rms = (t: number) => Math.hypot(healthyRms, growth(t) * Math.sqrt(99) * healthyRms);
  const healthy = 1.3;
  const bpfoAt = (t: number) => (t <= onsetAt ? healthy : 8);
  const trends = createFeatureTrends();
  let wobble = 1;
  for (let t = t0; t <= alarmAt; t += WINDOW_MS) {
    wobble = -wobble;
    trends.update(t, 'b0', { 'env.bpfoRatio': bpfoAt(t) + 0.05 * wobble, 'accel.rmsMs2': rms(t) + 0.003 * wobble, 'accel.kurtosis': 3, 'scalar.temp_bearing': 45, 'scalar.temp_bearing.slopePerH': 0 });
  }
  const history = trends.summary('b0', alarmAt);
  assert.ok(history['env.bpfoRatio'] && history['accel.rmsMs2'] && history['scalar.temp_bearing'], 'tracked features have a history');
  assert.equal(history['accel.kurtosis'], undefined, 'untracked features do not');
  assert.equal(history['scalar.temp_bearing.slopePerH'], undefined, 'derived scalar features do not');
  const bpfo = bpfoAt(alarmAt);
  const base = outerRaceEvidence();
  const esc = sampleEscalation(
    {
      ...base,
      envelopeDefectRatios: { ...base.envelopeDefectRatios, bpfo },
      features: { ...base.features, 'env.bpfoRatio': bpfo, 'accel.rmsMs2': rms(alarmAt) },
      baseline: { ...base.baseline, 'env.bpfoRatio': { median: healthy, mad: 0.1 }, 'accel.rmsMs2': { median: healthyRms, mad: 0.003 } },
      trends: history,
    },
    { id: 'site-a.pump-9.trend', site: 'site-a', machine: 'pump-9', openedAt: alarmAt, sentAtMs: alarmAt },
  );
  assert.ok(Escalation.safeParse(esc).success, 'schema-valid');
  const verdict = evaluatePolicy(DEFAULT_POLICY, esc, { name: 'cloud-diagnosis', jurisdiction: 'EU' });
  const trendFields = verdict.decisions.filter((d) => d.path.startsWith('evidence.trends'));
  assert.ok(trendFields.length > 0 && trendFields.every((d) => d.decision === 'leaves' && d.class === 'derived-feature'), 'the history may leave the site');
  assert.ok(JSON.stringify(verdict.message).length > 0 && (verdict.message as typeof esc).evidence.trends !== undefined);

  await store.query(`INSERT INTO escalations (id, site, machine, received_at_ms, payload) VALUES ($1, $2, $3, $4, $5::text::jsonb)`, [esc.id, esc.site, esc.machine, Date.now(), JSON.stringify(esc)]);
  const a = await analyseIncident(store, esc);
  assert.equal(a.diagnosis.faultType, 'bearing-outer-race');
  const rul = a.diagnosis.rul!;
  const truthH = (failAt - alarmAt) / HOUR;
  const predH = (rul.failureAtMs.p50 - alarmAt) / HOUR;
  assert.ok(Math.abs(predH - truthH) / truthH < 0.2, `RUL ${predH.toFixed(1)} h against ${truthH} h (the default prior alone says weeks)`);
  assert.ok(rul.readings >= 5, `fitted on ${rul.readings} readings`);
  assert.match(a.diagnosis.explanation, /own trend/);
  // The history is stored as the incident's readings (keyed by event time: a redelivery adds none).
  const n = (await healthReadings(store, esc.id)).length;
  await analyseIncident(store, esc);
  assert.equal((await healthReadings(store, esc.id)).length, n);
});
