import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPlant } from './default-plant.ts';
import { createSimulator } from './simulator.ts';
import { createSensorNoise, NOMINAL_SCALAR_NOISE } from './sensor-noise.ts';

const START_MS = Date.UTC(2026, 0, 5);

/** Standard deviation of successive differences / √2: the white-noise level, blind to slow trends. */
function whiteSd(xs: number[]): number {
  let ss = 0;
  for (let i = 1; i < xs.length; i++) ss += (xs[i]! - xs[i - 1]!) ** 2;
  return Math.sqrt(ss / (xs.length - 1) / 2);
}

/** Per-channel series of the first machine over `steps` windows, with the plant's noise factor `k`. */
function series(k: number, steps: number): Map<string, number[]> {
  const plant = defaultPlant({ machines: 1 });
  const sim = createSimulator({ plant: { ...plant, sampling: { ...plant.sampling, noiseFactor: k } }, seed: 7, startMs: START_MS, faults: [] });
  const out = new Map<string, number[]>();
  for (let i = 0; i < steps; i++)
    for (const w of sim.step())
      for (const c of w.channels) {
        const xs = out.get(c.name) ?? [];
        // Scalars: one value a window; waveforms: the window's samples (first window is enough).
        if (c.values.length === 1 || xs.length === 0) xs.push(...c.values);
        out.set(c.name, xs);
      }
  return out;
}

test('sensor noise - factor 3 adds exactly the extra noise that makes the sensor noise three times the nominal', () => {
  // The noise stage draws from its own stream, so the machine's signal is the same in both runs
  // and the difference is the added noise alone: nominal · √(3² − 1).
  const base = series(1, 400);
  const noisy = series(3, 400);
  let checked = 0;
  for (const [name, nominal] of Object.entries(NOMINAL_SCALAR_NOISE)) {
    const a = base.get(name);
    const b = noisy.get(name);
    if (!a || !b) continue;
    const diff = b.map((x, i) => x - a[i]!);
    const mean = diff.reduce((s, x) => s + x, 0) / diff.length;
    const sd = Math.sqrt(diff.reduce((s, x) => s + (x - mean) ** 2, 0) / (diff.length - 1));
    const want = nominal * Math.sqrt(8);
    assert.ok(Math.abs(sd / want - 1) < 0.15, `${name}: added noise ${sd.toPrecision(3)}, expected ${want.toPrecision(3)}`);
    checked++;
  }
  assert.ok(checked >= 3, `checked ${checked} scalar channels`);
});

test('sensor noise - factor 1 adds nothing and a factor below 1 is refused', () => {
  assert.equal(createSensorNoise(1, 1), null);
  assert.throws(() => createSensorNoise(0.5, 1), RangeError);
  assert.deepEqual(series(1, 5).get('temp_bearing'), series(1, 5).get('temp_bearing'));
});

test('sensor noise - raises the vibration noise floor, the same way for the same seed', () => {
  const a = series(1, 1).get('vib_de')!;
  const b = series(4, 1).get('vib_de')!;
  assert.deepEqual(series(4, 1).get('vib_de'), b, 'deterministic per seed');
  // High-frequency content (first differences) is dominated by the broadband noise floor.
  assert.ok(whiteSd(b) > 1.5 * whiteSd(a), `vibration white noise ${whiteSd(b).toFixed(3)} vs ${whiteSd(a).toFixed(3)}`);
});
