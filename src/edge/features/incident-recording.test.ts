// The incident recorder's envelope analysis carries each defect family's comb significance, so the
// cloud can weigh a series of lines that no single line's threshold would name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulator } from '../../simulator/index.ts';
import { Evidence, type FaultType, type TelemetryWindow } from '../../core/index.ts';
import { createIncidentRecorder } from './incident-recording.ts';

const T0 = Date.UTC(2026, 0, 5, 8);
const HOUR = 3_600_000;

/** Three windows of a 980 rpm fan (seed 7), the fault well developed and steady over them. */
function fanDiagnostics(fault: FaultType | undefined) {
  const sim = createSimulator({
    plant: { sites: [{ id: 's', lines: [{ id: 'l', machines: [{ id: 'fan-1', type: 'fan', regime: 'continuous' }] }] }] } as never,
    seed: 7, startMs: T0,
    faults: fault ? [{ machine: 'fan-1', fault, onsetMs: T0 - 200 * HOUR, failureMs: T0 + 40 * HOUR }] : [],
  });
  const birth = sim.births[0]!;
  const windows: TelemetryWindow[] = [];
  while (windows.length < 3) windows.push(...sim.step());
  const rec = createIncidentRecorder();
  for (const w of windows) rec.offer('l/fan-1', w, birth, true);
  return rec.diagnose('l/fan-1', windows[2]!, birth);
}

test('incident recording - a ball fault\'s 2×BSF comb stands significant (z ≥ 4.5) in the escalation\'s envelope analysis; a healthy fan\'s combs do not', () => {
  const ball = fanDiagnostics('bearing-rolling-element').envelopeDiagnostics?.combZ;
  assert.ok(ball, 'comb significance present');
  assert.ok(ball.bsf2 >= 4.5 && ball.bsf2 > Math.max(ball.bpfo, ball.bpfi), JSON.stringify(ball));
  // Rounded to 0.01 SD: the escalation stays small.
  for (const v of Object.values(ball)) assert.equal(Math.round(v * 100) / 100, v);
  const healthy = fanDiagnostics(undefined).envelopeDiagnostics?.combZ;
  assert.ok(healthy, 'comb significance present');
  assert.ok(Math.max(...Object.values(healthy)) < 4.5, JSON.stringify(healthy));
});

test('incident recording - evidence parses with the comb significance and without it (an older edge)', () => {
  const env = fanDiagnostics('bearing-rolling-element').envelopeDiagnostics!;
  const base = {
    features: {}, baseline: {}, shaftHz: 980 / 60,
    envelopeDefectRatios: { bpfo: 1, bpfi: 1, bsf: 1, ftf: 1 }, orderAmplitudes: { x1: 1, x2: 0.2, x3: 0.1 }, topEnvelopePeaks: [],
  };
  const withComb = Evidence.safeParse({ ...base, envelopeDiagnostics: env });
  assert.ok(withComb.success && withComb.data.envelopeDiagnostics?.combZ?.bsf2 === env.combZ!.bsf2);
  const { combZ: _dropped, ...older } = env;
  const without = Evidence.safeParse({ ...base, envelopeDiagnostics: older });
  assert.ok(without.success && without.data.envelopeDiagnostics?.combZ === undefined);
  assert.equal(Evidence.safeParse({ ...base, envelopeDiagnostics: { ...env, combZ: { bpfo: 1 } } }).success, false, 'a partial comb is malformed');
});
