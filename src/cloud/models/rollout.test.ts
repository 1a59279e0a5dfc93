import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from 'node:crypto';
import { createMemoryQueue } from '../../transport/memory-queue.ts';
import { canonicalJson, decodeJson, ModelRelease, subjects, type FleetMachine, type MachineType, type WorkQueue } from '../../core/index.ts';
import { mulberry32 } from '../../core/prng.ts';
import { createModelRollout, generateSigningKey, inlineTrainer, type ModelRolloutConfig } from './index.ts';

const HOUR = 3_600_000;
const T0 = 1_767_225_600_000;

/** A status event of one machine with features driven by two latent factors (structure an autoencoder can learn). */
function machineEvent(site: string, machine: string, i: number, over: Partial<FleetMachine> & { state?: 'normal' | 'alarm' | 'learning' } = {}, type: MachineType = 'fan'): FleetMachine {
  const u = mulberry32(i * 7919 + machine.length * 31 + site.length);
  const a = u(), b = u();
  const features = { 'accel.rmsMs2': 1 + a + 0.01 * u(), 'vel.rmsMmS': 2 + 2 * a + b + 0.01 * u(), 'scalar.temp_bearing': 40 + 3 * b + 0.01 * u(), 'env.sk': a * b };
  return {
    site, line: 'line-1', machine, machineType: type, lastSeenMs: 0, openIncidents: over.openIncidents ?? [],
    status: { v: 1, site, line: 'line-1', machine, machineType: type, ts: T0 + i * 5 * 60_000, state: over.state ?? 'normal', score: 0.1, windows: i, features, regime: 'b0' },
  };
}

async function collect(queue: WorkQueue, site: string): Promise<{ got: ModelRelease[]; stop(): Promise<void> }> {
  const got: ModelRelease[] = [];
  const c = await queue.consume(subjects.model(site), `test-${site}`, async (m) => {
    const r = decodeJson(ModelRelease, m.data);
    assert.ok(r.ok);
    got.push(r.value);
    return 'ack';
  });
  return { got, stop: () => c.stop() };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

function rig(config: ModelRolloutConfig) {
  const queue = createMemoryQueue();
  const key = generateSigningKey();
  const rollout = createModelRollout({ queue, signingKey: key, trainer: inlineTrainer(), config: { train: { maxEpochs: 20 }, ...config } });
  return { queue, key, rollout, async close() { await rollout.close(); await queue.close(); } };
}

test('model rollout - trains and publishes only once a type has enough healthy rows from enough machines', async () => {
  const r = rig({ minRows: 40, minMachines: 2, retrainEvery: 10_000 });
  const a = await collect(r.queue, 'site-a');
  const b = await collect(r.queue, 'site-b');
  try {
    // One machine alone, however many rows: not the fleet.
    for (let i = 0; i < 60; i++) r.rollout.observe(machineEvent('site-a', 'fan-001', i));
    await r.rollout.idle();
    assert.equal(r.rollout.published().length, 0);
    // A second machine at another site: rows were enough already, so its first healthy row triggers training.
    r.rollout.observe(machineEvent('site-b', 'fan-002', 0));
    await r.rollout.idle();
    await settle();
    const pub = r.rollout.published();
    assert.equal(pub.length, 1);
    assert.equal(pub[0]!.version, 2, 'above the shipped version 1');
    assert.equal(pub[0]!.machines, 2);
    assert.equal(pub[0]!.rows, 61);
    assert.deepEqual(pub[0]!.sites, ['site-a', 'site-b']);
    assert.equal(a.got.length, 1);
    assert.equal(b.got.length, 1);
    const rel = a.got[0]!;
    assert.equal(rel.manifest.keyId, r.key.keyId);
    assert.ok(verify(null, Buffer.from(canonicalJson(rel.manifest)), r.key.publicKeyPem, Buffer.from(rel.signature, 'base64')));
    assert.deepEqual(rel.manifest.featureNames, ['accel.rmsMs2', 'env.sk', 'scalar.temp_bearing', 'vel.rmsMmS']);
  } finally {
    await a.stop();
    await b.stop();
    await r.close();
  }
});

test('model rollout - below minRows nothing is trained', async () => {
  const r = rig({ minRows: 50, minMachines: 2 });
  try {
    for (let i = 0; i < 49; i++) r.rollout.observe(machineEvent('site-a', i % 2 ? 'fan-001' : 'fan-002', i));
    await r.rollout.idle();
    assert.equal(r.rollout.published().length, 0);
    assert.equal(r.rollout.rows()['fan']?.held, 49);
    r.rollout.observe(machineEvent('site-a', 'fan-003', 0));
    await r.rollout.idle();
    assert.equal(r.rollout.published().length, 1);
  } finally {
    await r.close();
  }
});

test('model rollout - a machine with an open incident, in alarm, learning or in quarantine after trouble contributes nothing', async () => {
  const r = rig({ minRows: 1000, minMachines: 2, healthy: { quarantineMs: 6 * HOUR } });
  try {
    for (let i = 0; i < 20; i++) r.rollout.observe(machineEvent('site-a', 'fan-009', i, { openIncidents: ['inc-1'] }));
    for (let i = 20; i < 30; i++) r.rollout.observe(machineEvent('site-a', 'fan-009', i, { state: 'alarm' }));
    for (let i = 0; i < 10; i++) r.rollout.observe(machineEvent('site-a', 'fan-008', i, { state: 'learning' }));
    assert.equal(r.rollout.rows()['fan']?.seen ?? 0, 0);
    // Normal again, but within 6 h (72 windows of 5 min) of the last alarm: the fault may still be there.
    for (let i = 30; i < 30 + 71; i++) r.rollout.observe(machineEvent('site-a', 'fan-009', i));
    assert.equal(r.rollout.rows()['fan']?.seen ?? 0, 0);
    r.rollout.observe(machineEvent('site-a', 'fan-009', 29 + 72));
    assert.equal(r.rollout.rows()['fan']?.seen, 1);
    // A repeated (or older) status is not a new row.
    r.rollout.observe(machineEvent('site-a', 'fan-009', 29 + 72));
    r.rollout.observe(machineEvent('site-a', 'fan-009', 50));
    assert.equal(r.rollout.rows()['fan']?.seen, 1);
  } finally {
    await r.close();
  }
});

test('model rollout - versions increase with every retraining, memory stays within the reservoir', async () => {
  const r = rig({ minRows: 30, minMachines: 2, retrainEvery: 40, maxRowsPerType: 50 });
  const a = await collect(r.queue, 'site-a');
  try {
    for (let i = 0; i < 200; i++) {
      r.rollout.observe(machineEvent('site-a', `fan-00${i % 3}`, i));
      if (i % 10 === 0) await r.rollout.idle();
    }
    await r.rollout.idle();
    await settle();
    const versions = r.rollout.published().map((p) => p.version);
    assert.ok(versions.length >= 3, `versions ${versions}`);
    versions.forEach((v, i) => i > 0 && assert.ok(v > versions[i - 1]!, `versions ${versions}`));
    assert.deepEqual(a.got.map((g) => g.manifest.version), versions);
    assert.equal(r.rollout.rows()['fan']?.held, 50);
    assert.equal(r.rollout.rows()['fan']?.seen, 200);
    assert.ok(r.rollout.published().every((p) => p.rows <= 50));
  } finally {
    await a.stop();
    await r.close();
  }
});

test('model rollout - a site that starts running a type later gets the current model', async () => {
  const r = rig({ minRows: 20, minMachines: 2 });
  const c = await collect(r.queue, 'site-c');
  try {
    for (let i = 0; i < 20; i++) r.rollout.observe(machineEvent('site-a', `fan-00${i % 2}`, i));
    await r.rollout.idle();
    assert.equal(r.rollout.published().length, 1);
    r.rollout.observe(machineEvent('site-c', 'fan-100', 0, { state: 'learning' }));
    await r.rollout.idle();
    await settle();
    assert.equal(c.got.length, 1);
    assert.equal(c.got[0]!.manifest.version, 2);
  } finally {
    await c.stop();
    await r.close();
  }
});

test('model rollout - training in a worker thread gives the inline trainer\'s model', async () => {
  const { workerTrainer } = await import('./trainer.ts');
  const rows = Array.from({ length: 80 }, (_, i) => ({ machine: `m${i % 2}`, features: machineEvent('s', 'm', i).status!.features! }));
  const cfg = { machineType: 'fan' as const, version: 5, createdAt: '2026-01-01T00:00:00.000Z', train: { maxEpochs: 15 } };
  const w = workerTrainer();
  try {
    const [inWorker, inline] = await Promise.all([w.train(rows, cfg), inlineTrainer().train(rows, cfg)]);
    assert.equal(inWorker.manifest.sha256, inline.manifest.sha256);
    assert.ok(Buffer.from(inWorker.onnx).equals(Buffer.from(inline.onnx)));
    assert.ok(inWorker.trainMs > 0);
  } finally {
    await w.close();
  }
});
