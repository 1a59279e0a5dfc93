import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IncidentStamps } from './stamps.ts';
import { fakeSource, fleetMachine, fullIncident } from './fixtures.test-support.ts';

test('dashboard stamps - the first time each stage of an incident was seen, kept across redeliveries', () => {
  const source = fakeSource([fleetMachine(0)]);
  let now = 5_000;
  const stamps = new IncidentStamps(source, () => now, 2);
  const m = fleetMachine(0);
  const id = fullIncident(m, 'escalation').escalation.id;
  source.push({ type: 'escalation', incident: fullIncident(m, 'escalation') });
  now = 5_200;
  source.push({ type: 'diagnosis', incident: fullIncident(m, 'diagnosis') });
  now = 5_450;
  source.push({ type: 'decision', incident: fullIncident(m, 'decision') });
  now = 9_000;
  source.push({ type: 'decision', incident: fullIncident(m, 'decision') }); // a redelivery
  assert.deepEqual(stamps.get(id), { escalation: 5_000, diagnosis: 5_200, decision: 5_450 });
  // A decision seen without its diagnosis event (e.g. the page opened late) still dates the diagnosis.
  const other = fullIncident(fleetMachine(1), 'decision', 1234);
  source.push({ type: 'decision', incident: other });
  assert.deepEqual(stamps.get(other.escalation.id), { diagnosis: 9_000, decision: 9_000 });
  // Bounded: the oldest incident is forgotten.
  source.push({ type: 'escalation', incident: fullIncident(fleetMachine(2), 'escalation', 99) });
  assert.deepEqual(stamps.get(id), {});
  stamps.close();
  assert.equal(source.listeners.size, 0);
});
