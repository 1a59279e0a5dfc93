// A slow machine's incident gets the recording-level evidence: a 980 rpm fan turns 6.5 times in one
// 0.4 s window, short of the ten revolutions the envelope and shaft analysis need; the windows of
// the opening incident kept by the edge's incident recorder make up the difference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulator } from '../../src/simulator/index.ts';
import { createIncidentRecorder } from '../../src/edge/features/incident-recording.ts';
import type { FaultType, TelemetryWindow } from '../../src/core/index.ts';

const T0 = Date.UTC(2026, 0, 5, 8);
const HOUR = 3_600_000;

function fanWindows(fault: FaultType | undefined, count: number) {
  const sim = createSimulator({
    plant: { sites: [{ id: 's', lines: [{ id: 'l', machines: [{ id: 'fan-1', type: 'fan', regime: 'continuous' }] }] }] } as never,
    seed: 7, startMs: T0,
    // Onset before the start, failure far ahead: the fault is well developed and steady over the test.
    faults: fault ? [{ machine: 'fan-1', fault, onsetMs: T0 - 200 * HOUR, failureMs: T0 + 40 * HOUR }] : [],
  });
  const birth = sim.births[0]!;
  const out: TelemetryWindow[] = [];
  while (out.length < count) out.push(...sim.step());
  return { birth, windows: out };
}

test('slow machine diagnostics - a fan with an outer-race fault gets envelope and shaft diagnostics that name BPFO', () => {
  const { birth, windows } = fanWindows('bearing-outer-race', 3);
  const lone = createIncidentRecorder().diagnose('l/fan-1', windows[2]!, birth);
  assert.equal(lone.envelopeDiagnostics, undefined, 'one fan window alone is too short (the gap this closes)');
  const rec = createIncidentRecorder();
  for (const w of windows) rec.offer('l/fan-1', w, birth, true);
  assert.ok(rec.bytes() <= 100 * 1024, `${rec.bytes()} bytes kept`);
  const d = rec.diagnose('l/fan-1', windows[2]!, birth);
  assert.ok(d.envelopeDiagnostics && d.shaftDiagnostics, 'recording-level evidence present');
  const L = d.envelopeDiagnostics.lines;
  assert.ok(L.bpfo.harmonicsDb[0]! > Math.max(L.bpfi.harmonicsDb[0]!, L.bsf2.harmonicsDb[0]!) + 3, JSON.stringify({ bpfo: L.bpfo.harmonicsDb, bpfi: L.bpfi.harmonicsDb, bsf2: L.bsf2.harmonicsDb }));
  assert.ok(Math.abs(d.shaftDiagnostics.shaftHz - 980 / 60) < 0.5, String(d.shaftDiagnostics.shaftHz));
});

test('slow machine diagnostics - windows are kept only while an incident opens', () => {
  const { birth, windows } = fanWindows(undefined, 3);
  const rec = createIncidentRecorder();
  rec.offer('l/fan-1', windows[0]!, birth, true);
  assert.ok(rec.bytes() > 0);
  rec.offer('l/fan-1', windows[1]!, birth, false);
  assert.equal(rec.bytes(), 0);
  const d = rec.diagnose('l/fan-1', windows[2]!, birth);
  assert.equal(d.envelopeDiagnostics, undefined);
});
