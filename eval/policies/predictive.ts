// The predictive policy: the whole pipeline (simulator → MQTT → edge → cloud → enterprise, plant
// floor closing the loop) on the setup's plant, seed and fault plan, as fast as the CPU allows.
// What the edge says (alarms, data-quality events, machine status) is recorded for scoring.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataQualityEvent, Evidence, Logger } from '../../src/core/index.ts';
import type { Env } from '../../src/cli/env.ts';
import { startPipeline } from '../../src/cli/pipeline.ts';
import type { EvalSetup } from '../setup.ts';
import { listAll, type AlarmRecord, type PolicyRun, type StatusPoint } from './run.ts';

/**
 * Why the pipeline cannot run this setup faithfully (empty when it can). startPipeline now takes
 * the setup's plant, sensor-fault plan, catalogue and link outages as they are, so nothing is
 * left out; the function stays so that a future knob the pipeline lacks is reported, not faked.
 */
export function predictiveUnsupported(_setup: EvalSetup): string[] {
  return [];
}

const HOUR_MS = 3_600_000;

/** Keys of what was injected, to check that the pipeline ran the same plan as the other policies. */
function injectionKeys(items: { kind: string; machine: string; onsetMs: number }[]): string {
  return items.map((t) => `${t.kind}:${t.machine}:${t.onsetMs}`).sort().join(',');
}

/** The edge's evidence updates of one incident, oldest first (one per update time). */
export type EvidenceUpdates = { ts: number; evidence: Evidence }[];

/**
 * Runs the setup through the full pipeline; resolves after the run has settled. `recordUpdates`
 * also keeps the edge's evidence updates per incident id (`updates`), for tools that refit the
 * cloud's per-update estimates offline (eval/dev/rul-devset.ts); the run itself is the same.
 */
export async function runPredictive(
  setup: EvalSetup,
  opts: { env: Env; logger: Logger; onProgress?: (fraction: number) => void; settleMs?: number; recordUpdates?: boolean },
): Promise<PolicyRun & { updates?: Map<string, EvidenceUpdates> }> {
  const t0 = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'edge-pdm-eval-'));
  const outage = setup.scenario.linkOutage;
  const pipeline = await startPipeline(
    {
      machines: setup.machines, seed: setup.seed, speed: Infinity, durationMs: setup.durationMs, faultPlan: setup.faults, startMs: setup.startMs,
      workDir, inMemoryStores: true, edgeShedding: false, plant: setup.plant, sensorFaultPlan: setup.sensorFaults, catalogue: setup.catalogue,
      linkOutages: outage ? [{ site: outage.site, startMs: setup.startMs + outage.startHours * HOUR_MS, endMs: setup.startMs + (outage.startHours + outage.durationHours) * HOUR_MS }] : [],
    },
    opts.env,
    opts.logger,
  );
  try {
    const alarms: AlarmRecord[] = [];
    const quality: DataQualityEvent[] = [];
    const status: Record<string, StatusPoint[]> = {};
    const updates = new Map<string, EvidenceUpdates>();
    // Status series only for machines with a planned fault: enough for the example plot, bounded in memory for big fleets.
    const watched = new Set(setup.faults.map((f) => f.machine));
    for (const edge of pipeline.edges.values()) {
      edge.onEvent((e) => {
        if (e.type === 'alarm' && e.alarm.state === 'raised') {
          alarms.push({ incidentId: e.alarm.incidentId, machine: e.alarm.machine, atMs: e.alarm.ts, score: e.alarm.score, windowToAlarmMs: e.latency?.windowToAlarmMs ?? null });
        } else if (e.type === 'quality' && e.event.state === 'raised') quality.push(e.event);
        else if (e.type === 'status' && watched.has(e.status.machine)) {
          (status[e.status.machine] ??= []).push({ ts: e.status.ts, score: e.status.score, features: e.status.features ?? {} });
        } else if (e.type === 'updated' && opts.recordUpdates) {
          // An update the edge resends (a failed publish retried) is the same evidence: kept once.
          const list = updates.get(e.update.incidentId) ?? [];
          if (!list.some((u) => u.ts === e.update.ts)) list.push({ ts: e.update.ts, evidence: e.update.evidence });
          updates.set(e.update.incidentId, list);
        }
      });
    }
    const r = await pipeline.run({
      settleMs: opts.settleMs,
      onProgress: ({ nowMs }) => opts.onProgress?.(Math.min(1, (nowMs - setup.startMs) / setup.durationMs)),
    });
    const floor = pipeline.floor.stats();
    const truth = pipeline.sim.groundTruth();
    const expected = injectionKeys([...setup.faults.map((f) => ({ kind: 'machine', ...f })), ...setup.sensorFaults.map((f) => ({ kind: 'sensor', machine: f.machine, onsetMs: f.onsetMs }))]);
    const notes = injectionKeys(truth) === expected ? [] : ['NOT COMPARABLE: the pipeline injected a different fault plan than the other policies'];
    const ent = pipeline.enterprise;
    return {
      policy: 'predictive',
      startMs: setup.startMs,
      endMs: pipeline.sim.nowMs,
      truth,
      downtime: pipeline.sim.downtime(),
      workOrders: await listAll((q) => ent.listWorkOrders(q)) as PolicyRun['workOrders'],
      purchaseOrders: await listAll((q) => ent.listPurchaseOrders(q)) as PolicyRun['purchaseOrders'],
      windows: r.windows,
      wallMs: performance.now() - t0,
      closedLoop: floor.syncs > 0 && floor.failedSyncs < floor.syncs,
      notes,
      alarms,
      quality,
      incidents: pipeline.cloud.incidents(),
      status,
      ...(opts.recordUpdates ? { updates: new Map([...updates].map(([id, list]) => [id, [...list].sort((x, y) => x.ts - y.ts)])) } : {}),
    };
  } finally {
    await pipeline.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}
