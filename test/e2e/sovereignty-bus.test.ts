// The demo's cloud bus after a run, read whole from JetStream (our own nats-server): everything that
// left the site, escalations, machine statuses and incident updates alike, is a sealed envelope with nothing readable
// beside its header; what the envelopes hold is only what the data policy lets leave, with no
// waveform block in it. Also prints the bytes leaving per machine-hour by kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { silentLogger, subjects } from '../../src/core/index.ts';
import { startPipeline } from '../../src/cli/pipeline.ts';
import { readEnv } from '../../src/cli/env.ts';
import { DEFAULT_POLICY, evaluatePolicy, sealedBinding } from '../../src/sovereignty/index.ts';
import { needOwnServices, startOwnNats } from '../support/own-services.ts';
import { leavesSite, notSealed, readWholeBus, statusTells, type BusMessage } from '../support/sealed-bus.ts';

const HOUR = 3_600_000;
const MACHINES = 3;
const HOURS = 40;

/** The longest array of numbers anywhere in `v` (a waveform block is thousands long; features are scalars). */
function longestNumberArray(v: unknown): number {
  if (Array.isArray(v)) return Math.max(v.every((x) => typeof x === 'number') ? v.length : 0, ...v.map(longestNumberArray));
  if (v && typeof v === 'object') return Math.max(0, ...Object.values(v).map(longestNumberArray));
  return 0;
}

test('e2e sovereignty bus - after a demo run every escalation and status on the cloud bus is sealed; nothing readable, no waveform inside', { timeout: 420_000, skip: needOwnServices('nats') }, async (t) => {
  const nats = await startOwnNats();
  const workDir = mkdtempSync(join(tmpdir(), 'edge-pdm-sov-bus-'));
  t.after(async () => {
    await nats.close();
    rmSync(workDir, { recursive: true, force: true });
  });
  const ns = `sov${randomBytes(3).toString('hex')}`;
  const startMs = Date.UTC(2026, 0, 5, 6, 0);
  const pipeline = await startPipeline(
    {
      machines: MACHINES, sites: 1, seed: 7, speed: Infinity, durationMs: HOURS * HOUR, startMs, inMemoryStores: true,
      faultPlan: [{ machine: 'pump-001', fault: 'bearing-outer-race', onsetMs: startMs + 8 * HOUR, failureMs: startMs + 44 * HOUR }],
      workDir,
    },
    readEnv({ NATS_URL: nats.url, NATS_NAMESPACE: ns }),
    silentLogger(),
  );
  const edges = [...pipeline.edges.values()];
  try {
    await pipeline.run();
    assert.ok(pipeline.cloud.incidents().some((i) => i.outcome), 'an incident decided through the sealed link');
    const bus = await readWholeBus(nats.url, ns);
    const leaving = bus.filter(leavesSite);
    const statuses = leaving.filter((m) => m.subject.startsWith(subjects.status('')));
    const escalations = leaving.filter((m) => m.subject.startsWith(subjects.escalation('')));
    const updates = leaving.filter((m) => m.subject.startsWith(subjects.update('')));
    // The scan must have something to scan: the statuses every 10 windows and the escalation.
    assert.ok(statuses.length >= MACHINES * 5, `${statuses.length} statuses on the bus`);
    assert.ok(escalations.length >= 1);
    assert.equal(pipeline.cloud.stats()['cloud.status.invalid'], 0, 'every sealed status opened');
    assert.ok((pipeline.cloud.stats()['cloud.status.received'] ?? 0) >= statuses.length, 'the fleet view got them');

    const problems = leaving.map(notSealed).filter((p): p is string => p !== undefined);
    assert.deepEqual(problems.slice(0, 5), []);
    const machines = pipeline.sim.births.map((b) => b.machine);
    for (const m of statuses) {
      const text = Buffer.from(m.data).toString('utf8');
      for (const tell of statusTells(machines)) assert.ok(!text.includes(tell), `${tell} readable in a status on ${m.subject}`);
    }
    // Nothing on any subject (acks included) is a binary frame or holds a block of numbers in clear.
    for (const m of bus) {
      let clear: unknown;
      assert.doesNotThrow(() => (clear = JSON.parse(Buffer.from(m.data).toString('utf8'))), `${m.data.byteLength} B on ${m.subject} is not JSON`);
      assert.ok(longestNumberArray(clear) < 64, `a block of numbers in clear on ${m.subject}`);
    }

    // Inside: only what the policy lets leave (each payload is a fixed point of the policy), no waveform block.
    const guard = pipeline.sovereignty.inboundGuard;
    for (const m of leaving) {
      const raw = JSON.parse(Buffer.from(m.data).toString('utf8')) as Record<string, unknown>;
      const isEscalation = m.subject.startsWith(subjects.escalation(''));
      const isUpdate = m.subject.startsWith(subjects.update(''));
      const bind = isEscalation ? sealedBinding.escalation(String(raw['escalationId'])) : isUpdate ? sealedBinding.update(String(raw['updateId'])) : sealedBinding.status();
      const opened = await guard.open(raw, 'scan', { bind });
      assert.ok(opened.ok, opened.ok ? '' : opened.reason);
      const payload = JSON.parse(opened.value.payload.toString('utf8')) as unknown;
      const verdict = evaluatePolicy(DEFAULT_POLICY, payload, pipeline.sovereignty.destination);
      assert.deepEqual(verdict.decisions.filter((d) => d.decision !== 'leaves').map((d) => `${d.path} (${d.class})`), [], `${m.subject} carries what the policy keeps`);
      assert.ok(longestNumberArray(payload) < 64, `a block of numbers inside a sealed ${m.subject}`);
    }

    // Bytes leaving per machine-hour, by kind, as the bus carried them (resends included).
    const machineHours = MACHINES * HOURS;
    const sum = (ms: BusMessage[]) => ms.reduce((s, m) => s + m.data.byteLength, 0);
    const linkBytes = edges.reduce((s, e) => s + e.stats().linkBytesOut, 0);
    assert.equal(sum(leaving), linkBytes, 'the bus carried what the edges counted');
    process.stdout.write(
      `# bytes leaving per machine-hour (${MACHINES} machines × ${HOURS} h, sealed): total ${(sum(leaving) / machineHours).toFixed(0)} B` +
        ` = statuses ${(sum(statuses) / machineHours).toFixed(0)} B (${statuses.length} × ~${(sum(statuses) / statuses.length).toFixed(0)} B)` +
        ` + escalations ${(sum(escalations) / machineHours).toFixed(0)} B (${escalations.length} × ~${(sum(escalations) / escalations.length).toFixed(0)} B)` +
        ` + incident updates ${(sum(updates) / machineHours).toFixed(0)} B (${updates.length} × ~${(sum(updates) / Math.max(1, updates.length)).toFixed(0)} B)\n`,
    );
  } finally {
    await pipeline.close();
  }
});
