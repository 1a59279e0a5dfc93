// The slow-drift member of a machine's monitor: a CUSUM chart (detectors/residual-cusum.ts) of the
// features whose failure mode is a slow drift, standardised by the regime's robust baseline. By
// default these are the temperatures' thermal residuals (measured − predicted, K): the model
// removes load, speed and ambient, so what is left creeping upwards is a heat source the operating
// point does not explain (lubrication loss, a bearing running hot). Levels are never charted: they
// move with load and a CUSUM of them would alarm on every busy shift. A temperature residual is
// charted upwards only: every fault it stands for adds heat, while a residual falling below its
// reference is what a repair leaves behind (the baseline froze while the incident was open; in the
// noisy-sensors scenario, seed 1, the two-sided chart reopened a repaired spindle's incident twice).
import { z } from 'zod';
import { createResidualCusum, ResidualCusumConfig, type ResidualCusum } from './detectors/residual-cusum.ts';
import { isTemperatureResidual, type RobustBaseline } from './detectors/robust-baseline.ts';

export const DriftCusumConfig = ResidualCusumConfig.extend({
  enabled: z.boolean().default(true).describe('chart slow drifts (off: the member scores 0)'),
  features: z.array(z.string()).default([]).describe('further regime-normalised features to chart besides the temperature residuals (names, or prefixes ending in ".")'),
});
export type DriftCusumConfig = z.input<typeof DriftCusumConfig>;

/** One window as the member sees it. */
export interface DriftWindow {
  /** The regime's baseline (the features' robust σ and, with `medians`, the sign of each deviation). */
  baseline: RobustBaseline;
  /** The regime baseline's learned medians (as `RobustBaseline.baseline()` returns them). */
  medians: Readonly<Record<string, { median: number }>>;
  /** The features the baseline scores in this window. */
  scored: Readonly<Record<string, number>>;
  /**
   * True when the window may move the sums: the machine runs in a warm regime, outside a start or
   * setpoint transient and with its temperatures settled. Otherwise the sums are held.
   */
  settled: boolean;
  /** Event-time interval between windows, ms (undefined until known). */
  windowMs: number | undefined;
}

export interface DriftCusum {
  /** The member's score in alarm units (`high` when a sum reaches the chart's limit). */
  step(w: DriftWindow): number;
  /** The window last stepped was healthy (learned): it refines the long-run σ. */
  learn(): void;
  /** Per charted feature its sums and long-run factor, and the chart's limit h (for evidence and tests). */
  chart(): { limit: number; features: ReturnType<ResidualCusum['sums']> };
}

/** Creates the member; `high` is the alarm's raise threshold. */
export function createDriftCusum(high: number, config: DriftCusumConfig = {}): DriftCusum {
  const cfg = DriftCusumConfig.parse(config);
  const chart = createResidualCusum(cfg, isTemperatureResidual);
  const charted = (name: string) => isTemperatureResidual(name) || cfg.features.some((p) => name === p || (p.endsWith('.') && name.startsWith(p)));
  const known = new Set<string>();
  let held = 0;
  let advanced = false;

  return {
    step(w) {
      advanced = false;
      if (!cfg.enabled || w.windowMs === undefined) return 0;
      if (!w.settled) return held;
      const subset: Record<string, number> = {};
      for (const [k, v] of Object.entries(w.scored)) if (charted(k)) subset[k] = v;
      const abs = w.baseline.zScores(subset);
      const zs: Record<string, number> = {};
      for (const [k, a] of Object.entries(abs)) {
        const m = w.medians[k]?.median;
        if (m === undefined) continue; // scored by a fleet prior only: this machine's own reference is not yet there
        zs[k] = subset[k]! >= m ? a : -a;
      }
      // A charted residual missing from a settled window has restarted (a gap, a sensor fault, a
      // drifting channel taken out): its sums referred to the old model state.
      for (const k of known) if (zs[k] === undefined) chart.forget(k);
      for (const k of Object.keys(zs)) known.add(k);
      held = high * chart.advance(zs, w.windowMs);
      advanced = true;
      return held;
    },
    chart: () => ({ limit: chart.limit, features: chart.sums() }),
    learn() {
      if (advanced) chart.learn();
      advanced = false;
    },
  };
}
