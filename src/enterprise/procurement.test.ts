import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chooseSupplier, type SupplierOffer } from './procurement.ts';

const H = 3_600_000;
/** The fields the older tests compare (the decision text is checked separately). */
const core = (c: ReturnType<typeof chooseSupplier>) => c && { supplierId: c.supplierId, unitPriceCents: c.unitPriceCents, expedited: c.expedited, late: c.late, expectedDeliveryMs: c.expectedDeliveryMs };
const offers: SupplierOffer[] = [
  { supplierId: 'cheap', priceCents: 1000, leadTimeHours: 72, expediteLeadTimeHours: 24, expediteSurchargePct: 35 },
  { supplierId: 'express', priceCents: 1200, leadTimeHours: 24, expediteLeadTimeHours: 8, expediteSurchargePct: 50 },
];

test('procurement - a loose due date takes the cheapest normal delivery', () => {
  assert.deepEqual(core(chooseSupplier(offers, 0, 100 * H)), { supplierId: 'cheap', unitPriceCents: 1000, expedited: false, late: false, expectedDeliveryMs: 72 * H });
});

test('procurement - a dearer supplier on time beats an expedite surcharge', () => {
  // cheap expedited = 1350 at 24 h, express normal = 1200 at 24 h
  assert.deepEqual(core(chooseSupplier(offers, 0, 30 * H)), { supplierId: 'express', unitPriceCents: 1200, expedited: false, late: false, expectedDeliveryMs: 24 * H });
});

test('procurement - a tight due date expedites', () => {
  assert.deepEqual(core(chooseSupplier(offers, 5, 10 * H)), { supplierId: 'express', unitPriceCents: 1800, expedited: true, late: false, expectedDeliveryMs: 5 + 8 * H });
});

test('procurement - when nobody can make it, the fastest option is flagged late', () => {
  assert.deepEqual(core(chooseSupplier(offers, 0, 2 * H)), { supplierId: 'express', unitPriceCents: 1800, expedited: true, late: true, expectedDeliveryMs: 8 * H });
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
        // late: no option has a lower price + 500 EUR per hour past dueBy (the default risk)
        const risk = (price: number, leadH: number) => price + 50_000 * (leadH - dueH);
        const best = Math.min(...os.flatMap((o) => [
          risk(o.priceCents, o.leadTimeHours),
          ...(o.expediteLeadTimeHours === null || o.expediteLeadTimeHours >= o.leadTimeHours ? [] : [risk(Math.round((o.priceCents * (100 + o.expediteSurchargePct)) / 100), o.expediteLeadTimeHours)]),
        ]));
        assert.ok(Math.abs(risk(c.unitPriceCents, c.expectedDeliveryMs / H) - best) < 1e-6);
      }
    }),
  );
});

test('procurement - when nobody is on time, an expedite surcharge is paid only if the risk it avoids is dearer', () => {
  const big: SupplierOffer[] = [{ supplierId: 'gear', priceCents: 100_000, leadTimeHours: 240, expediteLeadTimeHours: 96, expediteSurchargePct: 80 }];
  const risky = chooseSupplier(big, 0, 24 * H, 50_000)!; // 500 EUR/h: 144 h saved are worth far more than 800 EUR
  assert.deepEqual([risky.expedited, risky.late, risky.surchargeCents], [true, true, 80_000]);
  assert.match(risky.decision, /expedited.*late/);
  const cheapRisk = chooseSupplier(big, 0, 24 * H, 100)!; // 1 EUR/h: 144 EUR risk < 800 EUR surcharge
  assert.deepEqual([cheapRisk.expedited, cheapRisk.late, cheapRisk.surchargeCents], [false, true, 0]);
  assert.match(cheapRisk.decision, /normal gear arrives 216\.0 h late/);
});
