// Decision economics: when to repair, given the remaining-life distribution, the spare part's lead
// time (standard or expedited) and the plant's downtime windows. Each option's expected cost is
// P(failure before the repair)·(cost of a failure) + (1 − P)·(cost of the planned repair) + part
// and shipping; the cheapest is chosen and every number is recorded with the decision. The cost
// defaults are assumptions for a mid-size continuous line, explained beside each value: set them
// per plant (they are the plant's data, not physics).
import { z } from 'zod';
import type { Component } from '../core/index.ts';

const HOUR_MS = 3_600_000;

const PartTerms = z.object({
  costEur: z.number().nonnegative().describe('part price'),
  standardLeadTimeH: z.number().nonnegative().describe('order to delivery, standard shipping (hours)'),
  expeditedLeadTimeH: z.number().nonnegative().describe('order to delivery, expedited (hours)'),
  expediteCostEur: z.number().nonnegative().describe('surcharge for expedited shipping'),
  repairHours: z.number().positive().describe('planned repair time (mean time to repair, hours)'),
});
export type PartTerms = z.infer<typeof PartTerms>;

/** Part terms by component. Bearings and tools are stock items; rotors and gear sets are made to order. */
const DEFAULT_PARTS: Record<Component, PartTerms> = {
  'drive-end-bearing': { costEur: 250, standardLeadTimeH: 72, expeditedLeadTimeH: 24, expediteCostEur: 150, repairHours: 4 },
  'coupling-insert': { costEur: 80, standardLeadTimeH: 48, expeditedLeadTimeH: 16, expediteCostEur: 80, repairHours: 2 },
  impeller: { costEur: 1800, standardLeadTimeH: 336, expeditedLeadTimeH: 120, expediteCostEur: 900, repairHours: 8 },
  rotor: { costEur: 6000, standardLeadTimeH: 504, expeditedLeadTimeH: 240, expediteCostEur: 2500, repairHours: 16 },
  'cutting-tool': { costEur: 60, standardLeadTimeH: 24, expeditedLeadTimeH: 4, expediteCostEur: 40, repairHours: 0.5 },
  'gear-set': { costEur: 9000, standardLeadTimeH: 720, expeditedLeadTimeH: 336, expediteCostEur: 3500, repairHours: 24 },
};

/** Economics parameters (zod, with defaults and why). */
export const EconomicsConfig = z.object({
  unplannedDowntimeCostPerHour: z
    .number()
    .nonnegative()
    .default(8000)
    .describe('lost production + idle crew per hour of an unplanned stop (assumption: a line making ~€8k of margin an hour)'),
  plannedDowntimeCostPerHour: z
    .number()
    .nonnegative()
    .default(400)
    .describe('cost per hour of repair inside a planned downtime window: production is already off, so labour only (two fitters)'),
  failureRepairFactor: z
    .number()
    .min(1)
    .default(3)
    .describe(
      'a run-to-failure repair takes this many times the planned repair time (secondary damage to shaft and housing, no part at hand, no prepared job); an assumption in line with the several-fold cost of reactive over planned work that maintenance texts report',
    ),
  downtimeWindow: z
    .object({
      firstStartMs: z.number().default(Date.UTC(2026, 0, 4, 6, 0, 0)).describe('start of one downtime window (event time, epoch ms); default a Sunday 06:00 UTC'),
      periodH: z.number().positive().default(168).describe('windows repeat every this many hours (weekly)'),
      durationH: z.number().positive().default(12).describe('length of each window'),
    })
    .default({ firstStartMs: Date.UTC(2026, 0, 4, 6, 0, 0), periodH: 168, durationH: 12 }),
  parts: z.record(z.string(), PartTerms).default(DEFAULT_PARTS).describe('terms per component; missing ones fall back to the bearing'),
});
export type EconomicsConfig = z.input<typeof EconomicsConfig>;

/** The options weighed. */
export type RepairOption = 'next-window-standard' | 'next-window-expedited' | 'stop-when-part-arrives' | 'run-to-failure';

/** One option and its numbers. */
export interface OptionCost {
  option: RepairOption;
  /** Event time of the repair; null for run-to-failure (repaired whenever it fails). */
  repairAtMs: number | null;
  failureProbBeforeRepair: number;
  expectedCostEur: number;
}

/** The recorded economics of a decision. */
export interface DecisionEconomics {
  chosen: OptionCost;
  options: OptionCost[];
  partLeadTimeH: { standard: number; expedited: number };
  nextWindowStartMs: number;
  /** Why, in one sentence for the planner. */
  summary: string;
}

/** Start of the first downtime window that begins at or after `tMs` (event time). */
export function nextWindowStart(tMs: number, w: { firstStartMs: number; periodH: number }): number {
  const period = w.periodH * HOUR_MS;
  const k = Math.ceil((tMs - w.firstStartMs) / period);
  return w.firstStartMs + k * period;
}

const eur = (x: number) => `€${Math.round(x).toLocaleString('en-GB')}`;
const days = (ms: number) => `${(ms / 86_400_000).toFixed(1)} d`;

/**
 * Weighs the repair options for a component, given P(failure within t ms) from the RUL. `nowMs`
 * is the event time of the evidence. A component of null (inspection, no part) gets lead time 0.
 */
export function weighOptions(
  component: Component | null,
  failureProbWithinMs: (tMs: number) => number,
  nowMs: number,
  config: EconomicsConfig = {},
): DecisionEconomics {
  const cfg = EconomicsConfig.parse(config);
  const parts = cfg.parts as Record<string, PartTerms>;
  const terms: PartTerms = component
    ? (parts[component] ?? DEFAULT_PARTS[component] ?? DEFAULT_PARTS['drive-end-bearing'])
    : { costEur: 0, standardLeadTimeH: 0, expeditedLeadTimeH: 0, expediteCostEur: 0, repairHours: 2 };
  const failureCost = terms.repairHours * cfg.failureRepairFactor * cfg.unplannedDowntimeCostPerHour;
  const plannedCost = terms.repairHours * cfg.plannedDowntimeCostPerHour;
  const stopCost = terms.repairHours * cfg.unplannedDowntimeCostPerHour;
  const window = (t: number) => nextWindowStart(t, cfg.downtimeWindow);
  const option = (o: RepairOption, repairAtMs: number, extraEur: number, doneCost: number): OptionCost => {
    const p = Math.min(1, Math.max(0, failureProbWithinMs(repairAtMs - nowMs)));
    return { option: o, repairAtMs, failureProbBeforeRepair: p, expectedCostEur: terms.costEur + extraEur + p * failureCost + (1 - p) * doneCost };
  };
  const std = window(nowMs + terms.standardLeadTimeH * HOUR_MS);
  const exp = window(nowMs + terms.expeditedLeadTimeH * HOUR_MS);
  const options: OptionCost[] = [option('next-window-standard', std, 0, plannedCost)];
  if (exp < std) options.push(option('next-window-expedited', exp, terms.expediteCostEur, plannedCost));
  const arrive = nowMs + terms.expeditedLeadTimeH * HOUR_MS;
  if (arrive < exp) options.push(option('stop-when-part-arrives', arrive, terms.expediteCostEur, stopCost));
  // Run to failure: the part still has to be bought, and the failure costs what it costs.
  options.push({ option: 'run-to-failure', repairAtMs: null, failureProbBeforeRepair: 1, expectedCostEur: terms.costEur + failureCost });
  const chosen = options.reduce((a, b) => (b.expectedCostEur < a.expectedCostEur - 1e-6 ? b : a));
  const alt = options.filter((o) => o !== chosen).sort((a, b) => a.expectedCostEur - b.expectedCostEur)[0];
  const when = chosen.repairAtMs !== null ? ` in ${days(chosen.repairAtMs - nowMs)}` : '';
  const summary =
    `${chosen.option}${when}: expected ${eur(chosen.expectedCostEur)} with ${(100 * chosen.failureProbBeforeRepair).toFixed(0)} % risk of failing first` +
    (alt ? ` (next best ${alt.option}: ${eur(alt.expectedCostEur)})` : '') +
    `; part lead time ${terms.standardLeadTimeH} h standard, ${terms.expeditedLeadTimeH} h expedited; a failure would cost ${eur(failureCost)}`;
  return {
    chosen,
    options,
    partLeadTimeH: { standard: terms.standardLeadTimeH, expedited: terms.expeditedLeadTimeH },
    nextWindowStartMs: window(nowMs),
    summary,
  };
}
