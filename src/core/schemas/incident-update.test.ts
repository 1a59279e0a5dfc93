import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeJson, encodeJson } from '../codec.ts';
import { IncidentUpdate, incidentUpdateId, isIncidentUpdateId } from './incident-update.ts';

const OPENED = Date.UTC(2026, 0, 5, 8);
const TS = OPENED + 6 * 3_600_000;
const valid = (): IncidentUpdate => ({
  v: 1, id: incidentUpdateId(`site-a.pump-1.${OPENED}`, TS), incidentId: `site-a.pump-1.${OPENED}`, site: 'site-a', line: 'line-1', machine: 'pump-1', machineType: 'centrifugal-pump',
  openedAt: OPENED, ts: TS, severity: 'warning', score: 7.5,
  evidence: {
    features: { 'accel.rmsMs2': 2.4 }, baseline: {}, shaftHz: 24.5,
    envelopeDefectRatios: { bpfo: 9, bpfi: 1.2, bsf: 1.1, ftf: 1 }, orderAmplitudes: { x1: 1, x2: 0.3, x3: 0.1 }, topEnvelopePeaks: [],
    trends: { 'accel.rmsMs2': { tHours: [-1, 0], levels: [2.2, 2.4], windows: [4, 1] } },
  },
  sentAtMs: Date.now(),
});

test('incident update schema - a well-formed update round-trips; its id names the incident and the event time', () => {
  const u = valid();
  const r = decodeJson(IncidentUpdate, encodeJson(u));
  assert.ok(r.ok);
  assert.deepEqual(r.value, u);
  assert.ok(isIncidentUpdateId(u.id));
  assert.equal(isIncidentUpdateId(u.incidentId), false, 'an escalation id is no update id');
});

test('incident update schema - rejects with a reason: wrong version, id not of its incident and time, evidence before the alarm', () => {
  const cases: [string, unknown][] = [
    ['v', { ...valid(), v: 2 }],
    ['id', { ...valid(), id: 'site-a.pump-1.u1' }],
    ['ts', { ...valid(), ts: OPENED - 1, id: incidentUpdateId(valid().incidentId, OPENED - 1) }],
    ['evidence', { ...valid(), evidence: { features: {} } }],
  ];
  for (const [path, bad] of cases) {
    const r = decodeJson(IncidentUpdate, JSON.stringify(bad));
    assert.equal(r.ok, false, path);
    if (!r.ok) assert.match(r.reason, new RegExp(path), `the reason names ${path}: ${r.reason}`);
  }
});

test('incident update schema - the decoder never throws and every rejection carries a reason (property, seeded)', () => {
  // Arbitrary bytes, arbitrary JSON, and a valid update with one field replaced by arbitrary JSON.
  const keys = Object.keys(valid());
  const mutated = fc.tuple(fc.constantFrom(...keys), fc.jsonValue()).map(([k, v]) => JSON.stringify({ ...valid(), [k]: v }));
  const payload = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.json().map((s) => Buffer.from(s)), mutated.map((s) => Buffer.from(s)));
  fc.assert(
    fc.property(payload, (bytes) => {
      const r = decodeJson(IncidentUpdate, bytes);
      if (!r.ok) assert.ok(r.reason.length > 0);
      else assert.equal(r.value.id, incidentUpdateId(r.value.incidentId, r.value.ts));
    }),
    { seed: 20261124, numRuns: 500 },
  );
});

test('incident update schema - an update id names its incident', async () => {
  const { incidentOfUpdateId } = await import('./incident-update.ts');
  const inc = `site-a.pump-1.${OPENED}`;
  assert.equal(incidentOfUpdateId(incidentUpdateId(inc, TS)), inc);
  assert.equal(incidentOfUpdateId(inc), inc, 'an escalation id is its own incident');
});
