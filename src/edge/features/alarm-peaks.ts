// The most anomalous value of each feature over the windows that raise an alarm. The alarm raises
// after its on-delay (alarm.ts: raiseAfter consecutive windows at or above `high`), and the
// escalation's evidence is built from the raising window alone; an intermittent signature is
// present in some windows and not in others. Bubble collapses of incipient cavitation come in
// bursts (Brennen, Hydrodynamics of Pumps, 1994, ch. 3; McKee et al. 2011 hear "crackling"), the
// first impacts of a spall or a rub come and go with load: the window that happens to raise can be
// a quiet one while the two before it carried the impacts. So, per feature, the window with the
// largest |robust z| of the run is kept (value, z, time) and sent beside the raising window's
// features. Only features that stand out (|z| ≥ PEAK_MIN_Z) and more than in the raising window
// are sent, the strongest MAX_ALARM_PEAKS of them: a few hundred bytes per escalation.
import { MAX_ALARM_PEAKS, type AlarmPeak } from '../../core/index.ts';

/**
 * |Robust z| from which a feature's peak is evidence: 3, the conservative outlier cut of Leys et
 * al. (JESP 2013), the same cut the cloud's rules take as a real change.
 */
export const PEAK_MIN_Z = 3;

/** Per feature, its most anomalous reading of the alarm's run. */
export interface AlarmPeaks {
  /**
   * Notes a window that counts towards a raise: `z` the |robust z| of each scored feature,
   * `medians` the baseline they were scored against (for the sign), `values` the features.
   */
  note(tsMs: number, values: Record<string, number>, z: Record<string, number>, medians: Record<string, { median: number }>): void;
  /** Forgets the run: a window below the threshold broke the on-delay. */
  reset(): void;
  /**
   * The peaks of the run for the evidence, then forgets the run: features whose peak |z| is at
   * least PEAK_MIN_Z and above their |z| in the raising window (`raising`), strongest first.
   */
  take(raising: Record<string, number>): Record<string, AlarmPeak>;
}

/** Creates the peak keeper of one machine's alarm run. */
export function createAlarmPeaks(maxFeatures = MAX_ALARM_PEAKS): AlarmPeaks {
  let peaks = new Map<string, AlarmPeak>();
  return {
    note(tsMs, values, z, medians) {
      for (const [k, zk] of Object.entries(z)) {
        const v = values[k];
        if (v === undefined || !Number.isFinite(zk) || !Number.isFinite(v)) continue;
        const had = peaks.get(k);
        if (had && Math.abs(had.z) >= zk) continue;
        const m = medians[k]?.median;
        peaks.set(k, { value: v, z: m !== undefined && v < m ? -zk : zk, atMs: tsMs });
      }
    },
    reset() {
      if (peaks.size > 0) peaks = new Map();
    },
    take(raising) {
      const out = [...peaks.entries()]
        .filter(([k, p]) => Math.abs(p.z) >= PEAK_MIN_Z && Math.abs(p.z) > (raising[k] ?? 0))
        .sort((a, b) => Math.abs(b[1].z) - Math.abs(a[1].z))
        .slice(0, maxFeatures);
      peaks = new Map();
      // Four significant digits: far below any feature's window-to-window scatter, and short on the wire.
      return Object.fromEntries(out.map(([k, p]) => [k, { value: round4(p.value), z: Math.round(p.z * 10) / 10, atMs: p.atMs }]));
    },
  };
}

const round4 = (x: number) => (x === 0 ? 0 : Number(x.toPrecision(4)));
