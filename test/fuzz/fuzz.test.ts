import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TARGETS } from './targets.ts';
import { fuzzTarget } from './run.ts';

// The normal test run uses few cases per entry point; `npm run fuzz` runs 100,000 each.
for (const t of TARGETS) {
  test(`fuzz - ${t.name}: no crash on generated and mutated input, every rejection has a reason`, async () => {
    const s = await fuzzTarget(t, 400);
    assert.equal(s.cases, 400);
    // Both outcomes must occur, or the generator is not exercising the decoder.
    assert.ok(s.accepted > 0, `${t.name}: no generated case was accepted`);
    assert.ok(s.rejected > 0, `${t.name}: no generated case was rejected`);
  });
}
