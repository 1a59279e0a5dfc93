// A decided-looking incident for the dashboard's tests.
import type { Incident } from '../core/index.ts';

/** An outer-race incident at pump-7 with the given diagnosis confidence. */
export function sampleIncident(confidence: number): Incident {
  return {
    escalation: {
      v: 1, id: 'site-a.pump-7.900', site: 'site-a', line: 'line-1', machine: 'pump-7', machineType: 'centrifugal-pump', openedAt: 900,
      severity: 'critical', score: 9.5, sentAtMs: 900,
      evidence: { features: {}, baseline: {}, shaftHz: 25, envelopeDefectRatios: { bpfo: 9, bpfi: 1, bsf: 1, ftf: 1 }, orderAmplitudes: { x1: 1, x2: 0.2, x3: 0.1 }, topEnvelopePeaks: [] },
    },
    receivedAtMs: 950,
    diagnosis: { v: 1, escalationId: 'site-a.pump-7.900', faultType: 'bearing-outer-race', component: 'drive-end-bearing', confidence, explanation: 'Outer race: envelope peak at 3.58x shaft speed' },
    request: null,
    outcome: null,
    decidedAtMs: null,
  };
}
