// The channels and state a machine type has beyond vibration, speed and bearing temperature:
// the stator phase current and winding temperature of induction drives, the oil sump of a
// gearbox, the spindle load and tool wear of a CNC spindle. machine.ts owns the shared process
// (demand, load, speed, bearing temperature); this file adds what depends on the type.
import type { Channel, FaultType, MachineBirth } from '../core/index.ts';
import { gearWearOilRiseK } from './gear-mesh.ts';
import { CHANNEL_UNITS, type ExtraChannel, type MachineTypeSpec } from './machine-types.ts';
import {
  HEALTHY_SIDEBAND_DB, MIN_SLIP, PHASE_CURRENT_RATE_HZ, PHASE_CURRENT_SAMPLES, polePassHz, rotorBarSidebandRatio, slipOf, synthesizePhaseCurrent,
} from './motor-current.ts';
import { createRng, type Rng } from './rng.ts';
import { thermalStep } from './thermal.ts';
import { SPINDLE_LOAD_AT_FULL_DEMAND_PCT, VB_FAILURE_MM, VB_HEALTHY_MM, cuttingForceFactor } from './tool-wear.ts';

/**
 * Stator winding thermal time constant, ms: 30–60 min for totally enclosed fan-cooled motors of
 * 10–50 kW (the thermal-image setting of motor protection relays, e.g. IEC 60255-149 examples).
 */
export const WINDING_TAU_MS = 40 * 60_000;
/** Gear oil sump time constant, ms: tens of litres of oil in a cast housing heat up over hours (ISO/TR 14179-1). */
export const OIL_TAU_MS = 90 * 60_000;
/** Extra winding rise from broken rotor bars at severity 1, K: the healthy bars carry the lost bars' current and run hot. */
const ROTOR_BAR_WINDING_RISE_K = 15;
/** Sensor noise (1 sigma): winding and oil RTDs K, spindle load %, tool-wear estimate um (plus 5% of VB: the model estimate's error). */
const NOISE = { tempK: 0.1, spindleLoadPct: 0.5, toolWearUm: 6, toolWearFrac: 0.05 } as const;

const WAVEFORMS: ReadonlySet<ExtraChannel> = new Set(['phase_current']);
/** Extra scalars machine.ts publishes itself (pump hydraulics, stator current). */
const OWNED_BY_MACHINE: ReadonlySet<ExtraChannel> = new Set(['pressure', 'flow', 'current']);

/** What the type-specific channels of one window depend on. */
export interface TypeWindowInput {
  dtMs: number;
  ambientC: number;
  /** Load, fraction of rated power. */
  load: number;
  /** True shaft speed, rpm (before sensor noise). */
  rpm: number;
  /** Drive frequency as a fraction of the nominal supply (variable-speed setpoint; 1 on the mains). */
  speedFactor: number;
  kind: FaultType | undefined;
  severity: number;
}

/** Stator current, A: rises about linearly with load above the magnetising current. */
export function statorCurrentA(spec: MachineTypeSpec, load: number): number {
  const c = spec.currentA;
  return c ? c.noLoad + (c.fullLoad - c.noLoad) * load : 0;
}

/** Type-specific channels and state of one machine. */
export class TypeChannels {
  private readonly rng: Rng;
  private readonly phaseBuffer: Float64Array | null;
  private readonly healthySidebandDb: number;
  private readonly vbHealthyMm: number;
  private windingC: number | null = null;
  private oilC: number | null = null;

  constructor(private readonly spec: MachineTypeSpec, seed: number, id: string) {
    // Streams of their own: the process and vibration of the three original types are unchanged.
    const fixed = createRng(seed, id, 'type-fixed');
    this.healthySidebandDb = fixed.uniform(...HEALTHY_SIDEBAND_DB);
    this.vbHealthyMm = fixed.uniform(...VB_HEALTHY_MM);
    this.rng = createRng(seed, id, 'type-channels');
    this.phaseBuffer = spec.extras.includes('phase_current') ? new Float64Array(PHASE_CURRENT_SAMPLES) : null;
  }

  /** Birth fields of the type: the induction drive and the gear pair. */
  birthFields(): Pick<MachineBirth, 'drive' | 'gear'> {
    return { ...(this.spec.drive ? { drive: { ...this.spec.drive } } : {}), ...(this.spec.gear ? { gear: { ...this.spec.gear } } : {}) };
  }

  /** Sensors of the waveform extras (published right after vib_de). */
  waveformSensors(): MachineBirth['sensors'] {
    return this.spec.extras.filter((c) => WAVEFORMS.has(c)).map((c) => ({ channel: c, unit: CHANNEL_UNITS[c], rateHz: PHASE_CURRENT_RATE_HZ, kind: 'waveform' as const }));
  }

  /** Sensors of the scalar extras this class publishes (after machine.ts's pressure, flow, current). */
  scalarSensors(): MachineBirth['sensors'] {
    return this.scalarNames().map((c) => ({ channel: c, unit: CHANNEL_UNITS[c], rateHz: 1, kind: 'scalar' as const }));
  }

  /** An induction machine runs below synchronous speed: caps `rpm` at sync x (1 - MIN_SLIP) for the applied supply. */
  limitRpm(rpm: number, speedFactor: number): number {
    const d = this.spec.drive;
    if (!d) return rpm;
    const syncRpm = (120 * d.supplyHz * speedFactor) / d.poles;
    return Math.min(rpm, syncRpm * (1 - MIN_SLIP));
  }

  /** Pole-pass frequency at this speed, Hz, or undefined without an induction drive. */
  polePassHz(rpm: number, speedFactor: number): number | undefined {
    const d = this.spec.drive;
    if (!d) return undefined;
    const f = d.supplyHz * speedFactor;
    return polePassHz(slipOf(rpm, f, d.poles), f, d.poles);
  }

  /** Flank wear of the spindle's tool, mm: the healthy tool's, or along the wear curve when tool wear acts (severity from degradation.ts). */
  toolWearMm(kind: FaultType | undefined, severity: number): number {
    const s = kind === 'tool-wear' ? Math.max(0, severity) : 0;
    return this.vbHealthyMm + (VB_FAILURE_MM - this.vbHealthyMm) * s;
  }

  /** What the winding or oil RTD reads at standstill (its own cooling mass), or undefined for other channels. */
  standstillTempC(channel: string): number | undefined {
    const t = channel === 'temp_winding' ? this.windingC : channel === 'temp_oil' ? this.oilC : null;
    return t ?? undefined;
  }

  /** Stopped machine: windings and oil cool towards ambient. */
  cool(ambientC: number, dtMs: number): void {
    if (this.windingC !== null) this.windingC = thermalStep(this.windingC, ambientC, dtMs, WINDING_TAU_MS);
    if (this.oilC !== null) this.oilC = thermalStep(this.oilC, ambientC, dtMs, OIL_TAU_MS);
  }

  /** Waveform extras of one window (phase current). */
  waveformChannels(w: TypeWindowInput): Channel[] {
    const d = this.spec.drive;
    if (!this.phaseBuffer || !d) return [];
    const supplyHz = d.supplyHz * w.speedFactor;
    const s = w.kind === 'broken-rotor-bar' ? w.severity : 0;
    const rmsA = statorCurrentA(this.spec, w.load);
    synthesizePhaseCurrent(
      this.phaseBuffer,
      { supplyHz, slip: slipOf(w.rpm, supplyHz, d.poles), rmsA, sidebandRatio: rotorBarSidebandRatio(s, w.load, this.healthySidebandDb), rateHz: PHASE_CURRENT_RATE_HZ },
      this.rng,
    );
    return [{ name: 'phase_current', unit: CHANNEL_UNITS.phase_current, rateHz: PHASE_CURRENT_RATE_HZ, values: Array.from(this.phaseBuffer) }];
  }

  /** Scalar extras of one window, advancing the winding and oil temperatures. */
  scalarChannels(w: TypeWindowInput): Channel[] {
    const out: Channel[] = [];
    const r = this.rng;
    for (const name of this.scalarNames()) {
      let v: number;
      switch (name) {
        case 'temp_winding': {
          // Copper losses go with the square of the current (per unit of full-load current).
          const pu = statorCurrentA(this.spec, w.load) / (this.spec.currentA?.fullLoad ?? 1);
          const rotor = w.kind === 'broken-rotor-bar' ? ROTOR_BAR_WINDING_RISE_K * w.severity : 0;
          const drive = w.ambientC + (this.spec.windingRiseK ?? 0) * pu * pu + rotor;
          this.windingC = this.windingC === null ? drive : thermalStep(this.windingC, drive, w.dtMs, WINDING_TAU_MS);
          v = this.windingC + NOISE.tempK * r.normal();
          break;
        }
        case 'temp_oil': {
          const wear = w.kind === 'gear-tooth-wear' ? gearWearOilRiseK(w.severity) : 0;
          const drive = w.ambientC + (this.spec.oilRiseK ?? 0) * w.load + wear;
          this.oilC = this.oilC === null ? drive : thermalStep(this.oilC, drive, w.dtMs, OIL_TAU_MS);
          v = this.oilC + NOISE.tempK * r.normal();
          break;
        }
        case 'spindle_load':
          v = SPINDLE_LOAD_AT_FULL_DEMAND_PCT * w.load * cuttingForceFactor(this.toolWearMm(w.kind, w.severity)) + NOISE.spindleLoadPct * r.normal();
          break;
        case 'tool_wear': {
          const vbUm = 1000 * this.toolWearMm(w.kind, w.severity);
          v = Math.max(0, vbUm + (NOISE.toolWearUm + NOISE.toolWearFrac * vbUm) * r.normal());
          break;
        }
        default:
          continue;
      }
      out.push({ name, unit: CHANNEL_UNITS[name], rateHz: 1, values: [v] });
    }
    return out;
  }

  private scalarNames(): ExtraChannel[] {
    return this.spec.extras.filter((c) => !WAVEFORMS.has(c) && !OWNED_BY_MACHINE.has(c));
  }
}
