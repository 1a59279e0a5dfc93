// Per-channel data-quality checks of one machine: the measurement is wrong, the machine is fine.
// Each channel carries a latch (raise after a few suspect windows, clear after a few clean ones,
// as alarms do) so one odd window does not flap the state. A faulty channel is left out of
// maintenance scoring until it clears; waveform spikes are repaired in place instead (only a few
// samples are wrong), and a one-window scalar spike is reported after the fact (the alarm's
// on-delay already keeps one odd window from raising anything). Drift needs the machine's baselines, so the monitor judges it and reports it here.
import { z } from 'zod';
import type { MachineBirth, SensorFaultType, TelemetryWindow } from '../../core/index.ts';
import { RollingMedianMad } from '../detectors/rolling-median.ts';
import { transferIndicators } from '../features/transfer.ts';
import { findSpikes, isFrozen, repairSpikes } from './waveform-checks.ts';

export const QualityConfig = z.object({
  dropoutAfter: z.number().int().min(1).default(2).describe('consecutive windows without an announced channel before a dropout is raised'),
  clearAfter: z.number().int().min(1).default(3).describe('consecutive clean windows before a data-quality event clears'),
  stuckScalarWindows: z.number().int().min(3).default(6).describe('identical scalar readings in a row (while running) that make a stuck sensor'),
  stuckScalarMaxShare: z.number().min(0).max(1).default(0.2).describe('only a channel whose readings repeated exactly in at most this share of earlier windows can be judged stuck (a setpoint-valued channel repeats by design)'),
  spikeZ: z.number().positive().default(10).describe('robust z of a waveform sample that makes it a spike candidate'),
  scalarSpikeZ: z.number().positive().default(8).describe('robust z of a scalar reading against its recent history that makes it a spike'),
  looseHfRatio: z.number().min(0).max(1).default(0.5).describe('vibration RMS above 0.4·Nyquist below this fraction of the regime\'s learned level (−6 dB) makes a loose mount'),
  looseAfter: z.number().int().min(1).default(2),
  transferWarmup: z.number().int().min(3).default(12).describe('healthy windows per regime before the mounting transfer is judged'),
});
export type QualityConfig = z.input<typeof QualityConfig>;
type Kind = SensorFaultType | 'unknown';

/** A raised or cleared data-quality fault of one channel. */
export interface QualityTransition {
  channel: string;
  kind: Kind;
  state: 'raised' | 'cleared';
  tsMs: number;
  detail: string;
}

/** What the checker concluded about one window. */
export interface QualityReport {
  /** The window with spikes repaired and faulty channels still present (the monitor excludes them). */
  window: TelemetryWindow;
  transitions: QualityTransition[];
  /** Channels judged faulty after this window, with the kind. */
  faulty: ReadonlyMap<string, Kind>;
  /** Waveform samples repaired as spikes in this window. */
  repaired: number;
}

/** Context of a window from the rest of the monitor. */
export interface QualityContext {
  running: boolean;
  /** First window after a start or a setpoint change, or temperatures still settling: levels move for real. */
  transient: boolean;
  settling: boolean;
  regimeKey: string;
  /** True when this window may teach the healthy references (machine not suspect). */
  learn: boolean;
}

export interface QualityChecker {
  inspect(w: TelemetryWindow, ctx: QualityContext): QualityReport;
  /** Sets the drift suspicion of a scalar channel for the current window (judged by the monitor). */
  noteDrift(channel: string, suspect: boolean, tsMs: number, detail: string): QualityTransition | null;
  faulty(): ReadonlyMap<string, Kind>;
}

interface Latch {
  active: Kind | null;
  detail: string;
  runs: Map<Kind, number>;
  clean: number;
}

interface ScalarHistory {
  last?: number;
  run: number;
  pairs: number;
  repeats: number;
  recent: RollingMedianMad;
  /** The previous reading when it was far out (a spike candidate awaiting the next reading). */
  pendingSpike?: number;
}

const SCALAR_HISTORY = 30;

/** Creates the data-quality checker of one machine. */
export function createQualityChecker(birth: () => MachineBirth, config: QualityConfig = {}): QualityChecker {
  const cfg = QualityConfig.parse(config);
  const latches = new Map<string, Latch>();
  const missing = new Map<string, number>();
  const scalars = new Map<string, ScalarHistory>();
  const transfer = new Map<string, { centroid: RollingMedianMad; hf: RollingMedianMad }>();
  const faulty = new Map<string, Kind>();
  const raiseAfter = (k: Kind) => (k === 'dropout' ? 1 : k === 'loose-mount' ? cfg.looseAfter : 1); // dropout counts its own run

  const latch = (ch: string): Latch => {
    let l = latches.get(ch);
    if (!l) latches.set(ch, (l = { active: null, detail: '', runs: new Map(), clean: 0 }));
    return l;
  };

  /** Steps one channel's latch with this window's suspicions (kind → detail). */
  function step(ch: string, suspects: Map<Kind, string>, tsMs: number, only?: Kind): QualityTransition | null {
    const l = latch(ch);
    if (l.active === null) {
      for (const [k] of l.runs) if (!suspects.has(k) && (only === undefined || k === only)) l.runs.set(k, 0);
      for (const [k, detail] of suspects) {
        const r = (l.runs.get(k) ?? 0) + 1;
        l.runs.set(k, r);
        if (r >= raiseAfter(k)) {
          l.active = k;
          l.detail = detail;
          l.clean = 0;
          l.runs.clear();
          faulty.set(ch, k);
          return { channel: ch, kind: k, state: 'raised', tsMs, detail };
        }
      }
      return null;
    }
    if (only !== undefined && l.active !== only) return null;
    l.clean = suspects.has(l.active) ? 0 : l.clean + 1;
    if (l.clean < cfg.clearAfter) return null;
    const kind = l.active;
    l.active = null;
    l.clean = 0;
    faulty.delete(ch);
    return { channel: ch, kind, state: 'cleared', tsMs, detail: `${ch} reads plausibly again` };
  }

  function scalarChecks(name: string, v: number, ctx: QualityContext, out: Map<Kind, string>): void {
    let h = scalars.get(name);
    if (!h) scalars.set(name, (h = { run: 1, pairs: 0, repeats: 0, recent: new RollingMedianMad(SCALAR_HISTORY) }));
    if (ctx.running) {
      // Stuck: the same reading again and again, from a channel whose readings used to vary.
      if (h.last !== undefined) {
        const same = v === h.last;
        h.run = same ? h.run + 1 : 1;
        const earlierPairs = h.pairs - (h.run - 1);
        const earlierShare = earlierPairs > 0 ? (h.repeats - (h.run - 1)) / earlierPairs : 1;
        if (h.run >= cfg.stuckScalarWindows && earlierPairs >= 2 * cfg.stuckScalarWindows && earlierShare <= cfg.stuckScalarMaxShare) {
          out.set('stuck', `${name} has read exactly ${v} for ${h.run} windows`);
        }
        h.pairs++;
        if (same) h.repeats++;
      }
      // Spike: one reading far from the channel's recent history, the readings either side of it
      // ordinary. Judged one window late (causally): a load step stays away, a spike comes back.
      const s = h.recent.get();
      const sigma = Math.max(1.4826 * s.mad, 0.01 * Math.abs(s.median), 1e-6);
      const z = Math.abs(v - s.median) / sigma;
      const out_ = name !== 'speed' && !ctx.transient && !ctx.settling && s.n >= 10 && z > cfg.scalarSpikeZ;
      if (h.pendingSpike !== undefined && !out_ && z < cfg.scalarSpikeZ / 2) {
        out.set('spike', `${name} read ${h.pendingSpike.toPrecision(4)} for one window, far from its recent median ${s.median.toPrecision(4)}`);
      }
      h.pendingSpike = out_ && h.pendingSpike === undefined ? v : undefined;
      if (h.pendingSpike === undefined) h.recent.update(v); // two readings away in a row: a level change, learned
    }
    h.last = v;
  }

  return {
    faulty: () => faulty,
    noteDrift(channel, suspect, tsMs, detail) {
      const s = new Map<Kind, string>();
      if (suspect) s.set('drift', detail);
      return step(channel, s, tsMs, 'drift');
    },
    inspect(w, ctx) {
      const b = birth();
      const transitions: QualityTransition[] = [];
      const present = new Set(w.channels.map((c) => c.name));
      const suspects = new Map<string, Map<Kind, string>>();
      const suspect = (ch: string) => {
        let m = suspects.get(ch);
        if (!m) suspects.set(ch, (m = new Map()));
        return m;
      };
      for (const s of b.sensors) {
        const run = present.has(s.channel) ? 0 : (missing.get(s.channel) ?? 0) + 1;
        missing.set(s.channel, run);
        if (run >= cfg.dropoutAfter) suspect(s.channel).set('dropout', `${s.channel} missing from ${run} consecutive windows`);
        else suspect(s.channel); // present (or not yet long enough): a clean window for its latch
      }
      let repaired = 0;
      const waveforms = new Set(b.sensors.filter((s) => s.kind === 'waveform').map((s) => s.channel));
      const channels = w.channels.map((c) => {
        const sus = suspect(c.name);
        if (waveforms.has(c.name) || c.values.length >= 64) {
          if (ctx.running && isFrozen(c.values)) sus.set('stuck', `${c.name} holds one value over a block of its samples`);
          const spikes = findSpikes(c.values, cfg.spikeZ);
          if (spikes.length > 0) {
            sus.set('spike', `${spikes.length} isolated spike(s) in ${c.name}, repaired`);
            repaired += spikes.length;
            return { ...c, values: repairSpikes(c.values, spikes) };
          }
          if (c.name === 'vib_de' && ctx.running && !ctx.transient) {
            const t = transferIndicators(c.values, c.rateHz);
            let ref = transfer.get(ctx.regimeKey);
            if (!ref) transfer.set(ctx.regimeKey, (ref = { centroid: new RollingMedianMad(200), hf: new RollingMedianMad(200) }));
            const rc = ref.centroid.get();
            const rh = ref.hf.get();
            // The high band's absolute level is the discriminator: machine faults add energy there,
            // a loosened mount (a resonant low-pass at ~0.5–2 kHz, 40 dB/decade above) takes it
            // away. The centroid is reported but not required: on a machine whose energy sits at
            // 1x the mount's resonance and rattle can raise it.
            const loose = rc.n >= cfg.transferWarmup && t.hfRms < cfg.looseHfRatio * rh.median;
            if (loose) {
              sus.set('loose-mount', `vib_de transfer changed: centroid ${t.centroidHz.toFixed(0)} Hz (was ${rc.median.toFixed(0)}), high band ${(20 * Math.log10(t.hfRms / rh.median)).toFixed(1)} dB`);
            } else if (ctx.learn && !faulty.has(c.name)) {
              ref.centroid.update(t.centroidHz);
              ref.hf.update(t.hfRms);
            }
          }
          return c;
        }
        const mean = c.values.reduce((s, v) => s + v, 0) / c.values.length;
        scalarChecks(c.name, mean, ctx, sus);
        return c;
      });
      for (const [ch, sus] of suspects) {
        // Drift is judged by the monitor: keep its latch out of this window's step.
        if (latch(ch).active === 'drift') continue;
        const t = step(ch, sus, w.ts);
        if (t) transitions.push(t);
      }
      return { window: { ...w, channels }, transitions, faulty, repaired };
    },
  };
}
