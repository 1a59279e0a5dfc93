// Development set for remaining useful life: runs the closed loop (predictive policy) on seeds
// outside the testing set with a fault on (up to) every machine, and writes one JSON line per
// detected fault (its ground truth: onset, detectable and scheduled failure time; the first
// alarm; the cloud's verdict and the remaining life it stored at first detection; the escalation)
// to a file outside the repository. `--replay` re-estimates the remaining life at first detection
// from the stored escalations with the current code (seconds, not a plant run), and prints the
// issue's figure (median |error| / true remaining life) per fault type with the 10-90 % interval's
// coverage, so a change in src/cloud/rul can be judged on ~60 incidents. Sets collected since the
// edge's evidence updates are recorded per incident (`updates`) are also replayed update by update
// (rulAtUpdates, as updateRul refits them): the error at the last update before the fault ended
// (repaired, failed, or its scheduled failure), relative and in hours, as eval/scoring/rul-updates.ts
// scores the closed loop; `--verbose` then lists each incident's median failure time per update
// (h since the alarm; o onset fit, l log-linear, b the prior's bound, h held from detection).
//
//   node --import tsx eval/dev/rul-devset.ts --seeds 1-5 [--faults 12] [--hours 72] [--modes tool-wear] --out /tmp/rul.jsonl
//   node --import tsx eval/dev/rul-devset.ts --replay /tmp/rul.jsonl[,/tmp/rul2.jsonl...] [--truth-fault] [--verbose] [--cv]
//   node --import tsx eval/dev/rul-devset.ts --fit-prior /tmp/rul.jsonl[,...] > src/cloud/rul/default-onset-prior.json
//   node --import tsx eval/dev/rul-devset.ts --replay /tmp/tool-wear.jsonl --merge-into src/cloud/rul/default-onset-prior.json > merged.json
//
// `--fit-prior` fits the shipped default prior on the onset model's rate (onset-prior.ts) to the
// set's run-to-failure curves: each detected fault's own history up to its first detection, on the
// HI of its true fault type, closed by a reading HI = 1 at its true failure time (pooled as a
// random-effects model: onsetPriorFromCurves); and the P–F intervals (pf-interval.ts): days from
// each detected fault's escalation to its true failure, per true fault on each machine type. `--cv` replays
// each seed with a prior fitted to the other seeds only (leave one seed out), the honest figure of
// what the prior does for a run it has not seen; it also lists the estimate at first detection
// recalibrated with levels from the other seeds' PIT (the recalibration --fit-prior ships, fitted on
// the same leave-one-seed-out replays: onset-prior.ts, Recalibration), and at the last update where
// the estimate was refitted, the refit beside the detection estimate conditioned on survival (how a
// held estimate would have read there), and the estimate stacked with the P–F interval alone at
// weights fitted without the seed (stacking.ts; --fit-prior ships the weights fitted on all).
// Several comma-separated files are replayed pooled (one figure over all their incidents, the
// cross-validation's priors fitted on the other seeds of all files), each file's own figure listed
// beside it ("set").
//
// The replay starts from an empty fleet library (like each eval run does at its start); the
// closed loop may have had confirmed cases by the time of a later incident. Held-out seeds
// (dev-run.ts, HELD_OUT_SEEDS: the testing seeds 101-110 and fresh checks 111-199, 500-599) are refused.
import { appendFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FaultType, type Escalation, type Evidence, type RulHistoryPoint } from '../../src/core/index.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { readEnv } from '../../src/cli/env.ts';
import { detectionReadings, rulAtDetection, rulAtUpdates } from '../../src/cloud/fleet/incident-analysis.ts';
import { DAY_MS, recalibrated, recalibratedDraws } from '../../src/cloud/rul/rul.ts';
import { crps, fitStackingWeights, lnSorted, mixDraws, pfWeightFor, type StackingCase } from '../../src/cloud/rul/stacking.ts';
import { curveRate, onsetPriorFromRates, type OnsetPriorFile } from '../../src/cloud/rul/onset-prior.ts';
import { pfIntervalFrom, pfKey, type PfInterval } from '../../src/cloud/rul/pf-interval.ts';
import { quantile, type HiPoint } from '../../src/cloud/rul/degradation.ts';
import { scoreRul, type RulSample } from '../scoring/rul.ts';
import { scoreDetection } from '../scoring/index.ts';
import { runPredictive } from '../policies/predictive.ts';
import { devSetup, parseModes, refuseHeldOut } from './dev-run.ts';

/** One detected fault of the RUL development set. */
export interface RulDevIncident {
  seed: number;
  machine: string;
  /** `endedAtMs`: when the fault ended early, by repair or failure (null when it ran on; absent in older sets). */
  truth: { id: string; fault: string; onsetMs: number; detectableMs: number | null; failureMs: number; endedAtMs?: number | null };
  /** Event time of the first alarm on the fault (the scoring's "first detection"). */
  alarmAtMs: number;
  /** The closed loop's verdict, null when never diagnosed. */
  cloud: string | null;
  /** The remaining life the closed loop stored with that verdict (failure time quantiles, epoch ms). */
  cloudRul: { p10: number; p50: number; p90: number } | null;
  escalation: Escalation | null;
  /** The edge's evidence updates of the incident, oldest first (absent in older sets). */
  updates?: { ts: number; evidence: Evidence }[];
  /** The closed loop's remaining-life history (the alarm's estimate, then one per update). */
  cloudHistory?: RulHistoryPoint[];
}

/** One closed-loop run of a development seed (eval/policies/predictive.ts), with the edge's evidence updates per incident. */
async function runWithUpdates(seed: number, faults: number, hours: number | undefined, modes?: FaultType[]) {
  const setup = devSetup(seed, faults, hours, modes);
  const t0 = performance.now();
  const run = await runPredictive(setup, { env: readEnv(), logger: silentLogger(), recordUpdates: true });
  const detection = scoreDetection({ truth: run.truth, alarms: run.alarms ?? [], startMs: setup.startMs, endMs: run.endMs, machines: setup.machines });
  const incidents = new Map((run.incidents ?? []).map((i) => [i.escalation.id, i]));
  return { detection, incidents, updates: run.updates ?? new Map(), truth: new Map(run.truth.map((t) => [t.id, t])), seconds: (performance.now() - t0) / 1000 };
}

async function collect(seeds: number[], faults: number, hours: number | undefined, out: string, modes?: FaultType[]): Promise<void> {
  for (const seed of seeds) {
    const { detection: det, incidents, updates, truth, seconds } = await runWithUpdates(seed, faults, hours, modes);
    let n = 0;
    for (const o of det.outcomes) {
      if (!o.firstAlarm) continue;
      const t = truth.get(o.truthId)!;
      const inc = incidents.get(o.firstAlarm.incidentId);
      const rul = inc?.diagnosis?.rul ?? null;
      const row: RulDevIncident = {
        seed, machine: o.machine,
        truth: { id: t.id, fault: t.fault, onsetMs: t.onsetMs, detectableMs: t.detectableMs, failureMs: t.failureMs, endedAtMs: t.repairedAtMs ?? t.failedAtMs },
        alarmAtMs: o.firstAlarm.atMs, cloud: inc?.diagnosis?.faultType ?? null,
        cloudRul: rul ? { p10: rul.failureAtMs.p10, p50: rul.failureAtMs.p50, p90: rul.failureAtMs.p90 } : null,
        escalation: inc?.escalation ?? null,
        updates: updates.get(o.firstAlarm.incidentId) ?? [],
        cloudHistory: inc?.rulHistory ?? [],
      };
      appendFileSync(out, `${JSON.stringify(row)}\n`);
      n++;
    }
    process.stderr.write(`seed ${seed}: ${n} detected of ${det.outcomes.length} faults (${seconds.toFixed(0)} s)\n`);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Scored {
  row: RulDevIncident;
  p10: number;
  p50: number;
  p90: number;
}

/** The file each replayed row came from (its "set"), when several are pooled. */
const setOf = new Map<RulDevIncident, string>();

/** The lines of each set's own figure under a pooled table (none for a single file). */
function perSet<T extends { row: RulDevIncident }>(scored: T[], line: (name: string, xs: T[]) => string): string[] {
  const sets = [...new Set(scored.map((s) => setOf.get(s.row)).filter((x): x is string => x !== undefined))];
  return sets.length < 2 ? [] : sets.map((name) => line(`  set ${name}`, scored.filter((s) => setOf.get(s.row) === name)));
}

function table(title: string, scored: Scored[]): void {
  const by = new Map<string, Scored[]>();
  for (const s of scored) by.set(s.row.truth.fault, [...(by.get(s.row.truth.fault) ?? []), s]);
  const rel = (s: Scored) => Math.abs(s.p50 - s.row.truth.failureMs) / (s.row.truth.failureMs - s.row.alarmAtMs);
  const inside = (s: Scored) => s.p10 <= s.row.truth.failureMs && s.row.truth.failureMs <= s.p90;
  const late = (s: Scored) => s.p50 > s.row.truth.failureMs;
  const line = (name: string, xs: Scored[]) => {
    const ok = xs.filter((s) => s.row.truth.failureMs > s.row.alarmAtMs);
    const cov = ok.filter(inside).length / Math.max(1, ok.length);
    return `${name.padEnd(26)}${String(ok.length).padStart(4)}${median(ok.map(rel)).toFixed(3).padStart(9)}${(cov * 100).toFixed(0).padStart(7)} %${String(ok.filter(late).length).padStart(7)}`;
  };
  const lines = [`${title}`, `${'truth'.padEnd(26)}${'n'.padStart(4)}${'med rel'.padStart(9)}${'in 10-90'.padStart(9)}${'late'.padStart(7)}`];
  for (const [f, xs] of [...by.entries()].sort()) lines.push(line(f, xs));
  lines.push(line('all', scored));
  lines.push(...perSet(scored, line));
  const samples: RulSample[] = scored.map((s) => ({ truthId: s.row.truth.id, atMs: s.row.alarmAtMs, predictedFailureMs: s.p50, trueFailureMs: s.row.truth.failureMs, predictedP10Ms: s.p10, predictedP90Ms: s.p90 }));
  const r = scoreRul(samples);
  lines.push(`  (eval/scoring/rul.ts: n ${r.n}, median relative error ${r.medianRelativeError?.toFixed(2)}, 10-90 % interval coverage ${r.intervalCoverage?.toFixed(2)}, median error ${r.medianErrorHours?.toFixed(1)} h)`);
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

/** When a row's fault stopped running towards failure: repaired or failed early, else its scheduled failure. */
const endOf = (row: RulDevIncident) => Math.min(row.truth.endedAtMs ?? Infinity, row.truth.failureMs);

/**
 * The issue's figure at the last evidence update before the fault ended (eval/scoring/rul-updates.ts
 * scores the closed loop the same way): relative to the true remaining life at that update, and in
 * hours, since near failure a few hours are a large share. The worst cases are listed (all: every one).
 */
function lastUpdateTable(title: string, scored: (Scored & { atMs: number; updates: number })[], all = false): void {
  const ok = scored.filter((s) => s.row.truth.failureMs > s.atMs);
  const rel = (s: Scored & { atMs: number }) => Math.abs(s.p50 - s.row.truth.failureMs) / (s.row.truth.failureMs - s.atMs);
  const hours = (s: Scored) => Math.abs(s.p50 - s.row.truth.failureMs) / 3_600_000;
  const cov = ok.filter((s) => s.p10 <= s.row.truth.failureMs && s.row.truth.failureMs <= s.p90).length / Math.max(1, ok.length);
  const worst = [...ok].sort((a, b) => rel(b) - rel(a)).slice(0, all ? ok.length : 3).map((s) => `${s.row.seed} ${s.row.machine} ${s.row.truth.fault} ${rel(s).toFixed(2)} (${hours(s).toFixed(1)} h, ${((s.row.truth.failureMs - s.atMs) / 3_600_000).toFixed(1)} h left, ${s.updates} updates)`);
  const sets = perSet(ok, (name, xs) => `${name}: n ${xs.length}, median rel ${median(xs.map(rel)).toFixed(3)}, 10-90 % coverage ${(xs.filter((s) => s.p10 <= s.row.truth.failureMs && s.row.truth.failureMs <= s.p90).length / Math.max(1, xs.length)).toFixed(2)}`);
  process.stdout.write(`${title}\n  n ${ok.length}, median rel ${median(ok.map(rel)).toFixed(3)}, median |error| ${median(ok.map(hours)).toFixed(1)} h, 10-90 % coverage ${cov.toFixed(2)}, late ${ok.filter((s) => s.p50 > s.row.truth.failureMs).length}\n${sets.map((l) => `${l}\n`).join('')}  worst: ${worst.join('; ')}\n\n`);
}

/** Share of the draws at or below the truth (the probability integral transform). */
const pitOf = (sorted: number[], truthDays: number) => {
  let k = 0;
  while (k < sorted.length && sorted[k]! <= truthDays) k++;
  return sorted.length ? k / sorted.length : 0.5;
};

/**
 * Every estimate refitted at an evidence update before the fault ended (the gauge moved since
 * detection; held estimates are left out), each row replayed under its seed's prior file (`priorOf`).
 */
function updateRefits(rows: RulDevIncident[], priorOf: (seed: number) => OnsetPriorFile | undefined, truthFault = false) {
  const out: { row: RulDevIncident; atMs: number; last: boolean; updates: number; rul: NonNullable<ReturnType<typeof rulAtUpdates>[number]['rul']> }[] = [];
  for (const row of rows) {
    const ft = FaultType.safeParse(truthFault ? row.truth.fault : row.cloud);
    if (!row.escalation || !ft.success || !row.updates) continue;
    const before = row.updates.filter((u) => u.ts < endOf(row));
    const all = rulAtUpdates(ft.data, row.escalation, before, [], priorOf(row.seed));
    const lastAt = all.filter((a) => a.rul).at(-1)?.atMs;
    for (const a of all) {
      if (!a.rul || a.rul.heldFromMs !== undefined || a.rul.points === 0 || row.truth.failureMs <= a.atMs) continue;
      out.push({ row, atMs: a.atMs, last: a.atMs === lastAt, updates: before.length, rul: a.rul });
    }
  }
  return out;
}

/** Priors, P–F intervals fitted without each seed of `rows` (leave one seed out). */
function losoPriors(rows: RulDevIncident[]): (seed: number) => OnsetPriorFile {
  const of = new Map([...new Set(rows.map((r) => r.seed))].map((seed) => [seed, fitPrior(rows.filter((r) => r.seed !== seed), `cross-validation without seed ${seed}`)]));
  return (seed) => of.get(seed)!;
}

/** Sorted seeds as ranges, "1-5, 200-205 and 300-319" (the shipped file's provenance, checked by onset-prior.test.ts). */
export function ranges(seeds: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seeds.length; ) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++;
    parts.push(j === i ? `${seeds[i]}` : `${seeds[i]}-${seeds[j]}`);
    i = j + 1;
  }
  return parts.length < 2 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

const readRows = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RulDevIncident);

/** Reading sd of the closing failure point: the failure level is known to about ±5 % of its span (assumption). */
const FAILURE_READING_SD = 0.05;

/** A detected fault's run-to-failure curve: its readings at detection (true fault's HI) and HI = 1 at failure. */
function runToFailure(row: RulDevIncident): { fault: FaultType; curve: HiPoint[] } | undefined {
  const ft = FaultType.safeParse(row.truth.fault);
  if (!row.escalation || !ft.success) return undefined;
  const d = detectionReadings(ft.data, row.escalation);
  if (!d) return undefined;
  const t = (ms: number) => (ms - row.truth.failureMs) / DAY_MS;
  return { fault: ft.data, curve: [...d.readings.map((r) => ({ tDays: t(r.atMs), hi: r.hi, sd: r.sd })), { tDays: 0, hi: 1, sd: FAILURE_READING_SD }] };
}

/**
 * Each row's run-to-failure curve with its fitted rate (curveRate), fitted once per row: the
 * leave-one-seed-out folds pool the same curves again and again (--cv, --fit-prior).
 */
const fitted = new WeakMap<RulDevIncident, { fault: FaultType; rate: ReturnType<typeof curveRate> } | null>();
function fittedCurve(row: RulDevIncident): { fault: FaultType; rate: ReturnType<typeof curveRate> } | undefined {
  if (!fitted.has(row)) {
    const c = runToFailure(row);
    fitted.set(row, c ? { fault: c.fault, rate: curveRate(c.curve) } : null);
  }
  return fitted.get(row) ?? undefined;
}

/** The default onset-rate prior fitted to rows (tuning seeds only), per fault type and pooled. */
function fitPrior(rows: RulDevIncident[], provenance: string): OnsetPriorFile {
  refuseHeldOut(rows.map((r) => r.seed));
  const curves = rows.map(fittedCurve).filter((c): c is NonNullable<typeof c> => c !== undefined);
  const priors: OnsetPriorFile['priors'] = {};
  for (const f of new Set(curves.map((c) => c.fault))) {
    const p = onsetPriorFromRates(curves.filter((c) => c.fault === f).map((c) => c.rate));
    if (p) priors[f] = p;
  }
  const any = onsetPriorFromRates(curves.map((c) => c.rate));
  if (any) priors.any = any;
  return { version: 1, provenance, priors, pfIntervals: fitPfIntervals(rows) };
}

/**
 * `base` with the priors and P–F intervals of the fault types that `rows` hold replaced by ones
 * fitted on `rows` alone (the other types, the pooled `any` prior and the recalibration stay
 * `base`'s): a fault mode collected on its own (--modes) joins the shipped file without
 * re-running every seed behind it. The provenance says which entries came from where.
 */
export function mergePrior(base: OnsetPriorFile, rows: RulDevIncident[], date: string): OnsetPriorFile {
  const fit = fitPrior(rows, '');
  const faults = [...new Set(rows.map((r) => r.truth.fault))].sort();
  const seeds = [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b);
  const ownFault = (key: string) => faults.includes(key.split('|')[0]!);
  const pfIntervals = {
    ...Object.fromEntries(Object.entries(base.pfIntervals ?? {}).filter(([k]) => !ownFault(k))),
    ...Object.fromEntries(Object.entries(fit.pfIntervals ?? {}).filter(([k]) => ownFault(k))),
  };
  // A collected type the rows fit no prior for falls back to the pooled one, as in a fresh fit.
  const priors = { ...Object.fromEntries(Object.entries(base.priors).filter(([k]) => !faults.includes(k))), ...Object.fromEntries(faults.filter((f) => fit.priors[f]).map((f) => [f, fit.priors[f]!])) };
  const provenance = `${base.provenance}; merged by eval/dev/rul-devset.ts --merge-into on ${date}: the ${faults.join(', ')} prior and P-F intervals from ${rows.length} detected faults of tuning seeds ${seeds.join(',')} (collected with --modes), the rest as above`;
  return { ...base, provenance, priors, pfIntervals };
}

/**
 * The P–F intervals (pf-interval.ts) of the rows: days from each detected fault's escalation to its
 * true failure, per true fault on each machine type and per fault pooled over types.
 */
function fitPfIntervals(rows: RulDevIncident[]): Record<string, PfInterval> {
  const days = new Map<string, number[]>();
  for (const r of rows) {
    if (!r.escalation || r.truth.failureMs <= r.escalation.openedAt) continue;
    const d = (r.truth.failureMs - r.escalation.openedAt) / DAY_MS;
    for (const k of [r.truth.fault, pfKey(r.truth.fault, r.escalation.machineType)]) days.set(k, [...(days.get(k) ?? []), d]);
  }
  const out: Record<string, PfInterval> = {};
  for (const [k, ds] of [...days].sort(([a], [b]) => a.localeCompare(b))) {
    const pf = pfIntervalFrom(ds);
    if (pf) out[k] = pf;
  }
  return out;
}

/**
 * The rows of several development files pooled, each labelled with its file's name (its "set").
 * A seed in two files would count one run twice (and its cross-validation fold would see itself):
 * an error then.
 */
export function readSets(files: string[]): { rows: RulDevIncident[]; sets: Map<RulDevIncident, string> } | { error: string } {
  const sets = new Map<RulDevIncident, string>();
  const rows = files.flatMap((file) => {
    const own = readRows(file);
    const name = file.replace(/^.*\//, '').replace(/\.jsonl$/, '');
    for (const r of own) sets.set(r, name);
    return own;
  });
  const seen = new Map<number, string>();
  for (const r of rows) {
    const other = seen.get(r.seed);
    if (other !== undefined && other !== sets.get(r)) return { error: `seed ${r.seed} is in two files (${other}, ${sets.get(r)}): a pooled set counts each run once` };
    seen.set(r.seed, sets.get(r)!);
  }
  return { rows, sets };
}

/**
 * Each row's PIT (share of its failure-time draws before the true failure) at first detection,
 * replayed with the default prior fitted without its seed, and the pooled PIT's 10/50/90 % quantiles:
 * the recalibration levels the shipped default carries (onset-prior.ts, Recalibration).
 */
function losoRecalibration(rows: RulDevIncident[], priorOf = losoPriors(rows)): { pit: Map<RulDevIncident, number>; levels: NonNullable<OnsetPriorFile['recalibration']> } {
  const pit = new Map<RulDevIncident, number>();
  for (const row of rows) {
    const ft = FaultType.safeParse(row.cloud);
    if (!row.escalation || !ft.success || row.truth.failureMs <= row.alarmAtMs) continue;
    const r = rulAtDetection(ft.data, row.escalation, [], priorOf(row.seed));
    if (r) pit.set(row, pitOf(r.estimate.drawsDays, (row.truth.failureMs - row.escalation.openedAt) / DAY_MS));
  }
  const all = [...pit.values()].sort((a, b) => a - b);
  return { pit, levels: { p10: quantile(all, 0.1), p50: quantile(all, 0.5), p90: quantile(all, 0.9), cases: all.length } };
}

/**
 * The stacking cases (stacking.ts) of the rows: per detected fault, under the priors and P–F
 * intervals fitted without its seed, the estimate at first detection recalibrated with the PIT
 * levels of the other seeds (as the shipped file's combined estimate reads) and the P–F interval
 * alone, beside the true remaining life; keyed by the closed loop's fault type, which picks the
 * weight at run time.
 */
function losoStackingCases(rows: RulDevIncident[], priorOf = losoPriors(rows), pit = losoRecalibration(rows, priorOf).pit): (StackingCase & { faultType: string; row: RulDevIncident })[] {
  const levelsWithout = new Map([...new Set(rows.map((r) => r.seed))].map((seed) => {
    const others = [...pit].filter(([r]) => r.seed !== seed).map(([, p]) => p).sort((a, b) => a - b);
    return [seed, { p10: quantile(others, 0.1), p50: quantile(others, 0.5), p90: quantile(others, 0.9) }];
  }));
  const out: (StackingCase & { faultType: string; row: RulDevIncident })[] = [];
  for (const row of rows) {
    const ft = FaultType.safeParse(row.cloud);
    if (!row.escalation || !ft.success || row.truth.failureMs <= row.alarmAtMs) continue;
    const file = { ...priorOf(row.seed), recalibration: { ...levelsWithout.get(row.seed)!, cases: 0 } };
    const own = rulAtDetection(ft.data, row.escalation, [], file);
    const pf = rulAtDetection(ft.data, row.escalation, [], { ...file, stacking: { any: { pfWeight: 1, cases: 0 } } });
    if (!own || !pf) continue;
    const ownDraws = own.recalibration ? recalibratedDraws(own.estimate, own.recalibration) : own.estimate.drawsDays;
    out.push({ row, faultType: ft.data, own: ownDraws, pf: pf.estimate.drawsDays, truthDays: (row.truth.failureMs - row.escalation.openedAt) / DAY_MS });
  }
  return out;
}

/**
 * The stacked estimate at first detection with weights fitted without each seed (its cases' own
 * predictions are leave-one-seed-out too, but the other seeds' cases it is fitted on had priors that
 * saw it: one level of nesting, not two).
 */
function stackedTable(rows: RulDevIncident[]): void {
  const cases = losoStackingCases(rows);
  const weightsWithout = new Map([...new Set(cases.map((c) => c.row.seed))].map((seed) => [seed, fitStackingWeights(cases.filter((c) => c.row.seed !== seed))]));
  type Case = (typeof cases)[number];
  const wOf = (c: Case) => pfWeightFor(weightsWithout.get(c.row.seed), c.faultType) ?? 0;
  const scored: Scored[] = cases.map((c) => {
    const d = mixDraws(c.own, c.pf, wOf(c));
    const at = (q: number) => Math.round(c.row.escalation!.openedAt + quantile(d, q) * DAY_MS);
    return { row: c.row, p10: at(0.1), p50: at(0.5), p90: at(0.9) };
  });
  // The mixture's proper score beside either part's alone (mean CRPS of ln remaining life, lower is better).
  const score = (w: (c: Case) => number) => cases.reduce((s, c) => s + crps(lnSorted(mixDraws(c.own, c.pf, w(c), 400)), Math.log(c.truthDays)), 0) / cases.length;
  const rel = (w: (c: Case) => number) => median(cases.map((c) => Math.abs(quantile(mixDraws(c.own, c.pf, w(c), 400), 0.5) - c.truthDays) / c.truthDays));
  const both = (w: (c: Case) => number) => `${score(w).toFixed(4)} (median relative error ${rel(w).toFixed(3)})`;
  process.stdout.write(`mean CRPS of ln(remaining life) at first detection: stacked ${both(wOf)}, combined and recalibrated alone ${both(() => 0)}, P–F interval alone ${both(() => 1)}\n`);
  const all = fitStackingWeights(cases);
  const ws = Object.entries(all).map(([f, w]) => `${f} ${w.pfWeight.toFixed(1)} (${w.cases})`).join(', ');
  table(`stacked at first detection with the P–F interval alone, weights fitted without the seed (on all: ${ws})`, scored);
}

function replay(files: string[], truthFault: boolean, verbose: boolean, cv: boolean): void {
  const read = readSets(files);
  if ('error' in read) throw new Error(read.error);
  const { rows } = read;
  for (const [r, name] of read.sets) setOf.set(r, name);
  table('closed loop at collection', rows.flatMap((row) => (row.cloudRul ? [{ row, ...row.cloudRul }] : [])));
  const now: Scored[] = [];
  const drawsOf = new Map<RulDevIncident, number[]>();
  const priorOf = new Map<number, OnsetPriorFile>();
  if (cv) for (const seed of new Set(rows.map((r) => r.seed))) priorOf.set(seed, fitPrior(rows.filter((r) => r.seed !== seed), `cross-validation without seed ${seed}`));
  for (const row of rows) {
    const ft = FaultType.safeParse(truthFault ? row.truth.fault : row.cloud);
    if (!row.escalation || !ft.success) continue;
    const r = rulAtDetection(ft.data, row.escalation, [], priorOf.get(row.seed));
    if (!r) continue;
    now.push({ row, p10: r.summary.failureAtMs.p10, p50: r.summary.failureAtMs.p50, p90: r.summary.failureAtMs.p90 });
    drawsOf.set(row, r.estimate.drawsDays);
    if (verbose) {
      const h = (ms: number) => ((ms - row.alarmAtMs) / 3_600_000).toFixed(1);
      process.stdout.write(`${row.seed} ${row.machine.padEnd(10)} ${row.truth.fault.padEnd(24)} said ${String(row.cloud).padEnd(24)} true ${h(row.truth.failureMs).padStart(6)} h  est ${h(r.summary.failureAtMs.p50).padStart(6)} h [${h(r.summary.failureAtMs.p10)}, ${h(r.summary.failureAtMs.p90)}] hi ${r.reading.hi.toFixed(3)} ${r.onset ? 'onset' : r.points === 0 ? 'prior-only' : r.history ? 'log-lin' : 'prior'} pts ${r.points}\n`);
    }
  }
  if (rows.some((r) => r.updates)) {
    const hist = rows.flatMap((row) => {
      const last = (row.cloudHistory ?? []).filter((p) => p.updateId !== row.escalation?.id && p.failureAtMs !== null && p.asOfMs < endOf(row)).at(-1);
      return last?.failureAtMs ? [{ row, atMs: last.asOfMs, updates: (row.cloudHistory ?? []).filter((p) => p.updateId !== row.escalation?.id && p.asOfMs < endOf(row)).length, ...last.failureAtMs }] : [];
    });
    lastUpdateTable('closed loop at collection, last update before the end', hist);
    const upd: (Scored & { atMs: number; updates: number })[] = [];
    for (const row of rows) {
      const ft = FaultType.safeParse(truthFault ? row.truth.fault : row.cloud);
      if (!row.escalation || !ft.success || !row.updates) continue;
      const before = row.updates.filter((u) => u.ts < endOf(row));
      const all = rulAtUpdates(ft.data, row.escalation, before, [], priorOf.get(row.seed));
      const last = all.filter((a) => a.rul).at(-1);
      if (!last?.rul) continue;
      const q = last.rul.summary.failureAtMs;
      upd.push({ row, atMs: last.atMs, updates: before.length, p10: q.p10, p50: q.p50, p90: q.p90 });
      if (verbose) {
        const h = (ms: number) => ((ms - row.alarmAtMs) / 3_600_000).toFixed(1);
        const how = (r: NonNullable<(typeof all)[number]['rul']>) => (r.heldFromMs !== undefined ? 'h' : r.onset ? 'o' : r.points === 0 ? 'b' : 'l');
        const trail = all.map((a) => (a.rul ? `${h(a.rul.summary.failureAtMs.p50)}${how(a.rul)}@${h(a.atMs)}` : '-')).join(' ');
        process.stdout.write(`  upd ${row.seed} ${row.machine.padEnd(10)} ${row.truth.fault.padEnd(24)} true ${h(row.truth.failureMs).padStart(6)} h  p50 per update (h since alarm): ${trail}\n`);
      }
    }
    lastUpdateTable(`replayed now, last update before the end (${cv ? 'default prior fitted without the seed' : 'shipped default prior'})`, upd, verbose);
  }
  if (cv && rows.some((r) => r.updates)) {
    // Where the gauge moved since detection the estimate is refitted on the machine's own rise
    // (rul.ts). Beside each last refit before the end: the estimate at detection (priors without
    // the seed) conditioned on survival to the update, as a held estimate would read, had it stood.
    const refits = updateRefits(rows, (seed) => priorOf.get(seed), truthFault).filter((r) => r.last);
    const raw = refits.map((r) => ({ row: r.row, atMs: r.atMs, updates: r.updates, ...r.rul.summary.failureAtMs }));
    const held = refits.flatMap((r) => {
      const det = rulAtDetection(FaultType.parse(truthFault ? r.row.truth.fault : r.row.cloud), r.row.escalation!, [], priorOf.get(r.row.seed));
      const el = (r.atMs - r.row.escalation!.openedAt) / DAY_MS;
      const surv = (det?.estimate.drawsDays ?? []).filter((d) => d > el).map((d) => d - el);
      if (surv.length === 0) return [];
      const at = (q: number) => Math.round(r.atMs + quantile(surv, q) * DAY_MS);
      return [{ row: r.row, atMs: r.atMs, updates: r.updates, p10: at(0.1), p50: at(0.5), p90: at(0.9) }];
    });
    lastUpdateTable('last update before the end where the estimate was refitted (default prior fitted without the seed)', raw);
    lastUpdateTable('the same updates, the estimate at detection conditioned on survival instead (raw, no recalibration)', held);
  }
  if (cv) {
    // Recalibrated at first detection (onset-prior.ts, Recalibration) with levels from the other
    // seeds' PIT only: the honest figure of the shipped recalibration for a run it has not seen.
    const ok = now.filter((x) => x.row.truth.failureMs > x.row.alarmAtMs);
    const pit = new Map(ok.map((x) => [x.row, pitOf(drawsOf.get(x.row)!, (x.row.truth.failureMs - x.row.escalation!.openedAt) / DAY_MS)]));
    const all = [...pit.values()].sort((a, b) => a - b);
    const recal: Scored[] = ok.map((x) => {
      const others = ok.filter((o) => o.row.seed !== x.row.seed).map((o) => pit.get(o.row)!).sort((a, b) => a - b);
      const d = drawsOf.get(x.row)!;
      const at = (lvl: number) => Math.round(x.row.escalation!.openedAt + quantile(d, quantile(others, lvl)) * DAY_MS);
      return { row: x.row, p10: at(0.1), p50: at(0.5), p90: at(0.9) };
    });
    table(`recalibrated at first detection, levels from the other seeds' PIT (pooled PIT p10 ${quantile(all, 0.1).toFixed(3)}, p50 ${quantile(all, 0.5).toFixed(3)}, p90 ${quantile(all, 0.9).toFixed(3)})`, recal);
  }
  if (cv) stackedTable(rows);
  table(`replayed now (${truthFault ? 'true fault type' : "the closed loop's fault type"}, empty fleet, ${cv ? 'default prior fitted without the seed' : 'shipped default prior'})`, now);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string' }, faults: { type: 'string', default: '12' }, hours: { type: 'string' }, out: { type: 'string' }, modes: { type: 'string' },
      replay: { type: 'string' }, 'truth-fault': { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false },
      cv: { type: 'boolean', default: false }, 'fit-prior': { type: 'string' }, 'merge-into': { type: 'string' },
    },
  });
  if (values['merge-into']) {
    if (!values.replay) throw new Error('--merge-into FILE needs --replay SETS: the sets whose fault types replace FILE\'s entries');
    const read = readSets(values.replay.split(','));
    if ('error' in read) throw new Error(read.error);
    const base = JSON.parse(readFileSync(values['merge-into'], 'utf8')) as OnsetPriorFile;
    process.stdout.write(`${JSON.stringify(mergePrior(base, read.rows, new Date().toISOString().slice(0, 10)), null, 2)}\n`);
    return;
  }
  if (values['fit-prior']) {
    const read = readSets(values['fit-prior'].split(','));
    if ('error' in read) throw new Error(read.error);
    const { rows } = read;
    const seeds = [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b);
    // The leave-one-seed-out priors and PIT, fitted once for the recalibration and the stacking weights.
    const priorOf = losoPriors(rows);
    const loso = losoRecalibration(rows, priorOf);
    const recalibration = loso.levels;
    const provenance = `eval/dev/rul-devset.ts --fit-prior on ${new Date().toISOString().slice(0, 10)}: simulator run-to-failure curves of ${rows.length} detected faults, baseline scenario with 12 faults, tuning seeds ${seeds.join(',')}; the simulator's time scale (faults fail 18-36 h after onset), a placeholder for a real plant until its own confirmed curves replace it (onset-prior.ts); rate priors pooled as random effects (onsetPriorFromCurves); P-F intervals (pf-interval.ts) per fault and machine type from the same faults; recalibration (onset-prior.ts, Recalibration): PIT levels at first detection from leave-one-seed-out replays of tuning seeds ${ranges(seeds)} (${recalibration.cases} detected faults), each replayed with the priors and P-F intervals fitted without its seed; stacking weights (stacking.ts) per fault type from the same replays, recalibrated with the other seeds' PIT levels`;
    const stacking = fitStackingWeights(losoStackingCases(rows, priorOf, loso.pit));
    process.stdout.write(`${JSON.stringify({ ...fitPrior(rows, provenance), recalibration, stacking }, null, 2)}\n`);
    return;
  }
  if (values.replay) return replay(values.replay.split(','), values['truth-fault']!, values.verbose!, values.cv!);
  if (!values.seeds || !values.out) throw new Error('--seeds and --out are required (or --replay FILE)');
  const seeds = values.seeds.split(',').flatMap((s) => {
    const [a, b] = s.split('-').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
  await collect(seeds, Number(values.faults), values.hours === undefined ? undefined : Number(values.hours), values.out, parseModes(values.modes));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
