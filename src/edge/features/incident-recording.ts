// The recording-level evidence of an incident (envelope and shaft diagnostics) from more than the
// raising window. One telemetry window (4096 samples at 10,240 Hz, 0.4 s) holds fewer than the ten
// shaft revolutions the analysis needs on a machine below ~1500 rpm (a 980 rpm fan turns 6.5
// times): fans, 4-pole motors and gearboxes got none. While a machine's incident is opening (its
// on-delay: windows scored at or above alarm.high) or open, the agent offers its vibration windows
// here; the last few are kept (float32, a few tens of KiB, only for those machines) and analysed
// with the raising window as separate blocks: segments never span the gap between two windows, the
// envelope spectra and the running-speed spectrum are averaged over blocks (Welch). Averaging
// windows gives revolutions (impacts to average), not resolution: that stays fs / 4096 = 2.5 Hz, which
// separates the 0.4x cage-frequency spacing of a 980 rpm fan (6.5 Hz) by more than two bins.
import type { EnvelopeDiagnostics, Escalation, MachineBirth, TelemetryWindow } from '../../core/index.ts';
import { MIN_REVOLUTIONS, recordingEvidence } from './recording-evidence.ts';
import { pressurePulsation } from './pressure-pulsation.ts';

/** The diagnostics an incident's evidence gets from its recording. */
export type IncidentDiagnostics = Partial<Pick<Escalation['evidence'], 'envelopeDiagnostics' | 'shaftDiagnostics' | 'pressurePulsation'>>;

/** One kept window of vibration. */
interface Block {
  samples: Float32Array;
  rateHz: number;
  rpm: number;
}

/**
 * Speed spread (relative) within which windows are averaged: the defect lines move with speed, so
 * blocks further apart would smear a line over more than the ±2.5 % search the envelope reads.
 */
const SAME_SPEED = 0.01;

export interface IncidentRecorder {
  /**
   * Offers a machine's window; kept only when `opening` (a pre-alarm or an open incident), else the
   * machine's kept windows are dropped.
   */
  offer(key: string, w: TelemetryWindow, birth: MachineBirth, opening: boolean): void;
  /** Envelope and shaft diagnostics of the raising window `w` together with the kept windows; its pressure pulsation when sampled as a waveform. */
  diagnose(key: string, w: TelemetryWindow, birth: MachineBirth): IncidentDiagnostics;
  /** Bytes held for all machines (memory per machine: divide by the machines holding any). */
  bytes(): number;
}

/** The vibration channel the diagnosis reads: vib_de, else the first waveform sensor of the birth. */
function vibrationOf(w: TelemetryWindow, birth: MachineBirth): { values: ArrayLike<number>; rateHz: number; rpm: number } | undefined {
  const waveforms = new Set(birth.sensors.filter((s) => s.kind === 'waveform').map((s) => s.channel));
  const vib = w.channels.find((c) => c.name === 'vib_de') ?? w.channels.find((c) => waveforms.has(c.name));
  if (!vib) return undefined;
  const rpm = w.channels.find((c) => c.name === 'speed')?.values[0] ?? birth.ratedSpeedRpm;
  return { values: vib.values, rateHz: vib.rateHz, rpm };
}

/**
 * Keeps up to `maxKept` earlier windows per opening incident. The default 3 covers the alarm's
 * on-delay (raiseAfter 3: two windows before the raise) with one to spare; 3 × 4096 float32 samples
 * is 48 KiB a machine, held only while its incident opens or is open.
 */
export function createIncidentRecorder(maxKept = 3): IncidentRecorder {
  const kept = new Map<string, Block[]>();
  return {
    offer(key, w, birth, opening) {
      if (!opening) {
        kept.delete(key);
        return;
      }
      const v = vibrationOf(w, birth);
      if (!v || !(v.rpm > 0)) return;
      const list = kept.get(key) ?? [];
      list.push({ samples: Float32Array.from(v.values), rateHz: v.rateHz, rpm: v.rpm });
      while (list.length > maxKept) list.shift();
      kept.set(key, list);
    },
    diagnose(key, w, birth) {
      const p = w.channels.find((c) => c.name === 'pressure');
      const pulsation = p ? pressurePulsation(p.values, p.rateHz) : undefined;
      return { ...(pulsation ? { pressurePulsation: pulsation } : {}), ...recording(key, w, birth) };
    },
    bytes() {
      let b = 0;
      for (const list of kept.values()) for (const k of list) b += k.samples.byteLength;
      return b;
    },
  };

  function recording(key: string, w: TelemetryWindow, birth: MachineBirth): IncidentDiagnostics {
    const v = vibrationOf(w, birth);
    if (!v) return {};
    const n = v.values.length;
    // Earlier windows of the same length, rate and speed; the raising window itself may have been offered already.
    const earlier = (kept.get(key) ?? []).filter((b) => b.samples.length === n && b.rateHz === v.rateHz && Math.abs(b.rpm - v.rpm) <= SAME_SPEED * v.rpm);
    const last = earlier.at(-1);
    if (last && sameSamples(last.samples, v.values)) earlier.pop();
    const revolutionsPerBlock = (n / v.rateHz) * (v.rpm / 60);
    // A window that holds the revolutions alone is analysed alone (fast machines: as before);
    // a slow machine's gets all kept windows (more impacts averaged, Randall 2011 sec. 5.5).
    const use = revolutionsPerBlock >= MIN_REVOLUTIONS ? [] : earlier;
    if (use.length === 0) return analyse(v.values, v.rateHz, v.rpm, birth);
    const x = new Float64Array(n * (use.length + 1));
    let rpmSum = v.rpm;
    use.forEach((b, i) => {
      x.set(b.samples, i * n);
      rpmSum += b.rpm;
    });
    for (let i = 0; i < n; i++) x[use.length * n + i] = v.values[i]!;
    return analyse(x, v.rateHz, rpmSum / (use.length + 1), birth, n);
  }
}

function analyse(x: ArrayLike<number>, rateHz: number, rpm: number, birth: MachineBirth, blockSamples?: number): IncidentDiagnostics {
  const r = recordingEvidence(x, { rateHz, rpm, bearing: birth.bearing, ...(blockSamples !== undefined ? { blockSamples } : {}) });
  if (!r.ok) return {};
  const env = r.value.envelopeDiagnostics;
  if (!env) return { shaftDiagnostics: r.value.shaftDiagnostics };
  const combZ = combSignificance(r.value.features);
  return { envelopeDiagnostics: combZ ? { ...env, combZ } : env, shaftDiagnostics: r.value.shaftDiagnostics };
}

/**
 * Each family's comb significance (features env.combZ.*: robust z against the recording's chance
 * level, recording-evidence.ts), so the cloud can weigh a series of lines each under the fixed line
 * threshold as `edge-pdm diagnose` does. Four numbers, rounded to 0.01 SD (the cut is 4.5 SD);
 * undefined when the chance level could not be estimated.
 */
function combSignificance(f: Record<string, number>): NonNullable<EnvelopeDiagnostics['combZ']> | undefined {
  const z = (k: string): number | undefined => {
    const v = f[`env.combZ.${k}`];
    return v !== undefined && Number.isFinite(v) ? Math.round(v * 100) / 100 : undefined;
  };
  const bpfo = z('bpfo'), bpfi = z('bpfi'), bsf = z('bsf'), bsf2 = z('bsf2');
  return bpfo !== undefined && bpfi !== undefined && bsf !== undefined && bsf2 !== undefined ? { bpfo, bpfi, bsf, bsf2 } : undefined;
}

/** True when a kept (float32) window is the given one: the agent may offer the raising window before it diagnoses. */
function sameSamples(a: Float32Array, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== Math.fround(b[i]!)) return false;
  return true;
}
