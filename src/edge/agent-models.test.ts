import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeJson, machineTopic, subjects, type MachineStatus } from '../core/index.ts';
import { createMemoryBroker, createMemoryQueue, createMemoryTransport } from '../transport/index.ts';
import { createEdgeAgent } from './agent.ts';
import { add, gaussian, rng, testBirth, tone, windowOf } from './features/synthetic.test-support.ts';
import { releaseOf, shippedModel, testKey } from './models/models.test-support.ts';
import { waitUntil as waitFor } from '../../test/support/wait.ts';

const addr = { site: testBirth.site, line: testBirth.line, machine: testBirth.machine };

const waitUntil = (predicate: () => boolean, what: string, timeoutMs = 10_000) => waitFor(predicate, what, timeoutMs);

function pumpWindow(i: number) {
  const u = rng(1000 + i);
  const vib = add(tone(4096, 10240, 25, 0.5, u() * 6), tone(4096, 10240, 50, 0.1, u() * 6), gaussian(4096, 5000 + i, 0.5));
  return windowOf(vib, { seq: i, ts: 1_700_000_000_000 + i * 60_000, tempC: 45 + (u() - 0.5) * 0.4, rpm: 1500 + (u() - 0.5) * 4 });
}

async function rig(t: { after(fn: () => Promise<void>): void }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'pdm-edge-models-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const broker = createMemoryBroker();
  const plant = createMemoryTransport(broker);
  const queue = createMemoryQueue({ ackWaitMs: 2000 });
  const key = testKey();
  await plant.publish(machineTopic(addr, 'birth'), encodeJson(testBirth), { retain: true });
  const agent = await createEdgeAgent({
    site: addr.site, transport: createMemoryTransport(broker), link: queue, dataDir, statusEveryWindows: 1, calibration: { minScores: 8 },
    models: { slot: { minShadowRows: 10, maxShadowRows: 40, watchRows: 1000 } }, modelKeys: key.trusted,
  });
  t.after(async () => {
    await agent.close();
    await queue.close();
  });
  const statuses: MachineStatus[] = [];
  agent.onEvent((e) => e.type === 'status' && statuses.push(e.status));
  await waitUntil(() => agent.counters.get('edge.births') === 1, 'the birth');
  let sent = 0;
  return {
    agent, queue, key, statuses,
    async send(i: number) {
      await plant.publish(machineTopic(addr, 'telemetry'), encodeJson(pumpWindow(i)));
      const target = ++sent;
      await waitUntil(() => agent.stats().windows >= target, `window ${i}`);
    },
  };
}

test('agent models - the shipped model scores every running window and the status carries its version', async (t) => {
  const r = await rig(t);
  for (let i = 0; i < 20; i++) await r.send(i);
  // The first window is not transient (the agent may start beside a running machine): all 20 are scored.
  await waitUntil(() => r.agent.stats().modelScored === 20, 'model scores');
  const slot = r.agent.modelSlot('centrifugal-pump');
  assert.ok(slot);
  assert.equal(slot.stats().rowsScored, 20, 'every window reached onnxruntime with enough features');
  assert.ok(slot.stats().runs <= 20);
  assert.equal(r.statuses.at(-1)?.modelVersion, 'autoencoder-centrifugal-pump@1');
});

test('agent models - a signed release is shadowed then promoted, a tampered one is rejected and counted, rollback restores the shipped model', async (t) => {
  const r = await rig(t);
  const base = await shippedModel('centrifugal-pump');
  for (let i = 0; i < 10; i++) await r.send(i);

  const good = releaseOf(base, { version: 2 }, r.key);
  const tampered = { ...releaseOf(base, { version: 3 }, r.key) };
  tampered.manifest = { ...tampered.manifest, healthyScoreP99: 1e-6 }; // signature no longer matches
  await r.queue.publish(subjects.model(addr.site), Buffer.from(JSON.stringify(tampered)));
  await waitUntil(() => r.agent.counters.get('edge.model.rejected') === 1, 'the tampered release rejected');
  await r.queue.publish(subjects.model(addr.site), Buffer.from(JSON.stringify(good)));
  await waitUntil(() => r.agent.counters.get('edge.model.shadow_started') === 1, 'the shadow');
  assert.equal(r.agent.modelSlot('centrifugal-pump')!.status().shadow?.version, 2);

  // Healthy windows: the shadow (the same network) raises no more alarms than the active model; promoted after 10 normal rows.
  for (let i = 10; i < 60 && r.agent.counters.get('edge.model.promoted') === 0; i++) {
    await r.send(i);
    await waitUntil(() => r.agent.stats().modelScored >= i + 1, 'the model score');
  }
  assert.equal(r.agent.counters.get('edge.model.promoted'), 1);
  await r.send(100);
  await waitUntil(() => r.statuses.at(-1)?.modelVersion === 'autoencoder-centrifugal-pump@2', 'status with v2');
  assert.equal(r.agent.counters.get('edge.model.rejected'), 1, 'the tampered release was counted once');

  const back = await r.agent.modelSlot('centrifugal-pump')!.rollback('test');
  assert.ok(back.ok && back.value.version === 1);
  await r.send(101);
  assert.equal(r.statuses.at(-1)?.modelVersion, 'autoencoder-centrifugal-pump@1');
  assert.equal(r.agent.counters.get('edge.model.rolled_back'), 1);
});

test('agent models - a fleet prior is accepted for its type; a malformed one is dead-lettered', async (t) => {
  const r = await rig(t);
  const prior = { v: 1, machineType: 'centrifugal-pump', createdAt: new Date(0).toISOString(), machines: 3, regimes: { b0: { 'accel.rmsMs2': { median: 0.6, mad: 0.05 } } } };
  await r.queue.publish(subjects.prior(addr.site), Buffer.from(JSON.stringify(prior)));
  await r.queue.publish(subjects.prior(addr.site), Buffer.from(JSON.stringify({ ...prior, machineType: 'toaster' })));
  await waitUntil(() => r.agent.stats().priors === 1 && r.agent.stats().deadLetters === 1, 'the priors');
  assert.equal(r.agent.deadLetters.list()[0]?.stage, 'edge.prior');
});
