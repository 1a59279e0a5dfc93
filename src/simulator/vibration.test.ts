// Physics of the vibration waveform, checked the way a vibration analyst would: envelope analysis
// for the bearing fault, order amplitudes for misalignment.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MachineType, TelemetryWindow } from '../core/index.ts';
import { ENVELOPE_PAD, RESONANCE_HZ, amplitudeSpectrum, channel, defectHz, envelopeSpectrum, lateWindow, median, peakIn } from './spectra.test-support.ts';

function bpfoHz(type: MachineType, w: TelemetryWindow): number {
  return defectHz(type, w).bpfo;
}

describe('simulator vibration', () => {
  for (const type of ['centrifugal-pump', 'induction-motor', 'fan'] as const) {
    test(`vibration - outer-race fault on ${type} shows BPFO in the envelope spectrum, healthy does not`, () => {
      const faulty = lateWindow(type, 'bearing-outer-race');
      const healthy = lateWindow(type, null);
      const rateHz = faulty.channels[0]!.rateHz;
      const n = channel(faulty, 'vib_de').length;
      const binHz = rateHz / (n * ENVELOPE_PAD);
      const bpfo = bpfoHz(type, faulty);
      const envF = envelopeSpectrum(channel(faulty, 'vib_de'), rateHz, RESONANCE_HZ - 600, RESONANCE_HZ + 600);
      const envH = envelopeSpectrum(channel(healthy, 'vib_de'), rateHz, RESONANCE_HZ - 600, RESONANCE_HZ + 600);
      // The strongest envelope line from 10 Hz up to 1.5x BPFO (below the 2nd harmonic) is the BPFO fundamental.
      const top = peakIn(envF, binHz, 10, 1.5 * bpfo);
      assert.ok(Math.abs(top.freqHz - bpfo) / bpfo < 0.02, `envelope peak ${top.freqHz.toFixed(2)} Hz vs BPFO ${bpfo.toFixed(2)} Hz`);
      const noiseF = median(envF.subarray(Math.ceil(10 / binHz), Math.floor(600 / binHz)));
      assert.ok(top.amp / noiseF > 10, `BPFO line ${top.amp.toFixed(1)} stands ${(top.amp / noiseF).toFixed(1)}x above the median`);
      // Healthy twin: at BPFO the envelope spectrum is no higher than its own noise floor allows.
      const atH = peakIn(envH, binHz, bpfo * 0.98, bpfo * 1.02);
      const noiseH = median(envH.subarray(Math.ceil(10 / binHz), Math.floor(600 / binHz)));
      assert.ok(atH.amp / noiseH < 5, `healthy envelope at BPFO is ${(atH.amp / noiseH).toFixed(1)}x its median`);
    });
  }

  for (const type of ['centrifugal-pump', 'induction-motor', 'fan'] as const) {
    test(`vibration - misalignment on ${type} raises 2x strongly and 1x mildly`, () => {
      const faulty = lateWindow(type, 'misalignment');
      const healthy = lateWindow(type, null);
      const order = (w: TelemetryWindow, k: number): number => {
        const x = channel(w, 'vib_de');
        const binHz = w.channels[0]!.rateHz / x.length;
        const f = (k * channel(w, 'speed')[0]!) / 60;
        return peakIn(amplitudeSpectrum(x), binHz, f - 2 * binHz, f + 2 * binHz).amp;
      };
      const ratio2 = order(faulty, 2) / order(healthy, 2);
      const ratio1 = order(faulty, 1) / order(healthy, 1);
      assert.ok(ratio2 > 5, `2x grew ${ratio2.toFixed(2)} times`);
      assert.ok(ratio1 > 1.05 && ratio1 < ratio2, `1x grew ${ratio1.toFixed(2)} times (2x: ${ratio2.toFixed(2)})`);
    });
  }
});
