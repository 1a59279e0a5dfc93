// The cloud's edge-model rollout and fleet prior against a real edge agent (in-memory broker and
// cloud link): statuses from the edge feed the cloud's healthy rows; the model trained on them is
// signed, published, verified at the edge against its trusted key, shadowed and promoted; a model
// signed with a key the edge does not trust is refused; the fleet prior reaches the edge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJson, encodeJson, machineTopic, MachineStatus, subjects, type FleetMachine, type MachineBirth } from '../../src/core/index.ts';
import { createMemoryBroker, createMemoryQueue, createMemoryTransport } from '../../src/transport/index.ts';
import { createEdgeAgent } from '../../src/edge/index.ts';
import { createFleetPriorPublisher, createModelRollout, generateSigningKey, type FleetPriorConfig, type ModelRolloutConfig, type SigningKey } from '../../src/cloud/index.ts';
import { add, gaussian, rng, testBirth, tone, windowOf } from '../../src/edge/features/synthetic.test-support.ts';
import { waitUntil as waitFor } from '../support/wait.ts';

const PUMPS = ['p1', 'p2'];

const waitUntil = (predicate: () => boolean, what: string, timeoutMs = 20_000) => waitFor(predicate, what, timeoutMs);

function pumpWindow(machine: string, i: number) {
  const u = rng(1000 + i + (machine === 'p2' ? 50_000 : 0));
  const vib = add(tone(4096, 10240, 25, 0.5, u() * 6), tone(4096, 10240, 50, 0.1, u() * 6), gaussian(4096, 5000 + i, 0.5));
  return { ...windowOf(vib, { seq: i, ts: 1_700_000_000_000 + i * 60_000, tempC: 45 + (u() - 0.5) * 0.4, rpm: 1500 + (u() - 0.5) * 4 }), machine };
}

/** An edge agent with two pumps, and the cloud's side of the link: statuses → rollout and prior publisher. */
async function rig(t: { after(fn: () => Promise<void>): void }, opts: { signingKey: SigningKey; trusted: SigningKey; rollout?: ModelRolloutConfig; prior?: FleetPriorConfig }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'pdm-rollout-'));
  const broker = createMemoryBroker();
  const plant = createMemoryTransport(broker);
  const queue = createMemoryQueue({ ackWaitMs: 5000 });
  for (const machine of PUMPS) {
    const birth: MachineBirth = { ...testBirth, machine };
    await plant.publish(machineTopic(birth, 'birth'), encodeJson(birth), { retain: true });
  }
  const agent = await createEdgeAgent({
    site: testBirth.site, transport: createMemoryTransport(broker), link: queue, dataDir, statusEveryWindows: 1, calibration: { minScores: 8 },
    models: { slot: { minShadowRows: 10, maxShadowRows: 200, watchRows: 10_000 } },
    modelKeys: { [opts.trusted.keyId]: opts.trusted.publicKeyPem },
  });
  const rollout = createModelRollout({ queue, signingKey: opts.signingKey, config: { train: { maxEpochs: 60 }, ...opts.rollout } });
  const prior = createFleetPriorPublisher({ queue, config: opts.prior });
  // The cloud's view of a status (DiagnosisService would hand a FleetMachine to its listeners).
  const statuses = await queue.consume(subjects.statusAll, 'test-cloud-status', async (m) => {
    const s = decodeJson(MachineStatus, m.data);
    assert.ok(s.ok, s.ok ? '' : s.reason);
    const fm: FleetMachine = { site: s.value.site, line: s.value.line, machine: s.value.machine, machineType: s.value.machineType, status: s.value, lastSeenMs: Date.now(), openIncidents: [] };
    rollout.observe(fm);
    prior.observe(fm);
    return 'ack';
  });
  const seen: MachineStatus[] = [];
  agent.onEvent((e) => e.type === 'status' && seen.push(e.status));
  t.after(async () => {
    await statuses.stop();
    await rollout.close();
    await prior.close();
    await agent.close();
    await queue.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  await waitUntil(() => agent.counters.get('edge.births') === PUMPS.length, 'the births');
  let sent = 0;
  let next = 0;
  return {
    agent, rollout, prior, seen,
    /** Windows sent per pump so far. */
    get sent() {
      return next;
    },
    /** Sends the next window of every pump and waits until the agent has taken them. */
    async send() {
      const i = next++;
      for (const machine of PUMPS) await plant.publish(machineTopic({ ...testBirth, machine }, 'telemetry'), encodeJson(pumpWindow(machine, i)));
      sent += PUMPS.length;
      await waitUntil(() => agent.stats().windows >= sent, `window ${i}`);
    },
  };
}

const lastVersion = (seen: MachineStatus[], machine: string) => seen.filter((s) => s.machine === machine).at(-1)?.modelVersion;

test('model rollout at the edge - the cloud trains on the edge\'s healthy statuses, the edge verifies, shadows and promotes the new version', { timeout: 120_000 }, async (t) => {
  const key = generateSigningKey();
  const r = await rig(t, { signingKey: key, trusted: key, rollout: { minRows: 30, minMachines: 2, retrainEvery: 100_000 } });
  while (r.sent < 120 && r.rollout.published().length === 0) await r.send();
  await waitUntil(() => r.rollout.published().length > 0, 'a release');
  // Statuses carry the window's features and regime; healthy ones became rows.
  const withFeatures = r.seen.filter((s) => s.features && Object.keys(s.features).length > 10);
  assert.ok(withFeatures.length > 0 && withFeatures.every((s) => s.regime === 'b0'));
  await r.rollout.idle();
  const pub = r.rollout.published();
  assert.equal(pub.length, 1, `rows ${JSON.stringify(r.rollout.rows())}`);
  assert.equal(pub[0]!.machines, 2);
  assert.ok(pub[0]!.rows >= 30);
  await waitUntil(() => r.agent.counters.get('edge.model.shadow_started') === 1, 'the shadow');
  while (r.sent < 300 && r.agent.counters.get('edge.model.promoted') === 0) {
    await r.send();
    await waitUntil(() => r.agent.stats().modelScored >= 2 * r.sent - 4, 'the model scores');
  }
  assert.equal(r.agent.counters.get('edge.model.promoted'), 1, JSON.stringify(r.agent.modelSlot('centrifugal-pump')?.status()));
  await r.send();
  await waitUntil(() => lastVersion(r.seen, 'p1') === `autoencoder-centrifugal-pump@${pub[0]!.version}`, 'a status with the cloud-trained version');
  assert.equal(r.agent.counters.get('edge.model.rejected'), 0);
  process.stdout.write(`# rollout: v${pub[0]!.version} from ${pub[0]!.rows} rows of ${pub[0]!.machines} machines, ${pub[0]!.features} features, ${pub[0]!.bytes} B ONNX, trained in ${pub[0]!.trainMs} ms (${pub[0]!.epochs} epochs); promoted after ${r.sent} windows per pump\n`);
});

test('model rollout at the edge - a release signed with a key the edge does not trust is rejected and the shipped model stays', { timeout: 120_000 }, async (t) => {
  const r = await rig(t, { signingKey: generateSigningKey(), trusted: generateSigningKey(), rollout: { minRows: 30, minMachines: 2 } });
  while (r.sent < 120 && r.rollout.published().length === 0) await r.send();
  await waitUntil(() => r.rollout.published().length > 0, 'a release');
  await r.rollout.idle();
  assert.equal(r.rollout.published().length, 1);
  await waitUntil(() => r.agent.counters.get('edge.model.rejected') === 1, 'the rejection');
  assert.equal(r.agent.counters.get('edge.model.shadow_started'), 0);
  await r.send();
  assert.equal(lastVersion(r.seen, 'p1'), 'autoencoder-centrifugal-pump@1');
});

test('fleet prior at the edge - the cloud pools the pumps\' healthy statuses and the edge accepts the prior', { timeout: 120_000 }, async (t) => {
  const key = generateSigningKey();
  const r = await rig(t, { signingKey: key, trusted: key, rollout: { enabled: false }, prior: { minMachines: 2, minRowsPerMachine: 5, checkEvery: 10 } });
  while (r.sent < 120 && r.agent.stats().priors === 0) await r.send();
  await r.prior.idle();
  await waitUntil(() => r.agent.stats().priors >= 1, 'the prior at the edge');
  const p = r.prior.current('centrifugal-pump');
  assert.ok(p);
  assert.equal(p.machines, 2);
  const rms = p.regimes['b0']?.['accel.rmsMs2'];
  assert.ok(rms && rms.median > 0 && rms.mad > 0, JSON.stringify(rms));
  // Healthy statuses' own values bracket the prior's median.
  const values = r.seen.flatMap((s) => (s.state === 'normal' && s.features?.['accel.rmsMs2'] !== undefined ? [s.features['accel.rmsMs2']] : []));
  assert.ok(Math.min(...values) <= rms.median && rms.median <= Math.max(...values));
});
