import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVIDENCE_FEATURE, type MachineBirth } from '../../core/index.ts';
import { currentSignature } from './current-signature.ts';
import { gearMesh } from './gear-mesh.ts';
import { createScalarTrends } from './scalar-trends.ts';
import { add, gaussian, testBirth, tone } from './synthetic.test-support.ts';
import { createMachineMonitor } from '../machine-monitor.ts';

const amp = (db: number) => 10 ** (db / 20);

/** Stator current of a 4-pole motor on 50 Hz at `rpm`, with (1 ± 2s)·f sidebands at the given levels (dB re the line). */
function statorCurrent(rpm: number, lowerDb: number, upperDb: number, n = 8192, rateHz = 1000, supplyHz = 50): number[] {
  const sync = 30 * supplyHz;
  const s = (sync - rpm) / sync;
  return add(
    tone(n, rateHz, supplyHz, 10, 0.3),
    tone(n, rateHz, (1 - 2 * s) * supplyHz, 10 * amp(lowerDb), 1.1),
    tone(n, rateHz, (1 + 2 * s) * supplyHz, 10 * amp(upperDb), 2.0),
    gaussian(n, 7, 0.0005),
  );
}

test('current signature - the stronger rotor-bar sideband is read within 1 dB of its level', () => {
  for (const [rpm, lower, upper] of [[1455, -45, -50], [1470, -58, -52], [1440, -38, -41]] as const) {
    const r = currentSignature(statorCurrent(rpm, lower, upper), 1000, rpm, { ratedSpeedRpm: 1450, drive: { supplyHz: 50, poles: 4 } });
    assert.ok(r, `rpm ${rpm}`);
    assert.ok(Math.abs(r.slip - (1500 - rpm) / 1500) < 1e-3, `slip ${r.slip}`);
    assert.ok(Math.abs(r.sidebandDb - Math.max(lower, upper)) < 1, `rpm ${rpm}: ${r.sidebandDb.toFixed(2)} dB, expected ${Math.max(lower, upper)}`);
  }
});

test('current signature - on an inverter the line follows the setpoint and the sidebands are still read', () => {
  const supplyHz = 35; // 70% setpoint on a 50 Hz, 4-pole motor
  const rpm = 30 * supplyHz * (1 - 0.025);
  const r = currentSignature(statorCurrent(rpm, -47, -53, 8192, 1024, supplyHz), 1024, rpm, { ratedSpeedRpm: 1450, drive: { supplyHz: 50, poles: 4 } });
  assert.ok(r, 'a reading');
  assert.ok(Math.abs(r.supplyHz - supplyHz) < 0.02, `line at ${r.supplyHz} Hz`);
  assert.ok(Math.abs(r.sidebandDb + 47) < 1, `${r.sidebandDb.toFixed(2)} dB`);
});

test('current signature - without drive data the supply and poles are inferred; no slip gives no reading', () => {
  const r = currentSignature(statorCurrent(1455, -44, -60), 1000, 1455, { ratedSpeedRpm: 1450 });
  assert.ok(r && Math.abs(r.supplyHz - 50) < 0.2 && Math.abs(r.sidebandDb + 44) < 1.5, JSON.stringify(r));
  assert.equal(currentSignature(statorCurrent(1455, -44, -60), 1000, 1500, { ratedSpeedRpm: 1450, drive: { supplyHz: 50, poles: 4 } }), undefined);
  assert.equal(currentSignature([1, 2, 3], 1000, 1455, { ratedSpeedRpm: 1450 }), undefined, 'too short is no reading, not a throw');
});

test('current signature - a lightly loaded healthy motor (slip under 1 %) never reads the line itself as a sideband', () => {
  // 8 s at 1024 Hz: 0.125 Hz bins; slip 0.3-0.8 % puts the sidebands 0.3-0.8 Hz from the line.
  for (const rpm of [1495.5, 1494, 1492, 1490, 1488]) {
    const r = currentSignature(statorCurrent(rpm, -56, -58, 8192, 1024), 1024, rpm, { ratedSpeedRpm: 1450, drive: { supplyHz: 50, poles: 4 } });
    assert.ok(r === undefined || r.sidebandDb < -50, `rpm ${rpm}: ${r?.sidebandDb.toFixed(1)} dB for a healthy cage`);
  }
});

test('current signature - a lightly loaded motor (slip 0.5–1 %) still gives its known sideband level: the line is cancelled, not resolved past', () => {
  // 8 s at 1024 Hz (0.125 Hz bins): slip 0.55–0.9 % puts the sidebands 0.55–0.9 Hz (4.4–7 bins)
  // from the line, inside the Hann sidelobes of a 0 dB line (−31 … −45 dB), where the sideband was
  // not read before the line was cancelled. Healthy (−56 dB) and one broken bar (−42 dB) alike.
  for (const rpm of [1491.7, 1490.4, 1488, 1486.5]) {
    for (const [lower, upper] of [[-56, -59], [-42, -45]] as const) {
      const r = currentSignature(statorCurrent(rpm, lower, upper, 8192, 1024), 1024, rpm + 0.3, { ratedSpeedRpm: 1450, drive: { supplyHz: 50, poles: 4 } });
      assert.ok(r, `rpm ${rpm}: no reading`);
      assert.ok(Math.abs(r.sidebandDb - lower) < 1.5, `rpm ${rpm}: ${r.sidebandDb.toFixed(2)} dB, expected ${lower}`);
    }
  }
});

test('current signature - the fitted line is cancelled to the noise floor, off-bin and lightly loaded', () => {
  // No sidebands at all, a line between bins (50.037 Hz, 0.125 Hz bins) and sidebands' places
  // 0.6–2 Hz off it: the reading is the floor (noise ~−100 dB re the line). A fit that stopped
  // short of the line's frequency leaves its leakage here (−40 … −60 dB).
  for (const rpm of [1485, 1470, 1455]) {
    const x = statorCurrent(rpm, -300, -300, 8192, 1024, 50.037);
    const r = currentSignature(x, 1024, rpm * 50.037 / 50, { ratedSpeedRpm: 1450, drive: { supplyHz: 50, poles: 4 } });
    assert.ok(r && Math.abs(r.supplyHz - 50.037) < 1e-4, `rpm ${rpm}: supply ${r?.supplyHz}`);
    assert.ok(r.sidebandDb < -85, `rpm ${rpm}: ${r.sidebandDb.toFixed(1)} dB with no sidebands`);
  }
});

test('current signature - a block that fills its transform (line removed in closed form) reads as one that does not (line removed sample by sample)', () => {
  // 8,192 samples: the residual's spectrum is the block's minus the fitted line's analytic DFT;
  // 8,191 samples (zero-padded): the residual is formed and transformed. Same signal, same reading.
  for (const rpm of [1491, 1485, 1470, 1455]) {
    for (const [lower, upper] of [[-56, -59], [-44, -41]] as const) {
      const x = statorCurrent(rpm, lower, upper, 8192, 1024, 49.93);
      const birth = { ratedSpeedRpm: 1450, drive: { supplyHz: 50, poles: 4 } };
      const full = currentSignature(x, 1024, rpm * 49.93 / 50, birth);
      const padded = currentSignature(x.slice(0, 8191), 1024, rpm * 49.93 / 50, birth);
      assert.ok(full && padded, `rpm ${rpm}: no reading`);
      assert.ok(Math.abs(full.sidebandDb - padded.sidebandDb) < 0.5, `rpm ${rpm}: ${full.sidebandDb.toFixed(2)} vs ${padded.sidebandDb.toFixed(2)} dB`);
      assert.ok(Math.abs(full.sidebandDb - Math.max(lower, upper)) < 1.5, `rpm ${rpm}: ${full.sidebandDb.toFixed(2)} dB, expected ${Math.max(lower, upper)}`);
    }
  }
});

/** Gear vibration: mesh and its 2nd harmonic with ±shaft-rate sidebands at `sideDb` (dB re each harmonic). */
function gearVibration(meshAmp: number, sideDb: number, shaftHz = 25, teeth = 23, n = 8192, rateHz = 10240, noise = 0.02): number[] {
  const mesh = teeth * shaftHz;
  return add(
    tone(n, rateHz, shaftHz, 0.3),
    tone(n, rateHz, mesh, meshAmp, 0.2), tone(n, rateHz, mesh - shaftHz, meshAmp * amp(sideDb), 1), tone(n, rateHz, mesh + shaftHz, meshAmp * amp(sideDb) * 0.7, 2),
    tone(n, rateHz, 2 * mesh, meshAmp / 2, 0.5), tone(n, rateHz, 2 * mesh - shaftHz, (meshAmp / 2) * amp(sideDb), 1.5), tone(n, rateHz, 2 * mesh + shaftHz, (meshAmp / 2) * amp(sideDb) * 0.5, 2.5),
    gaussian(n, 11, noise),
  );
}

test('gear mesh - sidebands relative to the mesh harmonics are read within 1 dB', () => {
  for (const sideDb of [-30, -20, -10]) {
    const g = gearMesh(gearVibration(1, sideDb), 10240, 25, { inputTeeth: 23, outputTeeth: 61 });
    assert.ok(g, 'a reading');
    assert.ok(Math.abs(g.sidebandDb - sideDb) < 1, `${sideDb} dB sidebands read as ${g.sidebandDb.toFixed(2)}`);
  }
});

test('gear mesh - the mesh level above the floor grows 6 dB per doubling; no gear, no reading', () => {
  const g1 = gearMesh(gearVibration(0.5, -30), 10240, 25, { inputTeeth: 23, outputTeeth: 61 })!;
  const g2 = gearMesh(gearVibration(1, -30), 10240, 25, { inputTeeth: 23, outputTeeth: 61 })!;
  assert.ok(g1.meshDb > 20, `mesh ${g1.meshDb} dB over the floor`);
  assert.ok(Math.abs(g2.meshDb - g1.meshDb - 6.02) < 1.5, `${g1.meshDb.toFixed(1)} → ${g2.meshDb.toFixed(1)} dB`);
  assert.equal(gearMesh(gearVibration(1, -30), 10240, 25, undefined), undefined);
  assert.equal(gearMesh(gearVibration(1, -30), 10240, 25, { inputTeeth: 400, outputTeeth: 61 }), undefined, 'mesh above Nyquist');
});

test('scalar trends - the EWMA slope converges to a steady ramp in units per hour', () => {
  const t = createScalarTrends();
  let last: Record<string, number> = {};
  for (let i = 0; i < 60; i++) last = t.update({ temp_oil: 40 + 0.5 * i }, i * 5 * 60_000); // 0.5 °C per 5 min = 6 °C/h
  assert.ok(Math.abs(last['scalar.temp_oil.slopePerH']! - 6) < 0.01, JSON.stringify(last));
});

test('evidence features - a gearbox with a drive reports current sidebands and gear mesh in its evidence', () => {
  const birth: MachineBirth = {
    ...testBirth, machineType: 'gearbox', ratedSpeedRpm: 1455,
    drive: { supplyHz: 50, poles: 4 }, gear: { inputTeeth: 23, outputTeeth: 61 },
    sensors: [...testBirth.sensors, { channel: 'phase_current', unit: 'A', rateHz: 1000, kind: 'waveform' }, { channel: 'temp_oil', unit: 'degC', rateHz: 1, kind: 'scalar' }],
  };
  const m = createMachineMonitor(birth);
  const r = m.observe({
    v: 1, site: birth.site, line: birth.line, machine: birth.machine, seq: 0, ts: 1_700_000_000_000,
    channels: [
      { name: 'vib_de', unit: 'm/s2', rateHz: 10240, values: add(gearVibration(1, -20, 1455 / 60), gaussian(8192, 3, 0.3)) },
      { name: 'phase_current', unit: 'A', rateHz: 1000, values: statorCurrent(1455, -40, -60) },
      { name: 'speed', unit: 'rpm', rateHz: 1, values: [1455] },
      { name: 'temp_bearing', unit: 'degC', rateHz: 1, values: [50] },
      { name: 'temp_oil', unit: 'degC', rateHz: 1, values: [55] },
    ],
  });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  const ev = r.value.features.evidence.features;
  assert.ok(Math.abs(ev[EVIDENCE_FEATURE.currentSidebandDb]! + 40) < 1.5, `sideband ${ev[EVIDENCE_FEATURE.currentSidebandDb]}`);
  assert.ok(ev[EVIDENCE_FEATURE.gearMeshDb]! > 10);
  assert.ok(Math.abs(ev[EVIDENCE_FEATURE.gearSidebandDb]! + 20) < 2, `gear sidebands ${ev[EVIDENCE_FEATURE.gearSidebandDb]}`);
  assert.equal(ev['scalar.temp_oil'], 55);
  assert.equal(ev['scalar.temp_oil.slopePerH'], 0);
});
