import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlantSyncRequest, silentLogger, type PlantAction, type PlantEvent, type PlantFloorApi, type PlantSyncResponse } from '../core/index.ts';
import { PlantConfig } from './config.ts';
import { createPlantFloor } from './plant-floor.ts';
import { runPublisher } from './publisher.ts';
import { createSimulator } from './simulator.ts';

const START_MS = Date.UTC(2024, 0, 1);
const HOUR_MS = 3_600_000;

const plant = () =>
  PlantConfig.parse({
    sampling: { vibrationRateHz: 10240, vibrationSamples: 1024 },
    sites: [{ id: 'site-a', lines: [{ id: 'line-1', machines: [{ id: 'pump-001', type: 'centrifugal-pump' }, { id: 'fan-002', type: 'fan' }] }] }],
  });

/** An in-memory enterprise: stores events by id, hands out scheduled actions with seq > afterSeq and atMs <= nowMs. */
function fakeEnterprise() {
  const events = new Map<string, PlantEvent>();
  const actions: PlantAction[] = [];
  const requests: PlantSyncRequest[] = [];
  let failNext = 0;
  let redeliver = false;
  const api: PlantFloorApi = {
    async syncPlant(req): Promise<PlantSyncResponse> {
      requests.push(structuredClone(req));
      if (failNext > 0) {
        failNext--;
        throw new Error('503 enterprise unavailable');
      }
      for (const e of req.events ?? []) events.set(e.id, e);
      // At least once: optionally resend everything, already-applied seqs included, out of order.
      const due = actions.filter((a) => (redeliver || a.seq > req.afterSeq) && a.atMs <= req.nowMs).reverse();
      return { nowMs: req.nowMs, actions: due };
    },
  };
  const schedule = (seq: number, machine: string, action: PlantAction['action'], atMs: number) =>
    actions.push({ seq, workOrderId: `WO-${seq}`, incidentId: null, machine, action, atMs, faultType: 'unknown', component: null });
  return { api, events, requests, schedule, failNextCalls: (n: number) => (failNext = n), redeliverAll: () => (redeliver = true) };
}

test('plant floor - stopForMaintenance locks a machine out (planned downtime), repair restarts it', () => {
  const sim = createSimulator({ plant: plant(), seed: 1, startMs: START_MS, faults: [] });
  for (let i = 0; i < 12; i++) sim.step();
  sim.stopForMaintenance('pump-001');
  const lockedOut = Array.from({ length: 6 }, () => sim.step()).flat();
  assert.ok(lockedOut.every((w) => w.machine !== 'pump-001'), 'locked out: publishes nothing');
  assert.equal(lockedOut.length, 6, 'the fan goes on');
  assert.deepEqual(sim.downtime()['pump-001'], { plannedMs: 30 * 60_000, unplannedMs: 0 });
  sim.repair('pump-001');
  assert.ok(sim.step().some((w) => w.machine === 'pump-001'), 'back after repair');
  assert.deepEqual(sim.downtime(), { 'pump-001': { plannedMs: 30 * 60_000, unplannedMs: 0 }, 'fan-002': { plannedMs: 0, unplannedMs: 0 } }, 'planned downtime ended at the repair');
  assert.deepEqual(sim.takeEvents(), [], 'planned maintenance is no breakdown');
  assert.throws(() => sim.stopForMaintenance('nope'), /unknown machine/);
});

test('plant floor - a functional failure stops the machine, queues one breakdown event and counts unplanned downtime', () => {
  const failureMs = START_MS + 2 * HOUR_MS + 60_000; // mid-interval: downtime runs from the failure itself
  const sim = createSimulator({ plant: plant(), seed: 1, startMs: START_MS, faults: [{ machine: 'fan-002', fault: 'bearing-inner-race', onsetMs: START_MS + HOUR_MS, failureMs }] });
  while (sim.nowMs < START_MS + 3 * HOUR_MS) sim.step();
  const events = sim.takeEvents();
  assert.deepEqual(events, [{ id: `breakdown/fan-002/${failureMs}`, kind: 'breakdown', machine: 'fan-002', atMs: failureMs }]);
  assert.deepEqual(sim.takeEvents(), [], 'taken once');
  assert.equal(sim.downtime()['fan-002']!.unplannedMs, sim.nowMs - failureMs);
  sim.step();
  assert.deepEqual(sim.takeEvents(), [], 'no second event while it stays broken');
  sim.stopForMaintenance('fan-002');
  sim.step();
  sim.repair('fan-002');
  const d = sim.downtime()['fan-002']!;
  assert.deepEqual(d, { plannedMs: 0, unplannedMs: sim.nowMs - failureMs }, 'a breakdown stays unplanned through its repair');
  const gt = sim.groundTruth()[0]!;
  assert.deepEqual([gt.failedAtMs, gt.repairedAtMs], [failureMs, sim.nowMs]);
  assert.ok(sim.step().some((w) => w.machine === 'fan-002'), 'repaired: runs again');
});

test('plant floor - sync sends breakdowns, applies actions once in seq order, keeps events over a failed call, logs unknown machines', async () => {
  const failureMs = START_MS + 2 * HOUR_MS;
  const sim = createSimulator({ plant: plant(), seed: 3, startMs: START_MS, faults: [{ machine: 'pump-001', fault: 'cavitation', onsetMs: START_MS + HOUR_MS, failureMs }] });
  const ent = fakeEnterprise();
  const floor = createPlantFloor({ sim, api: ent.api, logger: silentLogger() });
  // Enterprise plan: stop the fan for maintenance at 3 h and finish it at 4 h; repair the pump at 5 h; one action for a machine we do not have.
  ent.schedule(1, 'fan-002', 'stop-for-maintenance', START_MS + 3 * HOUR_MS);
  ent.schedule(2, 'fan-002', 'repair-complete', START_MS + 4 * HOUR_MS);
  ent.schedule(3, 'ghost-999', 'repair-complete', START_MS + 4 * HOUR_MS);
  ent.schedule(4, 'pump-001', 'repair-complete', START_MS + 5 * HOUR_MS);
  const published: { ts: number; machine: string }[] = [];
  let step = 0;
  await runPublisher({
    sim,
    speed: Infinity,
    durationMs: 6 * HOUR_MS,
    sink: { births: async () => {}, window: async (w) => void published.push({ ts: w.ts, machine: w.machine }) },
    onStep: async () => {
      step++;
      // The enterprise is down around the breakdown: two failed calls, then it comes back.
      if (step === 24) ent.failNextCalls(2);
      if (step === 40) ent.redeliverAll();
      await floor.sync();
    },
  });
  for (const r of ent.requests) assert.ok(PlantSyncRequest.safeParse(r).success, 'valid requests');
  assert.deepEqual([...ent.events.values()], [{ id: `breakdown/pump-001/${failureMs}`, kind: 'breakdown', machine: 'pump-001', atMs: failureMs }], 'the breakdown arrived');
  const withEvent = ent.requests.filter((r) => (r.events ?? []).length > 0);
  assert.ok(withEvent.length >= 2 && withEvent.every((r) => r.events![0]!.id === `breakdown/pump-001/${failureMs}`), 'resent after the failed calls');
  assert.ok(ent.requests.every((r, i) => i === 0 || r.nowMs >= ent.requests[i - 1]!.nowMs), 'event time only moves forward');
  const st = floor.stats();
  assert.deepEqual([st.actionsApplied, st.actionsUnknownMachine, st.failedSyncs, st.eventsSent], [3, 1, 2, 1]);
  assert.ok(st.actionsDuplicate > 0, 'redelivered actions were skipped');
  assert.equal(floor.appliedSeq, 4);
  const fan = published.filter((p) => p.machine === 'fan-002').map((p) => p.ts);
  assert.ok(!fan.some((t) => t > START_MS + 3 * HOUR_MS && t <= START_MS + 4 * HOUR_MS), 'fan locked out 3-4 h');
  assert.ok(fan.some((t) => t > START_MS + 4 * HOUR_MS), 'fan back after its repair');
  const pump = published.filter((p) => p.machine === 'pump-001').map((p) => p.ts);
  assert.ok(!pump.some((t) => t > failureMs && t <= START_MS + 5 * HOUR_MS) && pump.some((t) => t > START_MS + 5 * HOUR_MS), 'pump down from failure to repair');
  const d = sim.downtime();
  assert.deepEqual(d['fan-002'], { plannedMs: HOUR_MS, unplannedMs: 0 });
  assert.deepEqual(d['pump-001'], { plannedMs: 0, unplannedMs: 3 * HOUR_MS });
  assert.equal(sim.groundTruth()[0]!.repairedAtMs, START_MS + 5 * HOUR_MS);
});
