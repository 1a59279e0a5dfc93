// Operating regimes of a real plant: a shift calendar (machines stop outside production hours and
// start again) and product changes that move variable-speed drives between speed setpoints at
// random times within a shift. Load (the Ornstein–Uhlenbeck demand) and ambient over the day live
// in operating.ts. Regimes are line-level (a line runs one product at a time), configured at plant,
// site or line level; the nearest level wins, field by field.
import { z } from 'zod';
import { createRng } from './rng.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Regime fields without defaults: what a site or line may override. */
const RegimeFields = z.object({
  shiftStartHourUtc: z.number().min(0).max(24).describe('production starts at this UTC hour each workday (0 with end 24 = around the clock)'),
  shiftEndHourUtc: z.number().min(0).max(24).describe('production ends at this UTC hour; below start means the shift runs past midnight'),
  workdays: z.array(z.number().int().min(0).max(6)).max(7).describe('UTC days of week with production, 0 = Sunday; outside them machines stand still'),
  speedSetpoints: z.array(z.number().min(0.3).max(1.2)).min(1).max(16).describe('speed setpoints of variable-speed drives, fraction of rated speed; one = fixed speed'),
  setpointChangesPerShift: z.number().int().min(0).max(24).describe('product changes per shift: the line switches to another setpoint at random times'),
});

/** Around the clock at rated speed: what a plant without a `regimes` section does (backward compatible). */
export const CONTINUOUS_REGIMES = {
  shiftStartHourUtc: 0,
  shiftEndHourUtc: 24,
  workdays: [0, 1, 2, 3, 4, 5, 6],
  speedSetpoints: [1],
  setpointChangesPerShift: 0,
} as const satisfies z.input<typeof RegimeFields>;

/**
 * A modest demo regime: two shifts 06:00–22:00 UTC on weekdays (weekends and nights off), and two
 * product setpoints (100% and 85% of rated speed) with two product changes a day.
 */
export const TWO_SHIFT_REGIMES = {
  shiftStartHourUtc: 6,
  shiftEndHourUtc: 22,
  workdays: [1, 2, 3, 4, 5],
  speedSetpoints: [1, 0.85],
  setpointChangesPerShift: 2,
} as const satisfies z.input<typeof RegimeFields>;

/** Plant-level regimes, every field defaulted (around the clock at rated speed). */
export const RegimeConfig = z.object({
  shiftStartHourUtc: RegimeFields.shape.shiftStartHourUtc.default(CONTINUOUS_REGIMES.shiftStartHourUtc),
  shiftEndHourUtc: RegimeFields.shape.shiftEndHourUtc.default(CONTINUOUS_REGIMES.shiftEndHourUtc),
  workdays: RegimeFields.shape.workdays.default([...CONTINUOUS_REGIMES.workdays]),
  speedSetpoints: RegimeFields.shape.speedSetpoints.default([...CONTINUOUS_REGIMES.speedSetpoints]),
  setpointChangesPerShift: RegimeFields.shape.setpointChangesPerShift.default(CONTINUOUS_REGIMES.setpointChangesPerShift),
});
export type RegimeConfig = z.infer<typeof RegimeConfig>;

/** A site's or line's overrides of the plant regimes (any subset of fields). */
export const RegimeOverride = RegimeFields.partial();
export type RegimeOverride = z.infer<typeof RegimeOverride>;

/** The regime a line runs under: plant defaults, then the site's, then the line's fields. */
export function resolveRegime(plant: RegimeConfig, site?: RegimeOverride, line?: RegimeOverride): RegimeConfig {
  const pick = <K extends keyof RegimeConfig>(k: K): RegimeConfig[K] => (line?.[k] ?? site?.[k] ?? plant[k]) as RegimeConfig[K];
  return {
    shiftStartHourUtc: pick('shiftStartHourUtc'),
    shiftEndHourUtc: pick('shiftEndHourUtc'),
    workdays: pick('workdays'),
    speedSetpoints: pick('speedSetpoints'),
    setpointChangesPerShift: pick('setpointChangesPerShift'),
  };
}

/** Where a machine's operating point is: running or stopped, and the speed setpoint (fraction of rated). */
export interface OperatingPoint {
  running: boolean;
  speedFactor: number;
}

/** Start of the shift that contains `tMs` (or of today's shift if none), epoch ms, with its length. */
function shiftOf(r: RegimeConfig, tMs: number): { startMs: number; lengthMs: number; running: boolean } {
  const dayStartMs = Math.floor(tMs / DAY_MS) * DAY_MS;
  const hour = (tMs - dayStartMs) / HOUR_MS;
  const { shiftStartHourUtc: s, shiftEndHourUtc: e } = r;
  const lengthH = e > s ? e - s : 24 - s + e;
  if (lengthH <= 0 || lengthH >= 24) {
    // Around the clock: one shift a day, every workday.
    const day = new Date(dayStartMs).getUTCDay();
    return { startMs: dayStartMs, lengthMs: DAY_MS, running: r.workdays.includes(day) };
  }
  // A shift past midnight belongs to the day it started on.
  const shiftDayMs = e < s && hour < e ? dayStartMs - DAY_MS : dayStartMs;
  const startMs = shiftDayMs + s * HOUR_MS;
  const lengthMs = lengthH * HOUR_MS;
  const inShift = tMs >= startMs && tMs < startMs + lengthMs;
  return { startMs, lengthMs, running: inShift && r.workdays.includes(new Date(shiftDayMs).getUTCDay()) };
}

/** True while the calendar has production at event time `tMs`. */
export function inProduction(r: RegimeConfig, tMs: number): boolean {
  return shiftOf(r, tMs).running;
}

/**
 * The speed setpoint of a line at `tMs`: each shift starts on a setpoint drawn for it and switches
 * to a different one at `setpointChangesPerShift` uniformly random times (a product change);
 * deterministic for (seed, line, shift start), so it does not depend on the window interval.
 */
export function speedSetpointAt(r: RegimeConfig, seed: number, lineKey: string, tMs: number): number {
  const sp = r.speedSetpoints;
  if (sp.length === 1) return sp[0]!;
  const { startMs, lengthMs } = shiftOf(r, tMs);
  const rng = createRng(seed, 'setpoints', lineKey, String(startMs));
  let i = rng.int(sp.length);
  const changes = Array.from({ length: r.setpointChangesPerShift }, () => startMs + rng.uniform(0, lengthMs)).sort((a, b) => a - b);
  for (const c of changes) {
    if (c > tMs) break;
    i = (i + 1 + rng.int(sp.length - 1)) % sp.length;
  }
  return sp[i]!;
}

/** The operating point of a line at `tMs` under its regime. */
export function operatingPointAt(r: RegimeConfig, seed: number, lineKey: string, tMs: number): OperatingPoint {
  return { running: inProduction(r, tMs), speedFactor: speedSetpointAt(r, seed, lineKey, tMs) };
}
