import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertResidency, Jurisdiction, withinJurisdiction } from './jurisdiction.ts';

test('residency - a worker handles only data tagged for a jurisdiction it lies within', () => {
  assert.ok(assertResidency('DE', { jurisdiction: 'DE', id: 1 }).ok);
  assert.ok(assertResidency('DE', { jurisdiction: 'EU' }).ok, 'a DE worker is inside the EU');
  const euWorkerDeData = assertResidency('EU', { jurisdiction: 'DE' });
  assert.ok(!euWorkerDeData.ok);
  assert.equal(euWorkerDeData.code, 'residency');
  assert.match(euWorkerDeData.reason, /tagged for DE; this worker runs in EU/);
  assert.ok(!assertResidency('US', { jurisdiction: 'EU' }).ok);
  assert.ok(!assertResidency('FR', { jurisdiction: 'DE' }).ok);
  const untagged = assertResidency('DE', {} as { jurisdiction?: string });
  assert.ok(!untagged.ok && /no valid jurisdiction tag/.test(untagged.reason));
  assert.ok(!assertResidency('DE', { jurisdiction: 'germany' }).ok);
});

test('residency - jurisdiction tags are EU or ISO alpha-2, and EU covers exactly its member states', () => {
  assert.ok(Jurisdiction.safeParse('EU').success && Jurisdiction.safeParse('DE').success);
  assert.ok(!Jurisdiction.safeParse('DEU').success && !Jurisdiction.safeParse('de').success);
  assert.ok(withinJurisdiction('FR', 'EU') && !withinJurisdiction('CH', 'EU') && !withinJurisdiction('GB', 'EU'));
  assert.ok(!withinJurisdiction('EU', 'DE'));
});
