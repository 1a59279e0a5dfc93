import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ort from 'onnxruntime-node';
import { createMemoryQueue } from '../../transport/memory-queue.ts';
import { subjects } from '../../core/index.ts';
import { buildEdgeModel, canonicalJson, exportAutoencoderOnnx, generateSigningKey, publishRelease, scoreRow, sha256Hex, signRelease, trainAutoencoder, ModelRelease, type HealthyRow } from './index.ts';
import { verify } from 'node:crypto';

/** Healthy rows with a low-dimensional structure an autoencoder can learn: 6 features driven by 2 factors. */
function healthyRows(n: number, seed = 1): number[][] {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: n }, () => {
    const a = rnd() * 2 - 1;
    const b = rnd() * 2 - 1;
    const e = () => (rnd() - 0.5) * 0.05;
    return [a + e(), b + e(), a + b + e(), 10 + 2 * a * b + e(), 3 * a - b + e(), 50 + 5 * b + e()];
  });
}

const rows = healthyRows(400);
const trained = trainAutoencoder(rows, { seed: 7, maxEpochs: 150 });

async function runOnnx(bytes: Uint8Array, x: number[][]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const d = x[0]!.length;
    const out = await session.run({ features: new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, d]) });
    return out['score']!.data as Float32Array;
  } finally {
    await session.release();
  }
}

test('edge models - exported ONNX gives the TypeScript forward pass\'s scores on random inputs', async () => {
  const bytes = exportAutoencoderOnnx(trained.model);
  const { center, scale } = trained.model.scaling;
  // Inputs within ±8 robust σ of the centre: scores up to ~10², where float32 keeps 1e-4 relative.
  const row = fc.tuple(...center.map((c, j) => fc.double({ min: c - 8 * scale[j]!, max: c + 8 * scale[j]!, noNaN: true })));
  await fc.assert(
    fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 20 }), async (batch) => {
      const got = await runOnnx(bytes, batch);
      assert.equal(got.length, batch.length);
      batch.forEach((r, i) => {
        const want = scoreRow(trained.model, r.map(Math.fround));
        assert.ok(Math.abs(got[i]! - want) < 1e-4 * Math.max(1, Math.abs(want)), `row ${i}: onnx ${got[i]} vs ts ${want}`);
      });
    }),
    { numRuns: 30 },
  );
});

test('edge models - a missing input (NaN) is imputed at the training median inside the graph', async () => {
  const bytes = exportAutoencoderOnnx(trained.model);
  const r = rows[3]!;
  const withNaN = [Number.NaN, ...r.slice(1)];
  const [got] = await runOnnx(bytes, [withNaN]);
  const want = scoreRow(trained.model, [trained.model.scaling.center[0]!, ...r.slice(1)].map(Math.fround));
  assert.ok(Number.isFinite(got!));
  assert.ok(Math.abs(got! - want) < 1e-4 * Math.max(1, want));
});

test('edge models - training is deterministic for a seed and differs across seeds', () => {
  const a = exportAutoencoderOnnx(trainAutoencoder(rows.slice(0, 100), { seed: 3, maxEpochs: 5 }).model);
  const b = exportAutoencoderOnnx(trainAutoencoder(rows.slice(0, 100), { seed: 3, maxEpochs: 5 }).model);
  const c = exportAutoencoderOnnx(trainAutoencoder(rows.slice(0, 100), { seed: 4, maxEpochs: 5 }).model);
  assert.equal(sha256Hex(a), sha256Hex(b));
  assert.notEqual(sha256Hex(a), sha256Hex(c));
});

test('edge models - rows off the healthy structure score far above held-out healthy rows', () => {
  const fresh = healthyRows(200, 99);
  const healthy = fresh.map((r) => scoreRow(trained.model, r)).sort((x, y) => x - y);
  const p99 = healthy[Math.ceil(0.99 * (healthy.length - 1))]!;
  // Each feature stays within its healthy range, but the relation between them breaks.
  // (|b| > 0.3 so that a − b differs from a + b by more than the healthy scatter of that feature.)
  const broken = fresh.filter((r) => Math.abs(r[1]!) > 0.3).map((r) => [r[0]!, r[1]!, r[0]! - r[1]!, 10 - 2 * r[0]! * r[1]!, r[4]!, r[5]!]);
  const flagged = broken.filter((r) => scoreRow(trained.model, r) > p99).length;
  assert.ok(flagged > 0.8 * broken.length, `${flagged}/${broken.length} broken rows above the healthy p99`);
  assert.ok(trained.report.validationLoss < 0.2, `validation loss ${trained.report.validationLoss}`);
});

test('edge models - buildEdgeModel picks covered features in sorted order and pins the bytes in its manifest', () => {
  const hr: HealthyRow[] = rows.map((r, i) => ({ machine: `m${i % 3}`, features: { b: r[0]!, a: r[1]!, c: r[2]!, ...(i % 2 ? { sparse: 1 } : {}) } }));
  const m = buildEdgeModel(hr, { machineType: 'fan', version: 2, createdAt: '2026-01-01T00:00:00.000Z', train: { maxEpochs: 10 } });
  assert.deepEqual(m.manifest.featureNames, ['a', 'b', 'c']);
  assert.equal(m.manifest.trainedOn.machines, 3);
  assert.equal(m.manifest.sha256, sha256Hex(m.onnx));
  assert.equal(m.manifest.sizeBytes, m.onnx.byteLength);
  assert.ok(m.onnx.byteLength < 50_000);
});

test('edge models - canonical JSON does not depend on key order', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.integer())), { noNullPrototype: true }), (obj) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse());
      assert.equal(canonicalJson({ x: obj, a: 1 }), canonicalJson({ a: 1, x: reversed }));
      assert.deepEqual(JSON.parse(canonicalJson(obj)), obj);
    }),
  );
});

test('edge models - a signed release verifies with the public key over the canonical manifest and is published on the site subject', async () => {
  const key = generateSigningKey();
  const m = buildEdgeModel(rows.map((r) => ({ machine: 'm', features: { a: r[0]!, b: r[1]!, c: r[2]! } })), { machineType: 'gearbox', version: 1, train: { maxEpochs: 5 } });
  const release = signRelease(m.onnx, m.manifest, key);
  assert.equal(release.manifest.keyId, key.keyId);
  const ok = verify(null, Buffer.from(canonicalJson(release.manifest)), key.publicKeyPem, Buffer.from(release.signature, 'base64'));
  assert.ok(ok);
  const queue = createMemoryQueue();
  const got: ModelRelease[] = [];
  const sub = await queue.consume(subjects.model('site-b'), 'test', async (msg) => {
    got.push(ModelRelease.parse(JSON.parse(Buffer.from(msg.data).toString('utf8'))));
    return 'ack';
  });
  await publishRelease(queue, 'site-b', release);
  for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  await sub.stop();
  await queue.close();
  assert.equal(got.length, 1);
  assert.equal(got[0]!.manifest.sha256, m.manifest.sha256);
});
