import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearingDefectOrders } from '../../core/index.ts';
import { computeFeatures, createFeatureExtractor } from './window-features.ts';
import { add, bearingImpacts, gaussian, testBirth, windowOf } from './synthetic.test-support.ts';

const RATE = 10240;
const N = 4096;
const bpfoHz = bearingDefectOrders(testBirth.bearing).bpfo * 25;

test('features - a kept kurtogram band gives the same features as a fresh search while the machine is unchanged', () => {
  const extract = createFeatureExtractor({ bandSearchEvery: 6 });
  for (let i = 0; i < 12; i++) {
    const w = windowOf(add(gaussian(N, 100 + i), bearingImpacts(N, RATE, bpfoHz, 1400, 3)), { seq: i });
    const cached = extract(w, testBirth);
    const fresh = computeFeatures(w, testBirth);
    assert.ok(cached.ok && fresh.ok);
    assert.deepEqual(cached.value.evidence.features['env.bandLoHz'], fresh.value.evidence.features['env.bandLoHz']);
    assert.ok(Math.abs(cached.value.features['env.bpfoRatio']! - fresh.value.features['env.bpfoRatio']!) < 1e-9);
  }
});

test('features - a bearing fault appearing in another band triggers a new band search at once', () => {
  const extract = createFeatureExtractor({ bandSearchEvery: 1000 });
  for (let i = 0; i < 5; i++) assert.ok(extract(windowOf(gaussian(N, 200 + i), { seq: i }), testBirth).ok);
  // The healthy machine kept the default 2–5 kHz band; impacts ringing a 1.4 kHz resonance appear.
  const faulty = windowOf(add(gaussian(N, 300), bearingImpacts(N, RATE, bpfoHz, 1400, 5)), { seq: 9 });
  const r = extract(faulty, testBirth);
  assert.ok(r.ok);
  assert.ok(r.value.evidence.features['env.bandHiHz']! <= 2600, String(r.value.evidence.features['env.bandHiHz']));
  assert.ok(r.value.features['env.bpfoRatio']! > 6, String(r.value.features['env.bpfoRatio']));
});

test('features - a weak fault in another band is found by the periodic search within bandSearchEvery windows', () => {
  const every = 4;
  const extract = createFeatureExtractor({ bandSearchEvery: every });
  for (let i = 0; i < 3; i++) assert.ok(extract(windowOf(gaussian(N, 400 + i), { seq: i }), testBirth).ok);
  let foundAfter = -1;
  for (let i = 0; i < every && foundAfter < 0; i++) {
    const r = extract(windowOf(add(gaussian(N, 500 + i), bearingImpacts(N, RATE, bpfoHz, 1400, 2.5)), { seq: 10 + i }), testBirth);
    assert.ok(r.ok);
    if (r.value.evidence.features['env.bandHiHz']! <= 2600) foundAfter = i;
  }
  assert.ok(foundAfter >= 0, 'the band with the impacts was never searched');
});
