// End-to-end incident latency in the embedded demo pipeline (src/cli/pipeline.ts: simulator →
// aedes → edge agent → sealed escalation over the in-process link → cloud diagnosis → ERP/MES
// over REST on PGlite): p50/p99 wall-clock time per stage for every incident of the run.
//
//   node --import tsx eval/bench/e2e.ts [--machines 8] [--faults 6] [--hours 40] [--runs 3]
//        [--speed Infinity] [--json artifacts/bench-e2e.json]
//
// Stages, each timed by the event that ends it (all parts share this process and its clock):
//   window → alarm       the raising window's arrival at the edge to its alarm handed to the broker
//   alarm → escalated    the escalation sealed, stored durably in the outbox and sent on the link
//   escalated → cloud    the cloud has read, opened and recorded it
//   cloud → diagnosis    fleet comparison, case library, fault type, remaining life
//   diagnosis → order    the costed decision, notification + purchase order/reservation + work
//                        order created over REST and the decision committed
//   order → edge ack     the application ack back at the edge (outbox entry deleted)
//   window → order       the whole chain
// At --speed Infinity (default) the simulator publishes as fast as the CPU allows, so every
// stage includes queueing behind the telemetry flood on one event loop: the pipeline's
// worst case, not an idle one. Faults start from hour 6 (after the baselines are learned), two
// hours apart, each failing 36 h after onset, so most are detected within the run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readEnv } from '../../src/cli/env.ts';
import { startPipeline } from '../../src/cli/pipeline.ts';
import { silentLogger } from '../../src/core/index.ts';
import { defaultPlant, planFaults, type FaultInjection } from '../../src/simulator/index.ts';
import { environment, log, median, quantile, runMain, sig, writeReport, type SummaryRow } from './harness.ts';

const HOUR_MS = 3_600_000;

/** Wall-clock marks (performance.now(), ms) of one incident, as its events arrive. */
export interface IncidentMarks {
  window?: number;
  alarm?: number;
  escalated?: number;
  cloud?: number;
  diagnosis?: number;
  order?: number;
  ack?: number;
}

export const STAGES = [
  ['window → alarm', 'window', 'alarm'],
  ['alarm → escalated', 'alarm', 'escalated'],
  ['escalated → cloud', 'escalated', 'cloud'],
  ['cloud → diagnosis', 'cloud', 'diagnosis'],
  ['diagnosis → order', 'diagnosis', 'order'],
  ['order → edge ack', 'order', 'ack'],
  ['window → order (total)', 'window', 'order'],
] as const satisfies readonly (readonly [string, keyof IncidentMarks, keyof IncidentMarks])[];

/** Per stage, the durations (ms) of the incidents that passed both of its marks. */
export function stageDurations(incidents: Iterable<IncidentMarks>): Record<string, number[]> {
  const out: Record<string, number[]> = Object.fromEntries(STAGES.map(([name]) => [name, []]));
  for (const m of incidents) {
    for (const [name, from, to] of STAGES) {
      const a = m[from];
      const b = m[to];
      if (a !== undefined && b !== undefined) out[name]!.push(b - a);
    }
  }
  return out;
}

/** The fault plan: planned types on distinct machines, onsets from hour 6 two hours apart, failure 36 h later. */
function faultPlan(machines: number, faults: number, startMs: number, seed: number): FaultInjection[] {
  const plant = defaultPlant({ machines, sites: 1 });
  return planFaults({ plant, seed, startMs, horizonMs: 48 * HOUR_MS, count: faults }).map((f, k) => {
    const onsetMs = startMs + (6 + 2 * k) * HOUR_MS;
    return { ...f, onsetMs, failureMs: onsetMs + 36 * HOUR_MS };
  });
}

async function runOnce(opts: { machines: number; faults: number; hours: number; speed: number; seed: number }) {
  const workDir = await mkdtemp(join(tmpdir(), 'pdm-bench-e2e-'));
  const startMs = Date.UTC(2026, 0, 5, 6, 0);
  const pipeline = await startPipeline(
    {
      machines: opts.machines, sites: 1, seed: opts.seed, speed: opts.speed, durationMs: opts.hours * HOUR_MS, startMs,
      faultPlan: faultPlan(opts.machines, opts.faults, startMs, opts.seed), workDir, inMemoryStores: true, sensorFaultsPerMachineWeek: 0,
    },
    readEnv({}),
    silentLogger(),
  );
  const marks = new Map<string, IncidentMarks>();
  const mark = (id: string) => marks.get(id) ?? marks.set(id, {}).get(id)!;
  try {
    for (const edge of pipeline.edges.values()) {
      edge.onEvent((e) => {
        const now = performance.now();
        if (e.type === 'alarm' && e.alarm.state === 'raised' && e.latency && mark(e.alarm.incidentId).window === undefined) {
          const m = mark(e.alarm.incidentId);
          m.window = now - e.latency.windowToAlarmMs;
          m.alarm = m.window + e.latency.windowToAlarmMs;
        } else if (e.type === 'escalated') mark(e.escalation.id).escalated ??= now;
        else if (e.type === 'acked') mark(e.ack.escalationId).ack ??= now;
      });
    }
    pipeline.cloud.onEvent((e) => {
      const now = performance.now();
      if (e.type === 'escalation') mark(e.incident.escalation.id).cloud ??= now;
      else if (e.type === 'diagnosis') mark(e.incident.escalation.id).diagnosis ??= now;
      else if (e.type === 'decision') mark(e.incident.escalation.id).order ??= now;
    });
    const r = await pipeline.run({ settleMs: 60_000 });
    return { windows: r.windows, wallMs: r.wallMs, incidents: [...marks.values()] };
  } finally {
    await pipeline.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      machines: { type: 'string', default: '8' },
      faults: { type: 'string', default: '6' },
      hours: { type: 'string', default: '40' },
      runs: { type: 'string', default: '3' },
      speed: { type: 'string', default: 'Infinity' },
      json: { type: 'string', default: 'artifacts/bench-e2e.json' },
    },
  });
  const [machines, faults, hours, runs, speed] = [values.machines, values.faults, values.hours, values.runs, values.speed].map(Number) as [number, number, number, number, number];
  if (![machines, faults, runs].every((n) => Number.isInteger(n) && n >= 1) || faults > machines || !(hours >= 8) || !(speed > 0)) {
    throw new Error('--machines, --faults, --runs: integers >= 1 with faults <= machines; --hours >= 8; --speed > 0');
  }
  const env = environment();
  log(`end-to-end incident latency: ${machines} machines, ${faults} faults, ${hours} h simulated at speed ${speed}, ${runs} run(s)`);
  const perRun: { windows: number; wallMs: number; incidents: number; stages: Record<string, { n: number; p50: number | null; p99: number | null }> }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runOnce({ machines, faults, hours, speed, seed: 11 + i });
    const d = stageDurations(r.incidents);
    const stages = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, { n: v.length, p50: sig(quantile(v, 0.5)), p99: sig(quantile(v, 0.99)) }]));
    perRun.push({ windows: r.windows, wallMs: Math.round(r.wallMs), incidents: r.incidents.length, stages });
    log(`  run ${i + 1}/${runs}: ${r.windows} windows in ${(r.wallMs / 1000).toFixed(1)} s, ${r.incidents.length} incidents, total p50 ${stages['window → order (total)']!.p50} ms`);
  }
  // Median over runs of each run's p50 and p99 (a run's p99 over a handful of incidents is its maximum).
  const stages = Object.fromEntries(STAGES.map(([name]) => {
    const of = (k: 'p50' | 'p99') => sig(median(perRun.map((r) => r.stages[name]![k]).filter((x): x is number => x !== null)));
    return [name, { incidentsPerRun: perRun.map((r) => r.stages[name]!.n), p50Ms: of('p50'), p99Ms: of('p99') }];
  }));
  const summary: SummaryRow[] = STAGES.flatMap(([name]) => {
    const s = stages[name]!;
    const note = `n per run ${s.incidentsPerRun.join('/')}`;
    return [
      { name: `e2e ${name} p50`, value: s.p50Ms, unit: 'ms', note },
      { name: `e2e ${name} p99`, value: s.p99Ms, unit: 'ms', note },
    ];
  });
  await writeReport(values.json!, { bench: 'e2e', ...env, machines, faults, hours, speed: values.speed, runs, stages, perRun, summary });
  process.stdout.write(`end-to-end incident latency (embedded demo pipeline, speed ${values.speed}): median over ${runs} run(s) of each run's p50/p99; JSON in ${values.json}\n`);
  for (const [name] of STAGES) {
    const s = stages[name]!;
    process.stdout.write(`  ${name.padEnd(24)} p50 ${String(s.p50Ms ?? 'n/a').padStart(8)} ms   p99 ${String(s.p99Ms ?? 'n/a').padStart(8)} ms   (incidents per run: ${s.incidentsPerRun.join(', ')})\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runMain(main);
