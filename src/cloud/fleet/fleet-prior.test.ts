import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createMemoryQueue } from '../../transport/memory-queue.ts';
import { decodeJson, FleetPrior, subjects, type FleetMachine, type WorkQueue } from '../../core/index.ts';
import { createFleetPriorPublisher, materiallyChanged, medianMad } from './index.ts';

const T0 = 1_767_225_600_000;

function event(site: string, machine: string, i: number, features: Record<string, number>, over: { regime?: string; openIncidents?: string[] } = {}): FleetMachine {
  return {
    site, line: 'line-1', machine, machineType: 'centrifugal-pump', lastSeenMs: 0, openIncidents: over.openIncidents ?? [],
    status: { v: 1, site, line: 'line-1', machine, machineType: 'centrifugal-pump', ts: T0 + i * 300_000, state: 'normal', score: 0, windows: i, features, regime: over.regime ?? 'b0' },
  };
}

async function collect(queue: WorkQueue, site: string) {
  const got: FleetPrior[] = [];
  const c = await queue.consume(subjects.prior(site), `test-${site}`, async (m) => {
    const r = decodeJson(FleetPrior, m.data);
    assert.ok(r.ok);
    got.push(r.value);
    return 'ack';
  });
  return { got, stop: () => c.stop() };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

test('fleet prior - median and MAD match a brute-force definition', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }), (xs) => {
      const { median, mad } = medianMad(xs);
      // The median: at least half the values on either side.
      assert.ok(xs.filter((x) => x <= median).length >= xs.length / 2 && xs.filter((x) => x >= median).length >= xs.length / 2);
      const dev = xs.map((x) => Math.abs(x - median));
      assert.ok(dev.filter((d) => d <= mad).length >= xs.length / 2 && dev.filter((d) => d >= mad).length >= xs.length / 2);
    }),
  );
});

test('fleet prior - pools healthy rows of machines across two sites, per regime, and sends it to every site running the type', async () => {
  const queue = createMemoryQueue();
  const a = await collect(queue, 'site-a');
  const b = await collect(queue, 'site-b');
  const pub = createFleetPriorPublisher({ queue, config: { minMachines: 3, minRowsPerMachine: 10, valuesPerMachine: 20, checkEvery: 60 } });
  try {
    // Three pumps (two at site-a, one at site-b) with rms levels 1..20, 21..40, 41..60: the pooled
    // median is 30.5, the pooled MAD 15. A fourth pump with an open incident (rms 1000) is ignored,
    // as are rows of another regime (b-2) that too few machines have.
    for (let i = 0; i < 20; i++) {
      pub.observe(event('site-a', 'pump-001', i, { 'accel.rmsMs2': 1 + i, 'scalar.speed': 1490 }));
      pub.observe(event('site-a', 'pump-002', i, { 'accel.rmsMs2': 21 + i, 'scalar.speed': 1500 }));
      pub.observe(event('site-b', 'pump-003', i, { 'accel.rmsMs2': 41 + i, 'scalar.speed': 1510 }));
      pub.observe(event('site-b', 'pump-004', i, { 'accel.rmsMs2': 1000 }, { openIncidents: ['inc-9'] }));
    }
    for (let i = 100; i < 160; i++) pub.observe(event('site-a', 'pump-001', i, { 'accel.rmsMs2': 5 }, { regime: 'b-2' }));
    await pub.idle();
    await settle();
    const prior = pub.current('centrifugal-pump');
    assert.ok(prior, 'a prior was computed');
    assert.deepEqual(Object.keys(prior.regimes), ['b0']);
    assert.equal(prior.machines, 3);
    assert.deepEqual(prior.regimes['b0']!['accel.rmsMs2'], { median: 30.5, mad: 15 });
    assert.deepEqual(prior.regimes['b0']!['scalar.speed'], { median: 1500, mad: 10 });
    assert.equal(a.got.length, 1);
    assert.equal(b.got.length, 1, 'the other site gets the same prior');
    assert.deepEqual(b.got[0]!.regimes, prior.regimes);

    // Unchanged data: computed again, not sent again (a check every 60 rows: each block ends on one).
    for (let i = 160; i < 180; i++) {
      pub.observe(event('site-a', 'pump-001', i, { 'accel.rmsMs2': 1 + (i % 20), 'scalar.speed': 1490 }));
      pub.observe(event('site-a', 'pump-002', i, { 'accel.rmsMs2': 21 + (i % 20), 'scalar.speed': 1500 }));
      pub.observe(event('site-b', 'pump-003', i, { 'accel.rmsMs2': 41 + (i % 20), 'scalar.speed': 1510 }));
    }
    await pub.idle();
    await settle();
    assert.equal(a.got.length, 1);
    // The whole fleet's level rises by 3 MADs: sent again.
    for (let i = 180; i < 200; i++) {
      pub.observe(event('site-a', 'pump-001', i, { 'accel.rmsMs2': 46 + (i % 20), 'scalar.speed': 1490 }));
      pub.observe(event('site-a', 'pump-002', i, { 'accel.rmsMs2': 66 + (i % 20), 'scalar.speed': 1500 }));
      pub.observe(event('site-b', 'pump-003', i, { 'accel.rmsMs2': 86 + (i % 20), 'scalar.speed': 1510 }));
    }
    await pub.idle();
    await settle();
    assert.equal(a.got.length, 2);
    assert.equal(a.got[1]!.regimes['b0']!['accel.rmsMs2']!.median, 75.5);
  } finally {
    await a.stop();
    await b.stop();
    await pub.close();
    await queue.close();
  }
});

test('fleet prior - material change: new regimes or features, shifted medians, changed spreads', () => {
  const cfg = { medianShiftMads: 0.5, madRatio: 1.5 };
  const p = { b0: { x: { median: 10, mad: 2 } } };
  assert.equal(materiallyChanged(undefined, p, cfg), true);
  assert.equal(materiallyChanged(p, { b0: { x: { median: 10.9, mad: 2.5 } } }, cfg), false);
  assert.equal(materiallyChanged(p, { b0: { x: { median: 11.1, mad: 2 } } }, cfg), true);
  assert.equal(materiallyChanged(p, { b0: { x: { median: 10, mad: 3.1 } } }, cfg), true);
  assert.equal(materiallyChanged(p, { b0: { x: { median: 10, mad: 2 } }, b1: { x: { median: 10, mad: 2 } } }, cfg), true);
  assert.equal(materiallyChanged(p, { b0: { x: { median: 10, mad: 2 }, y: { median: 1, mad: 1 } } }, cfg), true);
  assert.equal(materiallyChanged({ fixed: { x: { median: 5, mad: 0 } } }, { fixed: { x: { median: 5, mad: 0 } } }, cfg), false);
});
