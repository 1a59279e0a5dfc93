import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { caseDistance, fleetDeviations, nearestCases, type FleetBaselineRow } from './fleet-compare.ts';

const row = (site: string, machine: string, median: number, mad = 0.05): FleetBaselineRow => ({ site, line: 'l1', machine, feature: 'vel.rmsMmS', median, mad });

test('fleet compare - robust against one odd machine, and the machine itself is left out', () => {
  const fleet = [row('a', 'p1', 1.0), row('a', 'p2', 1.1), row('b', 'p1', 0.95), row('b', 'p2', 1.05), row('b', 'odd', 9)];
  const [d] = fleetDeviations({ 'vel.rmsMmS': 2.0 }, fleet, { site: 'a', line: 'l1', machine: 'p1' });
  assert.equal(d!.machines, 4);
  assert.equal(d!.sites, 2);
  assert.ok(Math.abs(d!.fleetMedian - 1.075) < 1e-9, `median ${d!.fleetMedian}`);
  assert.ok(d!.z > 5, `z ${d!.z}`);
  assert.ok(Math.abs(d!.db! - 20 * Math.log10(2 / 1.075)) < 1e-9);
  // One other machine is no fleet.
  assert.deepEqual(fleetDeviations({ 'vel.rmsMmS': 2 }, [row('a', 'p1', 1), row('b', 'p9', 1)], { site: 'a', line: 'l1', machine: 'p1' }), []);
});

test('fleet compare - neighbours are the cases with the same deviation pattern, nearest first', () => {
  const library = [
    { incidentId: 'or', site: 'a', machine: 'p1', faultType: 'bearing-outer-race' as const, vector: { k: 3.2, rms: 2.4, x2: 0.1 } },
    { incidentId: 'mis', site: 'b', machine: 'p2', faultType: 'misalignment' as const, vector: { k: 0.2, rms: 1.8, x2: 3.0 } },
  ];
  const found = nearestCases({ k: 3.0, rms: 2.3, x2: 0.2 }, library);
  assert.deepEqual(found.map((n) => n.incidentId), ['or']);
  assert.equal(caseDistance({ a: 0.1 }, { a: 0.2 }), Infinity, 'nothing deviates: no evidence of similarity');
});

test('fleet compare - property: distance is symmetric, zero to itself, never negative; deviations never throw', () => {
  const vec = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.double({ min: -4, max: 4, noNaN: true }));
  fc.assert(
    fc.property(vec, vec, (x, y) => {
      const d = caseDistance(x, y);
      assert.ok(d >= 0);
      assert.equal(d, caseDistance(y, x));
      const self = caseDistance(x, x);
      assert.ok(self === 0 || self === Infinity);
    }),
    { numRuns: 500 },
  );
  // The same vector with its keys in reverse order: exactly the same distance (summed in one order).
  const a = { a: 0.1, b: 2.7, c: -3.3, d: 1e-3 };
  const reversed = Object.fromEntries(Object.entries(a).reverse());
  const b = { d: 3.9, c: 0.2, b: -1.1, a: 2.5 };
  assert.equal(caseDistance(a, b), caseDistance(reversed, b));
  assert.equal(caseDistance(a, b), caseDistance(b, reversed));
  const num = fc.double({ noNaN: false });
  fc.assert(
    fc.property(num, num, num, (v, m, mad) => {
      const out = fleetDeviations({ 'vel.rmsMmS': v }, [row('a', 'x', m, mad), row('b', 'y', 1), row('b', 'z', 1.2)], { site: 'q', line: 'l1', machine: 'q' });
      for (const d of out) assert.ok(Number.isFinite(d.z));
    }),
  );
});
