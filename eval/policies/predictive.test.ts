import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEnv } from '../../src/cli/env.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { oneFaultSetup } from './one-fault.test-support.ts';
import { runPredictive } from './predictive.ts';

test('policy runners - predictive: recordUpdates keeps the edge evidence updates per incident, oldest first, once each', { timeout: 300_000 }, async () => {
  // Onset at 8 h (the edge learns healthy first), functional failure at 24 h, 28 h simulated.
  const { setup } = oneFaultSetup({ durationHours: 28, onsetH: 8, failureH: 24 });
  const run = await runPredictive(setup, { env: readEnv(), logger: silentLogger(), recordUpdates: true });
  assert.ok(run.updates, 'the updates are returned when asked for');
  const incidents = new Set((run.incidents ?? []).map((i) => i.escalation.id));
  assert.ok(incidents.size > 0, 'the fault raised an incident');
  let total = 0;
  for (const [id, list] of run.updates) {
    assert.ok(incidents.has(id), `updates of ${id} belong to an incident the cloud holds`);
    const ts = list.map((u) => u.ts);
    assert.deepEqual(ts, [...ts].sort((a, b) => a - b), 'oldest first');
    assert.equal(new Set(ts).size, ts.length, 'one entry per update time');
    for (const u of list) assert.ok(Object.keys(u.evidence.features).length > 0, 'each update carries its evidence');
    total += list.length;
  }
  assert.ok(total > 0, 'a fault growing for 16 h sends evidence updates');
});
