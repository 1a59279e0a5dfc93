// A fault grows from nothing: at a tiny severity its signature must be lost in the healthy
// window-to-window scatter, for every fault mode on every machine type it occurs on. A signal
// term that is discontinuous at onset (a burst, a line or a step at full strength as soon as s > 0)
// gives the edge a signature before the ground truth says one could exist (DETECTABLE_SEVERITY),
// and an alarm at severity 0.002 that the diagnosis cannot explain (tuning seed 3, pump-006,
// cavitation: window kurtosis 69 against a healthy 2.6).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearingDefectOrders, FaultType, type MachineType } from '../core/index.ts';
import { moments } from '../edge/features/moments.ts';
import { cavitationMeanPeakMs2, hydraulicEffect, vibrationParams, type MachineAcoustics } from './fault-signatures.ts';
import { FAULT_APPLIES_TO } from './faults.ts';
import { MACHINE_TYPES } from './machine-types.ts';
import { createRng } from './rng.ts';
import { synthesizeVibration } from './vibration.ts';

const RATE_HZ = 10_240;
const SAMPLES = 4096;
const WINDOWS = 60;
/** 0.1 % of the way to failure: far below every DETECTABLE_SEVERITY (0.05–0.2). */
const TINY = 1e-3;

function acoustics(type: MachineType): MachineAcoustics {
  const spec = MACHINE_TYPES[type];
  return {
    spec, rateHz: RATE_HZ, ratedSpeedRpm: spec.ratedSpeedRpm, defects: bearingDefectOrders(spec.bearing),
    healthy1xMmS: (spec.healthy1xMmS[0] + spec.healthy1xMmS[1]) / 2, phases: [0, 1, 2], resonanceHz: 3000, damping: 0.05, slipSd: 0.015,
    ...(spec.gear ? { gear: spec.gear } : {}), ...(spec.cutter ? { flutes: spec.cutter.flutes } : {}),
  };
}

type Stats = Record<'rms' | 'peak' | 'crest' | 'kurtosis', number>;

/** Time-domain indicators of WINDOWS windows at severity s; the healthy part is sample for sample the same for every s (own rngs). */
function windowStats(type: MachineType, kind: FaultType, s: number, seed: number): Stats[] {
  const m = acoustics(type);
  const rng = createRng(seed, type, 'healthy'), faultRng = createRng(seed, type, 'fault');
  const out: Stats[] = [];
  const x = new Float64Array(SAMPLES);
  for (let i = 0; i < WINDOWS; i++) {
    x.fill(0);
    const shaftHz = m.ratedSpeedRpm / 60;
    synthesizeVibration(x, vibrationParams(m, shaftHz, kind, s, { load: 0.8, vbMm: 0.05, polePassHz: 2 }), rng, faultRng);
    const mo = moments(x);
    out.push({ rms: mo.rms, peak: mo.peak, crest: mo.crest, kurtosis: mo.kurtosis });
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
/** Robust σ of the healthy windows' scatter (MAD × 1.4826). */
const robustSigma = (xs: number[]) => {
  const m = median(xs);
  return 1.4826 * median(xs.map((v) => Math.abs(v - m)));
};

describe('fault onset', () => {
  for (const kind of FaultType.options) {
    for (const type of FAULT_APPLIES_TO[kind]) {
      test(`fault onset - ${kind} on ${type} at severity ${TINY} stays within the healthy scatter of every time-domain indicator`, () => {
        // Compared as distributions, not window by window: a fault's draws on the fault rng shift
        // the phases of the process lines (gear mesh, tooth pass) that draw from it too.
        const healthy = windowStats(type, kind, 0, 7);
        const tiny = windowStats(type, kind, TINY, 7);
        for (const k of ['rms', 'peak', 'crest', 'kurtosis'] as const) {
          const h = healthy.map((x) => x[k]), t = tiny.map((x) => x[k]);
          const sigma = robustSigma(h);
          assert.ok(Math.abs(median(t) - median(h)) <= sigma, `${k}: median ${median(t).toPrecision(3)} against healthy ${median(h).toPrecision(3)} (σ ${sigma.toPrecision(3)})`);
          assert.ok(Math.max(...t) <= Math.max(...h) + 2 * sigma, `${k}: largest ${Math.max(...t).toPrecision(3)} against healthy ${Math.max(...h).toPrecision(3)} (σ ${sigma.toPrecision(3)})`);
        }
      });
    }
  }

  test('fault onset - cavitation collapses and head breakdown start from zero and reach their failure level at s = 1', () => {
    assert.equal(cavitationMeanPeakMs2(0), 0);
    assert.ok(cavitationMeanPeakMs2(1e-6) < 0.01);
    assert.equal(cavitationMeanPeakMs2(1), 5);
    const h = hydraulicEffect('cavitation', 1e-3);
    assert.ok(Math.abs(h.headFactor - 1) < 1e-6 && Math.abs(h.flowFactor - 1) < 1e-6 && h.headFluctuationFrac < 1e-6);
  });
});
