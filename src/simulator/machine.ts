// One simulated machine: its fixed physical constants, its evolving state, and how it turns a
// point in event time into a telemetry window.
import { bearingDefectOrders, type BearingGeometry, type Channel, type DefectOrders, type FaultType, type MachineBirth, type TelemetryWindow } from '../core/index.ts';
import type { MachineConfig, PlantConfig } from './config.ts';
import { drawGrowth, faultSeverityAt } from './degradation.ts';
import { hydraulicEffect, vibrationParams, type MachineAcoustics } from './fault-signatures.ts';
import type { GroundTruthRecord } from '../core/index.ts';
import { machineFaultTruth, type FaultInjection } from './ground-truth.ts';
import type { OperatingPoint } from './regimes.ts';
import { standstillChannels } from './standstill.ts';
import { MACHINE_TYPES, PUMP_HYDRAULICS, RESONANCE_DAMPING, RESONANCE_RANGE_HZ, type MachineTypeSpec } from './machine-types.ts';
import { ambientC, demandStep, loadFactor, shaftSpeedRpm } from './operating.ts';
import { createRng, type Rng } from './rng.ts';
import { bearingDriveC, thermalStep } from './thermal.ts';
import { synthesizeVibration } from './vibration.ts';
import { gearWearPower } from './gear-mesh.ts';
import { TypeChannels } from './type-channels.ts';

/**
 * Bearing temperature rise from the fault at severity s, K: spall friction rises late (quadratic),
 * a ball spall rubs a little less than a race spall; misalignment and imbalance load the bearing
 * steadily (friction moment grows with load, SKF rolling bearings catalogue, friction model).
 * Lubrication loss is the hot one: boundary friction is tens of times the elastohydrodynamic
 * friction (Harris & Kotzalas, Rolling Bearing Analysis, 5th ed., 2007, vol. 1 ch. 9), so the
 * bearing runs up to ~50 K hotter before it seizes. Looseness and cavitation do not heat it.
 */
const FAULT_RISE_K: Partial<Record<FaultType, (s: number) => number>> = {
  'bearing-outer-race': (s) => 25 * s * s,
  'bearing-inner-race': (s) => 25 * s * s,
  'bearing-rolling-element': (s) => 20 * s * s,
  misalignment: (s) => 12 * s,
  imbalance: (s) => 6 * s,
  'lubrication-loss': (s) => 10 * s + 40 * s ** 3,
  // Broken bars heat the rotor; the heat flows along the shaft into the bearings.
  'broken-rotor-bar': (s) => 8 * s,
  'gear-tooth-wear': (s) => 6 * s * s,
};
/** Extra shaft power drawn by the fault at severity s, fraction of full load (friction, coupling forces). */
const FAULT_POWER: Partial<Record<FaultType, (s: number) => number>> = {
  'bearing-outer-race': (s) => 0.015 * s * s,
  'bearing-inner-race': (s) => 0.015 * s * s,
  'bearing-rolling-element': (s) => 0.012 * s * s,
  misalignment: (s) => 0.03 * s,
  imbalance: (s) => 0.005 * s,
  'lubrication-loss': (s) => 0.03 * s * s,
  // Extra rotor copper losses of the bars that carry the broken bars' current.
  'broken-rotor-bar': (s) => 0.01 * s,
  'gear-tooth-wear': gearWearPower,
};
/** Window-to-window scatter of fault amplitudes (lognormal sigma): the error term of Gebraeel et al. 2005. */
const FAULT_AMPLITUDE_SCATTER = 0.1;
/** Sensor noise (1 sigma) on each scalar: tachometer rpm, RTD K, pressure bar, flow fraction, current A. */
const SENSOR_NOISE = { speedRpm: 0.5, tempK: 0.1, pressureBar: 0.02, flowFrac: 0.005, currentA: 0.2 } as const;

interface ActiveFault {
  truth: GroundTruthRecord;
  /** The machine fault mode (truth.fault narrowed: this is never a sensor fault). */
  fault: FaultType;
  growth: number;
}

/** Resolved constants of a machine (config overrides applied to type defaults). */
export interface MachineSetup {
  site: string;
  line: string;
  ambientMeanC: number;
  config: MachineConfig;
  sampling: PlantConfig['sampling'];
}

/** A machine's physics and state; advance it with `windowAt(tMs)`. */
export class MachineModel {
  readonly id: string;
  readonly spec: MachineTypeSpec;
  readonly ratedSpeedRpm: number;
  readonly bearing: BearingGeometry;
  readonly bpfoOrders: number;
  readonly defectOrders: DefectOrders;
  readonly resonanceHz: number;
  /** Vibration sampling rate: machine config, else the type's, else the plant's. */
  readonly vibrationRateHz: number;
  readonly birth: MachineBirth;
  private readonly typeChannels: TypeChannels;
  readonly faults: ActiveFault[] = [];
  private readonly acoustics: MachineAcoustics;
  private readonly processRng: Rng;
  private readonly vibRng: Rng;
  private readonly faultRng: Rng;
  private readonly buffer: Float64Array;
  private demand: number;
  private tempC: number | null = null;
  private lastMs: number;
  private seq = 0;
  failedAtMs: number | null = null;
  /** Locked out for planned maintenance: publishes nothing until repaired. */
  lockedOut = false;

  constructor(private readonly setup: MachineSetup, private readonly seed: number, startMs: number) {
    const m = setup.config;
    this.id = m.id;
    this.spec = MACHINE_TYPES[m.type];
    this.ratedSpeedRpm = m.ratedSpeedRpm ?? this.spec.ratedSpeedRpm;
    this.bearing = m.bearing ?? this.spec.bearing;
    this.defectOrders = bearingDefectOrders(this.bearing);
    this.bpfoOrders = this.defectOrders.bpfo;
    this.vibrationRateHz = m.vibrationRateHz ?? this.spec.vibrationRateHz ?? setup.sampling.vibrationRateHz;
    this.typeChannels = new TypeChannels(this.spec, seed, m.id);
    const fixed = createRng(seed, m.id, 'fixed');
    // A drawn resonance stays below 0.4 x the sampling rate (at 6.4 kHz a 4 kHz ring would alias); a configured one is taken as given.
    this.resonanceHz = m.resonanceHz ?? Math.min(0.4 * this.vibrationRateHz, fixed.uniform(...(this.spec.resonanceRangeHz ?? RESONANCE_RANGE_HZ)));
    const damping = fixed.uniform(...RESONANCE_DAMPING);
    // Rolling-element slip: 1–2% scatter of the impact interval (Randall & Antoni 2011, sec. 2.1).
    const slipSd = fixed.uniform(0.01, 0.02);
    const healthy1xMmS = fixed.uniform(...this.spec.healthy1xMmS);
    const phases: [number, number, number] = [0, fixed.uniform(0, 2 * Math.PI), fixed.uniform(0, 2 * Math.PI)];
    this.acoustics = {
      spec: this.spec,
      rateHz: this.vibrationRateHz,
      ratedSpeedRpm: this.ratedSpeedRpm,
      defects: this.defectOrders,
      healthy1xMmS,
      phases,
      resonanceHz: this.resonanceHz,
      damping,
      slipSd,
      ...(this.spec.gear ? { gear: this.spec.gear } : {}),
      ...(this.spec.cutter ? { flutes: this.spec.cutter.flutes } : {}),
    };
    this.processRng = createRng(seed, m.id, 'process');
    this.vibRng = createRng(seed, m.id, 'vibration');
    this.faultRng = createRng(seed, m.id, 'fault');
    this.buffer = new Float64Array(setup.sampling.vibrationSamples);
    this.demand = this.processRng.normal();
    this.lastMs = startMs;
    this.birth = {
      v: 1,
      site: setup.site,
      line: setup.line,
      machine: m.id,
      machineType: m.type,
      ratedSpeedRpm: this.ratedSpeedRpm,
      bearing: this.bearing,
      ...this.typeChannels.birthFields(),
      sensors: [
        { channel: 'vib_de', unit: 'm/s2', rateHz: this.vibrationRateHz, kind: 'waveform' },
        ...this.typeChannels.waveformSensors(),
        ...this.scalarUnits().map(([channel, unit]) => ({ channel, unit, rateHz: 1, kind: 'scalar' as const })),
        ...this.typeChannels.scalarSensors(),
      ],
    };
  }

  /** Registers a fault injection and returns its ground-truth record. */
  inject(f: FaultInjection): GroundTruthRecord {
    // Each fault grows at its own rate (lognormal exponent, Paris-law-like spread; degradation.ts drawGrowth): units of one population differ (Gebraeel 2005).
    const growth = drawGrowth(createRng(this.seed, this.id, String(f.onsetMs), f.fault));
    const truth = machineFaultTruth(f, { site: this.setup.site, line: this.setup.line, machineType: this.setup.config.type }, growth);
    this.faults.push({ truth, fault: f.fault, growth });
    this.faults.sort((a, b) => a.truth.onsetMs - b.truth.onsetMs);
    return truth;
  }

  /** The fault acting at `tMs` (started, not repaired), if any. */
  activeFault(tMs: number): ActiveFault | undefined {
    return this.faults.find((f) => f.truth.repairedAtMs === null && f.truth.onsetMs <= tMs);
  }

  /** Ends the acting fault at `tMs` and brings a failed machine back into service. */
  repair(tMs: number): void {
    const f = this.activeFault(tMs);
    if (f) {
      f.truth.repairedAtMs = tMs;
      // Repaired before its signature ever rose above the healthy scatter: it never became detectable.
      if (f.truth.detectableMs !== null && f.truth.detectableMs > tMs) f.truth.detectableMs = null;
    }
    this.failedAtMs = null;
    this.lockedOut = false;
  }

  /** Planned downtime: the machine is locked out (publishes nothing) until repair(). */
  lockOut(): void {
    this.lockedOut = true;
  }

  /** Advances the machine to `tMs`; returns its window, or null if it has failed (and publishes nothing). */
  windowAt(tMs: number, op: OperatingPoint = { running: true, speedFactor: 1 }): TelemetryWindow | null {
    const dtMs = Math.max(0, tMs - this.lastMs);
    this.lastMs = tMs;
    const ambient = ambientC(this.setup.ambientMeanC, tMs);
    const fault = this.activeFault(tMs);
    if (fault && this.failedAtMs === null && tMs >= fault.truth.failureMs) {
      this.failedAtMs = fault.truth.failureMs;
      fault.truth.failedAtMs = fault.truth.failureMs;
    }
    this.demand = demandStep(this.demand, dtMs, this.processRng);
    if (this.failedAtMs !== null || this.lockedOut || !op.running) {
      // Stopped: no friction heat, the bearing cools towards ambient.
      this.tempC = thermalStep(this.tempC ?? ambient, ambient, dtMs);
      this.typeChannels.cool(ambient, dtMs);
      if (this.failedAtMs !== null || this.lockedOut) return null;
      // Stopped by the shift calendar: condition monitoring keeps sampling a machine at standstill.
      const tempC = this.tempC;
      const channels = standstillChannels(this.birth.sensors, this.setup.sampling.vibrationSamples, (ch) => this.typeChannels.standstillTempC(ch) ?? tempC, this.vibRng, this.processRng);
      return { v: 1, site: this.setup.site, line: this.setup.line, machine: this.id, seq: this.seq++, ts: tMs, channels };
    }
    const severity = fault ? faultSeverityAt(fault.fault, tMs, fault.truth.onsetMs, fault.truth.failureMs, fault.growth) : 0;
    const kind = fault?.fault;
    // Off rated speed, a centrifugal machine's power follows the affinity laws (P ~ n^3); other drives carry about constant torque (P ~ n).
    const speedPower = this.spec.extras.includes('flow') || this.setup.config.type === 'fan' ? op.speedFactor ** 3 : op.speedFactor;
    const load = loadFactor(this.demand) * speedPower + (kind ? (FAULT_POWER[kind]?.(severity) ?? 0) : 0);
    const rpm = this.typeChannels.limitRpm(shaftSpeedRpm(this.ratedSpeedRpm * op.speedFactor, this.demand), op.speedFactor);
    const drive = bearingDriveC(ambient, load, this.spec.bearingRiseK, kind ? (FAULT_RISE_K[kind]?.(severity) ?? 0) : 0);
    // First window: start at thermal equilibrium rather than cold.
    this.tempC = this.tempC === null ? drive : thermalStep(this.tempC, drive, dtMs);

    const scatter = kind ? Math.exp(FAULT_AMPLITUDE_SCATTER * this.faultRng.normal()) : 1;
    const s = Math.min(1.5, severity * scatter);
    synthesizeVibration(this.buffer, vibrationParams(this.acoustics, rpm / 60, kind, s, { load, vbMm: this.typeChannels.toolWearMm(kind, severity), polePassHz: this.typeChannels.polePassHz(rpm, op.speedFactor) }), this.vibRng, this.faultRng);

    const r = this.processRng;
    const typeInput = { dtMs, ambientC: ambient, load, rpm, speedFactor: op.speedFactor, kind, severity };
    const channels: Channel[] = [
      { name: 'vib_de', unit: 'm/s2', rateHz: this.vibrationRateHz, values: Array.from(this.buffer) },
      ...this.typeChannels.waveformChannels(typeInput),
      { name: 'speed', unit: 'rpm', rateHz: 1, values: [rpm + SENSOR_NOISE.speedRpm * r.normal()] },
      { name: 'temp_bearing', unit: 'degC', rateHz: 1, values: [this.tempC + SENSOR_NOISE.tempK * r.normal()] },
    ];
    if (this.spec.extras.includes('flow')) {
      const h = PUMP_HYDRAULICS;
      // Duty point: the motor is sized ~15% above the pump's rated duty, so load 0.85 ~ rated flow.
      const hyd = hydraulicEffect(kind, severity);
      const dutyFlow = h.ratedFlowM3h * op.speedFactor * Math.min(1.2, loadFactor(this.demand) / 0.85);
      const flow = dutyFlow * hyd.flowFactor;
      // Head from the pump curve at the duty flow, then the fault's breakdown and its pulsation.
      let headM = (h.shutoffHeadM * (rpm / this.ratedSpeedRpm) ** 2 - h.curveK * dutyFlow * dutyFlow) * hyd.headFactor;
      if (hyd.headFluctuationFrac > 0) headM *= 1 + hyd.headFluctuationFrac * this.faultRng.normal();
      const bar = (h.waterDensityKgM3 * 9.81 * headM) / 1e5;
      channels.push({ name: 'pressure', unit: 'bar', rateHz: 1, values: [bar + SENSOR_NOISE.pressureBar * r.normal()] });
      channels.push({ name: 'flow', unit: 'm3/h', rateHz: 1, values: [flow * (1 + SENSOR_NOISE.flowFrac * r.normal())] });
    }
    if (this.spec.currentA) {
      const { fullLoad, noLoad } = this.spec.currentA;
      // Stator current rises about linearly with load above the magnetising current.
      channels.push({ name: 'current', unit: 'A', rateHz: 1, values: [noLoad + (fullLoad - noLoad) * load + SENSOR_NOISE.currentA * r.normal()] });
    }
    channels.push(...this.typeChannels.scalarChannels(typeInput));
    return { v: 1, site: this.setup.site, line: this.setup.line, machine: this.id, seq: this.seq++, ts: tMs, channels };
  }

  private scalarUnits(): [string, string][] {
    const u: [string, string][] = [['speed', 'rpm'], ['temp_bearing', 'degC']];
    if (this.spec.extras.includes('pressure')) u.push(['pressure', 'bar']);
    if (this.spec.extras.includes('flow')) u.push(['flow', 'm3/h']);
    if (this.spec.extras.includes('current')) u.push(['current', 'A']);
    return u;
  }
}
