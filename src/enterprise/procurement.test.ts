import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chooseSupplier, type SupplierOffer } from './procurement.ts';

const H = 3_600_000;
const offers: SupplierOffer[] = [
  { supplierId: 'cheap', priceCents: 1000, leadTimeHours: 72, expediteLeadTimeHours: 24, expediteSurchargePct: 35 },
  { supplierId: 'express', priceCents: 1200, leadTimeHours: 24, expediteLeadTimeHours: 8, expediteSurchargePct: 50 },
];

test('procurement - a loose due date takes the cheapest normal delivery', () => {
  assert.deepEqual(chooseSupplier(offers, 0, 100 * H), { supplierId: 'cheap', unitPriceCents: 1000, expedited: false, late: false, expectedDeliveryMs: 72 * H });
});

test('procurement - a dearer supplier on time beats an expedite surcharge', () => {
  // cheap expedited = 1350 at 24 h, express normal = 1200 at 24 h
  assert.deepEqual(chooseSupplier(offers, 0, 30 * H), { supplierId: 'express', unitPriceCents: 1200, expedited: false, late: false, expectedDeliveryMs: 24 * H });
});

test('procurement - a tight due date expedites', () => {
  assert.deepEqual(chooseSupplier(offers, 5, 10 * H), { supplierId: 'express', unitPriceCents: 1800, expedited: true, late: false, expectedDeliveryMs: 5 + 8 * H });
});

test('procurement - when nobody can make it, the fastest option is flagged late', () => {
  assert.deepEqual(chooseSupplier(offers, 0, 2 * H), { supplierId: 'express', unitPriceCents: 1800, expedited: true, late: true, expectedDeliveryMs: 8 * H });
  assert.equal(chooseSupplier([], 0, H), null);
});

const offerArb = fc.record({
  supplierId: fc.string({ minLength: 1, maxLength: 4 }),
  priceCents: fc.integer({ min: 0, max: 100_000 }),
  leadTimeHours: fc.integer({ min: 0, max: 500 }),
  expediteLeadTimeHours: fc.option(fc.integer({ min: 0, max: 500 })),
  expediteSurchargePct: fc.integer({ min: 0, max: 200 }),
});

test('procurement - property: on time when any option is, and never dearer than an on-time option', () => {
  fc.assert(
    fc.property(fc.array(offerArb, { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 600 }), (os, dueH) => {
      const c = chooseSupplier(os, 0, dueH * H)!;
      const anyOnTime = os.some((o) => o.leadTimeHours <= dueH || (o.expediteLeadTimeHours !== null && o.expediteLeadTimeHours <= dueH));
      assert.equal(c.late, !anyOnTime);
      if (!c.late) {
        assert.ok(c.expectedDeliveryMs <= dueH * H);
        for (const o of os) if (o.leadTimeHours <= dueH) assert.ok(c.unitPriceCents <= o.priceCents);
      } else {
        const fastest = Math.min(...os.flatMap((o) => [o.leadTimeHours, ...(o.expediteLeadTimeHours === null ? [] : [o.expediteLeadTimeHours])]));
        assert.equal(c.expectedDeliveryMs, fastest * H);
      }
    }),
  );
});
