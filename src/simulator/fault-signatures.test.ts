// The physics of the six fault modes beyond outer race and misalignment, checked the way a
// vibration analyst would, each at severity ~0.9 against the same machine healthy (its twin: the
// same seed without the fault, so the healthy signal and the process are sample for sample equal).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MachineType, TelemetryWindow } from '../core/index.ts';
import {
  ENVELOPE_PAD, RESONANCE_HZ, amplitudeSpectrum, bandRms, channel, defectHz, envelopeSpectrum, lateWindow, median, peakIn, shaftHz, windows,
} from './spectra.test-support.ts';

const TYPES = ['centrifugal-pump', 'induction-motor', 'fan'] as const;

interface Envelope {
  mag: Float64Array;
  binHz: number;
  /** Median of the envelope spectrum from 10 Hz to 600 Hz: the floor lines are compared with. */
  floor: number;
}

function envelope(w: TelemetryWindow): Envelope {
  const x = channel(w, 'vib_de');
  const rateHz = w.channels[0]!.rateHz;
  const binHz = rateHz / (x.length * ENVELOPE_PAD);
  const mag = envelopeSpectrum(x, rateHz, RESONANCE_HZ - 600, RESONANCE_HZ + 600);
  return { mag, binHz, floor: median(mag.subarray(Math.ceil(10 / binHz), Math.floor(600 / binHz))) };
}

/** Amplitude of the line at `order` x shaft speed (largest within `halfWidthBins` of it). */
function orderAmp(w: TelemetryWindow, order: number, halfWidthBins = 2): number {
  const x = channel(w, 'vib_de');
  const binHz = w.channels[0]!.rateHz / x.length;
  const f = order * shaftHz(w);
  return peakIn(amplitudeSpectrum(x), binHz, f - halfWidthBins * binHz, f + halfWidthBins * binHz).amp;
}

/**
 * Orders among `orders` whose line stands more than 6x above the amplitude spectrum's median.
 * Searched within one bin only: a fan's half-orders are 3.3 bins (8 Hz) from its harmonics, inside
 * the skirt of the Hann main lobe (2 bins) a wider search would reach.
 */
function linesAboveFloor(w: TelemetryWindow, orders: number[]): number[] {
  const floor = median(amplitudeSpectrum(channel(w, 'vib_de')));
  return orders.filter((k) => orderAmp(w, k, 1) > 6 * floor);
}

describe('fault physics', () => {
  for (const type of TYPES) {
    test(`fault physics - inner-race fault on ${type} shows BPFI with 1x sidebands in the envelope spectrum`, () => {
      const faulty = lateWindow(type, 'bearing-inner-race');
      const healthy = lateWindow(type, null);
      const { bpfi } = defectHz(type, faulty);
      const fr = shaftHz(faulty);
      const f = envelope(faulty);
      const h = envelope(healthy);
      // The strongest line between 1.5x and 1.5 BPFI (past the 1x of the modulation itself) is BPFI.
      const top = peakIn(f.mag, f.binHz, 1.5 * fr, 1.5 * bpfi);
      assert.ok(Math.abs(top.freqHz - bpfi) / bpfi < 0.02, `envelope peak ${top.freqHz.toFixed(2)} Hz vs BPFI ${bpfi.toFixed(2)} Hz`);
      assert.ok(top.amp / f.floor > 8, `BPFI line ${(top.amp / f.floor).toFixed(1)}x the median`);
      for (const side of [-1, 1]) {
        const at = bpfi + side * fr;
        const sb = peakIn(f.mag, f.binHz, at - 0.3 * fr, at + 0.3 * fr);
        assert.ok(Math.abs(sb.freqHz - at) < 0.1 * fr, `sideband ${sb.freqHz.toFixed(2)} Hz vs BPFI ${side > 0 ? '+' : '-'} 1x = ${at.toFixed(2)} Hz`);
        assert.ok(sb.amp / f.floor > 4 && sb.amp < top.amp, `sideband ${(sb.amp / f.floor).toFixed(1)}x the median, below the carrier`);
      }
      const atH = peakIn(h.mag, h.binHz, bpfi * 0.98, bpfi * 1.02);
      assert.ok(atH.amp / h.floor < 5, `healthy envelope at BPFI is ${(atH.amp / h.floor).toFixed(1)}x its median`);
    });
  }

  for (const type of TYPES) {
    test(`fault physics - rolling-element fault on ${type} shows 2x BSF in the envelope and is weaker than an outer-race fault`, () => {
      const faulty = lateWindow(type, 'bearing-rolling-element');
      const healthy = lateWindow(type, null);
      const outer = lateWindow(type, 'bearing-outer-race');
      const bsf = defectHz(type, faulty).bsf;
      const twoBsf = 2 * bsf;
      const f = envelope(faulty);
      const h = envelope(healthy);
      // A ball spall strikes both races each ball turn: the line is at 2x BSF, stronger than any at BSF.
      const top = peakIn(f.mag, f.binHz, 0.6 * bsf, 1.2 * twoBsf);
      assert.ok(Math.abs(top.freqHz - twoBsf) / twoBsf < 0.02, `envelope peak ${top.freqHz.toFixed(2)} Hz vs 2xBSF ${twoBsf.toFixed(2)} Hz`);
      assert.ok(top.amp / f.floor > 5, `2xBSF line ${(top.amp / f.floor).toFixed(1)}x the median`);
      const atH = peakIn(h.mag, h.binHz, twoBsf * 0.98, twoBsf * 1.02);
      assert.ok(atH.amp / h.floor < 5, `healthy envelope at 2xBSF is ${(atH.amp / h.floor).toFixed(1)}x its median`);
      const band = (w: TelemetryWindow) => bandRms(channel(w, 'vib_de'), w.channels[0]!.rateHz, RESONANCE_HZ - 600, RESONANCE_HZ + 600);
      assert.ok(band(faulty) < band(outer), `resonance band ${band(faulty).toFixed(2)} m/s2 (ball) vs ${band(outer).toFixed(2)} m/s2 (outer race)`);
      assert.ok(band(faulty) > 1.5 * band(healthy), `resonance band ${band(faulty).toFixed(2)} m/s2 vs healthy ${band(healthy).toFixed(2)} m/s2`);
    });
  }

  for (const type of TYPES) {
    test(`fault physics - imbalance on ${type} raises 1x by a large factor and lowers 2x/1x`, () => {
      const faulty = lateWindow(type, 'imbalance');
      const healthy = lateWindow(type, null);
      const ratio1 = orderAmp(faulty, 1) / orderAmp(healthy, 1);
      assert.ok(ratio1 > 3, `1x grew ${ratio1.toFixed(2)} times`);
      const shape = (w: TelemetryWindow) => orderAmp(w, 2) / orderAmp(w, 1);
      assert.ok(shape(faulty) < 0.5 * shape(healthy), `2x/1x ${shape(faulty).toFixed(3)} vs healthy ${shape(healthy).toFixed(3)}`);
    });
  }

  for (const type of TYPES) {
    test(`fault physics - looseness on ${type} adds shaft harmonics up to 10x, half-orders and a higher noise floor`, () => {
      const faulty = lateWindow(type, 'looseness');
      const healthy = lateWindow(type, null);
      const harmonics = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
      const halves = harmonics.map((k) => k - 0.5);
      const hf = linesAboveFloor(faulty, harmonics), hh = linesAboveFloor(healthy, harmonics);
      assert.ok(hf.length >= 9 && hh.length <= 4, `harmonics above the floor: faulty ${hf.join(',')}; healthy ${hh.join(',')}`);
      const sf = linesAboveFloor(faulty, halves), sh = linesAboveFloor(healthy, halves);
      assert.ok(sf.length >= 5 && sh.length === 0, `half-orders above the floor: faulty ${sf.join(',')}; healthy ${sh.join(',')}`);
      const floor = (w: TelemetryWindow) => median(amplitudeSpectrum(channel(w, 'vib_de')));
      assert.ok(floor(faulty) > 1.5 * floor(healthy), `noise floor ${floor(faulty).toFixed(4)} vs healthy ${floor(healthy).toFixed(4)} m/s2`);
    });
  }

  test('fault physics - cavitation drops and unsteadies discharge pressure, lowers flow, and raises vibration above 2 kHz', () => {
    const faulty = windows('centrifugal-pump', 'cavitation', 7, 47).slice(-8);
    const healthy = windows('centrifugal-pump', null, 7, 47).slice(-8);
    // Same seed, same demand path and sensor noise: the ratio isolates the fault.
    const ratios = faulty.map((w, i) => channel(w, 'pressure')[0]! / channel(healthy[i]!, 'pressure')[0]!);
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    const sd = Math.sqrt(ratios.reduce((a, r) => a + (r - mean) ** 2, 0) / (ratios.length - 1));
    assert.ok(mean < 0.9, `discharge pressure at ${(100 * mean).toFixed(1)}% of healthy`);
    assert.ok(sd > 0.01, `pressure ratio scatters by ${(100 * sd).toFixed(2)}% between windows`);
    const flow = channel(faulty.at(-1)!, 'flow')[0]! / channel(healthy.at(-1)!, 'flow')[0]!;
    assert.ok(flow < 0.99 && flow > 0.85, `flow at ${(100 * flow).toFixed(1)}% of healthy: drops a little`);
    const hf = (w: TelemetryWindow) => bandRms(channel(w, 'vib_de'), w.channels[0]!.rateHz, 2000, 5000);
    const ratio = hf(faulty.at(-1)!) / hf(healthy.at(-1)!);
    assert.ok(ratio > 3, `vibration above 2 kHz grew ${ratio.toFixed(1)} times`);
  });

  for (const type of TYPES) {
    test(`fault physics - lubrication loss on ${type} heats the bearing and raises broadband noise, with no defect line until late`, () => {
      const faulty = windows(type, 'lubrication-loss', 7, 47);
      const healthy = windows(type, null, 7, 47);
      const temp = (w: TelemetryWindow) => channel(w, 'temp_bearing')[0]!;
      const riseK = temp(faulty.at(-1)!) - temp(healthy.at(-1)!);
      assert.ok(riseK > 20, `bearing ${riseK.toFixed(1)} K hotter than healthy`);
      // Broadband: the median of the spectrum above 1 kHz (lines, like late impacts, do not move a median).
      const floor = (w: TelemetryWindow) => {
        const mag = amplitudeSpectrum(channel(w, 'vib_de'));
        const binHz = w.channels[0]!.rateHz / (2 * mag.length);
        return median(mag.subarray(Math.ceil(1000 / binHz)));
      };
      const ratio = floor(faulty.at(-1)!) / floor(healthy.at(-1)!);
      assert.ok(ratio > 3, `spectrum floor above 1 kHz grew ${ratio.toFixed(1)} times`);
      // Mid-life (20 h of 24, severity ~0.5): already hot, yet no bearing defect line in the envelope.
      const mid = faulty[39]!;
      assert.ok(temp(mid) - temp(healthy[39]!) > 5, `mid-life rise ${(temp(mid) - temp(healthy[39]!)).toFixed(1)} K`);
      const env = envelope(mid);
      const d = defectHz(type, mid);
      for (const [name, hz] of [['BPFO', d.bpfo], ['BPFI', d.bpfi], ['2xBSF', 2 * d.bsf]] as const) {
        const at = peakIn(env.mag, env.binHz, 0.98 * hz, 1.02 * hz);
        assert.ok(at.amp / env.floor < 5, `mid-life envelope at ${name} is ${(at.amp / env.floor).toFixed(1)}x its median`);
      }
    });
  }
});
