import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MaintenanceRequest } from '../core/index.ts';
import { decide, priorityOf } from './decision.ts';
import { diagnose } from './diagnosis/index.ts';
import { healthyEvidence, outerRaceEvidence, sampleEscalation } from './fixtures.ts';

const HOUR_MS = 3_600_000;

test('decision - confident warning outer race: high priority, 72 h, the bearing as part', () => {
  const esc = sampleEscalation(outerRaceEvidence());
  const req = decide(esc, diagnose(esc));
  assert.ok(MaintenanceRequest.safeParse(req).success);
  assert.equal(req.incidentId, esc.id);
  assert.equal(req.component, 'drive-end-bearing');
  assert.equal(req.priority, 'high');
  assert.equal(req.dueBy - esc.openedAt, 72 * HOUR_MS);
  assert.equal(req.detectedAt, esc.openedAt);
});

test('decision - critical named fault is urgent and due within 24 h', () => {
  const esc = sampleEscalation(outerRaceEvidence(), { severity: 'critical' });
  const req = decide(esc, diagnose(esc));
  assert.equal(req.priority, 'urgent');
  assert.equal(req.dueBy - esc.openedAt, 24 * HOUR_MS);
});

test('decision - unknown fault is an inspection with no part', () => {
  const esc = sampleEscalation(healthyEvidence());
  const d = diagnose(esc);
  const req = decide(esc, { ...d, component: 'drive-end-bearing' });
  assert.equal(req.faultType, 'unknown');
  assert.equal(req.component, null);
  assert.equal(req.priority, 'low');
  assert.equal(decide({ ...esc, severity: 'critical' }, d).priority, 'high');
});

test('decision - priority rises with severity and confidence', () => {
  const rank = { low: 0, medium: 1, high: 2, urgent: 3 } as const;
  for (const faultType of ['bearing-outer-race', 'misalignment', 'unknown'] as const) {
    for (const confidence of [0, 0.3, 0.5, 0.69, 0.7, 1]) {
      assert.ok(rank[priorityOf('critical', { faultType, confidence })] >= rank[priorityOf('warning', { faultType, confidence })]);
      assert.ok(rank[priorityOf('warning', { faultType, confidence: Math.min(1, confidence + 0.2) })] >= rank[priorityOf('warning', { faultType, confidence })]);
    }
  }
  assert.equal(priorityOf('warning', { faultType: 'misalignment', confidence: 0.55 }), 'medium');
});
