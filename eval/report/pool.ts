// Pools the reports of several runs (one per seed) into the figures an issue quotes: a macro-F1
// over all seeds' incidents is not the mean of per-seed macro-F1s (a seed with one looseness case
// weighs its class as much as a seed with five), so confusion matrices are summed and rescored,
// detection counts summed, and remaining-life errors pooled before taking medians.
//
//   node --import tsx eval/report/pool.ts reports/baseline-seed101 reports/baseline-seed102 ...
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MONTH_MS, median } from '../scoring/detection.ts';
import { scoreDiagnosis, type DiagnosedIncident, type DiagnosisReport } from '../scoring/diagnosis.ts';
import type { EvalReport } from './build.ts';

const HOUR_MS = 3_600_000;

/** Remaining-life figures pooled over runs (relative errors only from runs that list them). */
export interface PooledRul {
  n: number;
  medianRelativeError: number | null;
  medianAbsErrorHours: number | null;
  /** Interval coverage weighted by each run's n (every estimate carries an interval today). */
  intervalCoverage: number | null;
}

export interface PooledReport {
  runs: { seed: number; seedSet: string; scenario: string }[];
  detection: { faults: number; detected: number; falseAlarms: number; precision: number; recall: number; leadTimeMedianHours: number | null; falseAlarmsPerMachineMonth: number } | null;
  diagnosis: DiagnosisReport | null;
  rulAtDetection: PooledRul | null;
  rulAtLastUpdate: PooledRul | null;
}

type RulLike = { n: number; errorsHours: number[]; relativeErrors?: number[]; intervalCoverage?: number | null };

function poolRul(parts: RulLike[]): PooledRul | null {
  if (parts.length === 0) return null;
  const n = parts.reduce((s, p) => s + p.n, 0);
  const rel = parts.flatMap((p) => p.relativeErrors ?? []);
  const abs = parts.flatMap((p) => p.errorsHours.map(Math.abs));
  const covered = parts.filter((p) => p.intervalCoverage !== undefined && p.intervalCoverage !== null && p.n > 0);
  const coverN = covered.reduce((s, p) => s + p.n, 0);
  return {
    n,
    medianRelativeError: median(rel),
    medianAbsErrorHours: median(abs),
    intervalCoverage: coverN > 0 ? covered.reduce((s, p) => s + p.intervalCoverage! * p.n, 0) / coverN : null,
  };
}

/** The pooled figures of several runs' reports. */
export function poolReports(reports: readonly EvalReport[]): PooledReport {
  const det = reports.flatMap((r) => (r.detection ? [{ d: r.detection, months: (r.scenario.machines * r.scenario.durationHours * HOUR_MS) / MONTH_MS }] : []));
  const faults = det.reduce((s, x) => s + x.d.faults, 0);
  const detected = det.reduce((s, x) => s + x.d.detected, 0);
  const falseAlarms = det.reduce((s, x) => s + x.d.falseAlarms, 0);
  const months = det.reduce((s, x) => s + x.months, 0);
  const items: DiagnosedIncident[] = reports.flatMap((r) =>
    Object.entries(r.diagnosis?.confusion ?? {}).flatMap(([truth, row]) =>
      Object.entries(row).flatMap(([label, count]) => Array.from({ length: count }, () => ({ truth, predicted: label === 'undiagnosed' ? null : label }))),
    ),
  );
  const diag = reports.flatMap((r) => (r.diagnosis ? [r.diagnosis] : []));
  return {
    runs: reports.map((r) => ({ seed: r.scenario.seed, seedSet: r.scenario.seedSet, scenario: r.scenario.name })),
    detection: det.length
      ? {
          faults,
          detected,
          falseAlarms,
          precision: detected + falseAlarms > 0 ? detected / (detected + falseAlarms) : 0,
          recall: faults > 0 ? detected / faults : 0,
          leadTimeMedianHours: median(det.flatMap((x) => x.d.leadTimeHours)),
          falseAlarmsPerMachineMonth: months > 0 ? falseAlarms / months : 0,
        }
      : null,
    diagnosis: diag.length ? scoreDiagnosis(items) : null,
    rulAtDetection: poolRul(diag.map((d) => d.rul)),
    rulAtLastUpdate: poolRul(diag.flatMap((d) => (d.rulLastUpdate ? [d.rulLastUpdate] : []))),
  };
}

/** One line per figure, for a terminal or a note. */
export function formatPooled(p: PooledReport): string {
  const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
  const sets = [...new Set(p.runs.map((r) => r.seedSet))].join('+');
  const lines = [`${p.runs.length} runs (${sets} seeds ${p.runs.map((r) => r.seed).join(',')})`];
  if (p.detection) {
    const d = p.detection;
    lines.push(`detection: ${d.detected}/${d.faults} faults, ${d.falseAlarms} false alarms; P ${f(d.precision)} R ${f(d.recall)}; lead median ${f(d.leadTimeMedianHours, 1)} h; ${f(d.falseAlarmsPerMachineMonth, 2)} false alarms per machine-month`);
  }
  if (p.diagnosis) {
    const g = p.diagnosis;
    lines.push(`fault type: macro-F1 ${f(g.macroF1)}, accuracy ${f(g.accuracy)} (n ${g.incidents})`);
    for (const [truth, row] of Object.entries(g.confusion)) {
      const wrong = Object.entries(row).filter(([l, c]) => l !== truth && c > 0).map(([l, c]) => `${c}→${l}`);
      lines.push(`  ${truth}: ${row[truth] ?? 0}/${Object.values(row).reduce((s, c) => s + c, 0)}${wrong.length ? ` (${wrong.join(', ')})` : ''}; F1 ${f(g.perClass[truth]?.f1)}`);
    }
  }
  for (const [name, r] of [['RUL at first detection', p.rulAtDetection], ['RUL at last update', p.rulAtLastUpdate]] as const) {
    if (r) lines.push(`${name}: median relative error ${f(r.medianRelativeError)} (n ${r.n}), median |error| ${f(r.medianAbsErrorHours, 1)} h, 10-90 % coverage ${f(r.intervalCoverage, 2)}`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    console.error('usage: node --import tsx eval/report/pool.ts REPORT_DIR...   (each holding a report.json from edge-pdm eval)');
    process.exit(2);
  }
  const reports = dirs.map((d) => JSON.parse(readFileSync(join(d, 'report.json'), 'utf8')) as EvalReport);
  console.log(formatPooled(poolReports(reports)));
}
