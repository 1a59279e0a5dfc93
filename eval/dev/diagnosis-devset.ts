// Development set for fault-type diagnosis: runs the closed loop (predictive policy) on seeds
// outside the testing set with a fault on (up to) every machine, and writes one JSON line per
// detected incident (truth, the cloud's verdict, the rules' verdict, the escalation) to a file
// outside the repository; `--replay` re-diagnoses a stored set with the current rules (seconds,
// not minutes), so rule changes can be judged on ~100 incidents without re-running the plant.
//
//   node --import tsx eval/dev/diagnosis-devset.ts --seeds 1,2,200 [--faults 12] [--hours 72] [--modes tool-wear] --out /tmp/dev.jsonl
//   node --import tsx eval/dev/diagnosis-devset.ts --replay /tmp/dev.jsonl [--misses] [--only looseness]
//
// Held-out seeds (dev-run.ts, HELD_OUT_SEEDS: testing 101-110 and fresh checks 111-199, 500-599) are refused.
import { appendFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Escalation } from '../../src/core/index.ts';
import { diagnose } from '../../src/cloud/diagnosis/index.ts';
import { scoreDiagnosis } from '../scoring/index.ts';
import { devRuns, parseModes } from './dev-run.ts';
import { DETECTABLE_SEVERITY } from '../../src/simulator/ground-truth.ts';
import { faultSeverityAt } from '../../src/simulator/degradation.ts';
import type { FaultType } from '../../src/core/index.ts';

/** One detected incident of the development set. */
export interface DevIncident {
  seed: number;
  machine: string;
  machineType: string;
  truth: string;
  /** The closed loop's verdict (rules + fleet + library), null when never diagnosed. */
  cloud: string | null;
  /** The rules' verdict on the same evidence at collection time. */
  rules: string;
  escalation: Escalation | null;
  /**
   * Where on the fault's path the first alarm came (absent from older files): life used at the
   * alarm, (alarm − onset)/(failure − onset), and at the ground truth's detectable time; with the
   * path's shape (degradation.ts) they tell how far the signature had grown when the edge alarmed.
   */
  lifeAtAlarm?: number;
  lifeAtDetectable?: number;
}

async function collect(seeds: number[], faults: number, hours: number | undefined, out: string, modes?: FaultType[]): Promise<void> {
  for await (const { seed, detection: det, incidents, truth: truths, seconds } of devRuns(seeds, faults, hours, modes)) {
    let n = 0;
    for (const o of det.outcomes) {
      if (!o.firstAlarm) continue;
      const inc = incidents.get(o.firstAlarm.incidentId);
      const esc = inc?.escalation ?? null;
      const t = truths.get(o.truthId);
      const life = (ms: number) => (t ? (ms - t.onsetMs) / Math.max(1, t.failureMs - t.onsetMs) : undefined);
      const row: DevIncident = {
        seed, machine: o.machine, machineType: esc?.machineType ?? '', truth: o.fault,
        cloud: inc?.diagnosis?.faultType ?? null, rules: esc ? diagnose(esc).faultType : 'undiagnosed', escalation: esc,
        lifeAtAlarm: life(o.firstAlarm.atMs), lifeAtDetectable: t?.detectableMs != null ? life(t.detectableMs) : undefined,
      };
      appendFileSync(out, `${JSON.stringify(row)}\n`);
      n++;
    }
    const missed = det.outcomes.filter((o) => !o.firstAlarm).map((o) => `${o.fault}@${o.machine}`);
    process.stderr.write(`seed ${seed}: ${n} detected of ${det.outcomes.length} faults (${seconds.toFixed(0)} s)${missed.length ? `; missed ${missed.join(', ')}` : ''}\n`);
  }
}

function printConfusion(title: string, items: { truth: string; predicted: string | null }[]): void {
  const r = scoreDiagnosis(items);
  const w = 11;
  const lines = [`${title}: ${r.incidents} incidents, macro-F1 ${r.macroF1.toFixed(3)}, accuracy ${r.accuracy.toFixed(3)}`];
  lines.push(`${'truth \\ said'.padEnd(24)}${r.labels.map((l) => l.replace('bearing-', 'b-').slice(0, w - 1).padStart(w)).join('')}   F1`);
  for (const [t, row] of Object.entries(r.confusion)) {
    lines.push(`${t.padEnd(24)}${r.labels.map((l) => String(row[l] || '.').padStart(w)).join('')}   ${r.perClass[t]!.f1.toFixed(2)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * The fault's severity (0..1) at its first alarm: the path's growth exponent is recovered from
 * where the truth put the detectable severity (bisection on degradation.ts's path), then the
 * path is read at the alarm. Undefined for rows from older files.
 */
export function severityAtAlarm(row: DevIncident): number | undefined {
  const { lifeAtAlarm: u, lifeAtDetectable: ud } = row;
  const fault = row.truth as FaultType;
  const th = DETECTABLE_SEVERITY[fault];
  if (u === undefined || ud === undefined || th === undefined) return undefined;
  const at = (g: number, x: number) => faultSeverityAt(fault, x, 0, 1, g);
  // Severity at the detectable life fraction falls as the growth exponent rises.
  let lo = 0.5, hi = 12;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (at(mid, ud) > th) lo = mid;
    else hi = mid;
  }
  return at((lo + hi) / 2, u);
}

function replay(file: string, misses: boolean, only: string | undefined): void {
  const rows = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as DevIncident);
  printConfusion('closed loop at collection', rows.map((r) => ({ truth: r.truth, predicted: r.cloud })));
  const now = rows.map((r) => ({ row: r, d: r.escalation ? diagnose(r.escalation) : null }));
  printConfusion('rules now', now.map(({ row, d }) => ({ truth: row.truth, predicted: d?.faultType ?? null })));
  if (!misses) return;
  for (const { row, d } of now) {
    if (d?.faultType === row.truth || (only && row.truth !== only)) continue;
    const sev = severityAtAlarm(row);
    const at = sev === undefined ? '' : ` at severity ${sev.toFixed(3)} (life ${row.lifeAtAlarm!.toFixed(2)})`;
    process.stdout.write(`\nMISS seed ${row.seed} ${row.machine} (${row.machineType}) ${row.truth}${at} -> ${d?.faultType ?? 'undiagnosed'} (${d?.confidence.toFixed(2)})\n  ${d?.explanation.slice(0, 1500)}\n`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' }, faults: { type: 'string', default: '12' }, hours: { type: 'string' }, out: { type: 'string' }, modes: { type: 'string' },
      replay: { type: 'string' }, misses: { type: 'boolean', default: false }, only: { type: 'string' },
    },
  });
  if (values.replay) return replay(values.replay, values.misses!, values.only);
  if (!values.seeds || !values.out) throw new Error('--seeds and --out are required (or --replay FILE)');
  const seeds = values.seeds.split(',').flatMap((s) => {
    const [a, b] = s.split('-').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
  await collect(seeds, Number(values.faults), values.hours === undefined ? undefined : Number(values.hours), values.out, parseModes(values.modes));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
