// What really happened in the simulated plant, against which every detector is scored: one
// GroundTruthRecord (src/core/schemas/truth.ts) per machine-fault or sensor-fault injection.
import { FAULT_COMPONENT, type FaultType, type GroundTruthRecord, type MachineType } from '../core/index.ts';
import { lifeFractionAtSeverity } from './degradation.ts';
import type { SensorFaultInjection } from './sensor-fault-plan.ts';

/** A fault to inject: it starts at `onsetMs` and, unless repaired, the machine fails at `failureMs` (event time, epoch ms). */
export interface FaultInjection {
  machine: string;
  fault: FaultType;
  onsetMs: number;
  failureMs: number;
}

/** @deprecated the core record; kept as an alias so older callers compile. */
export type GroundTruth = GroundTruthRecord;

/**
 * Severity (0..1, degradation.ts) at which each fault's signature first exceeds the healthy
 * window-to-window scatter, so a detector could in principle see it (the P of the P–F curve).
 * Derived from the signature models in fault-signatures.ts against the healthy scatter:
 * - bearing spalls: impacts of s x peak against the broadband floor; an envelope-spectrum line
 *   stands out once the impact energy is a few percent of the noise energy (Randall & Antoni 2011
 *   put incipient spall detection at SNRs well below 0 dB with envelope analysis): s ~ 0.05–0.08.
 * - imbalance / misalignment / looseness: a shaft-order line grows over its healthy amplitude,
 *   whose window-to-window scatter is ~10% (ISO 20816-1 repeatability); exceeding 3 sigma needs
 *   s ~ 0.1–0.15 of the failure-level addition.
 * - cavitation: broadband bursts and a head drop of a few percent against 1–2% flow/pressure
 *   noise: s ~ 0.1.
 * - lubrication loss: contact noise above 1 kHz grows as s^2 and the bearing warms by ~10 s K
 *   against 0.1 K sensor noise and ±4 K ambient swing: s ~ 0.15.
 * - broken rotor bar (slip sidebands ~ -50 dB healthy, Thomson & Fenger 2001), tool wear and gear
 *   tooth wear (mesh sidebands): s ~ 0.1–0.2.
 * These are documented approximations, not measured detection limits.
 */
export const DETECTABLE_SEVERITY: Record<FaultType, number> = {
  'bearing-outer-race': 0.05,
  'bearing-inner-race': 0.08,
  'bearing-rolling-element': 0.08,
  imbalance: 0.1,
  misalignment: 0.1,
  looseness: 0.15,
  cavitation: 0.1,
  'lubrication-loss': 0.15,
  'broken-rotor-bar': 0.15,
  'tool-wear': 0.2,
  'gear-tooth-wear': 0.15,
};

/**
 * First event time at which fault `fault` reaches severity `threshold` on its path in
 * degradation.ts (faultSeverityAt inverted by lifeFractionAtSeverity), rounded up to a whole ms.
 */
export function detectableAtMs(fault: FaultType, onsetMs: number, failureMs: number, growth: number, threshold = DETECTABLE_SEVERITY[fault]): number {
  return Math.ceil(onsetMs + lifeFractionAtSeverity(fault, threshold, growth) * (failureMs - onsetMs));
}

/** Stable id of a machine-fault injection. */
export function machineFaultId(f: FaultInjection): string {
  return `${f.machine}/${f.fault}/${f.onsetMs}`;
}

/** Stable id of a sensor-fault injection. */
export function sensorFaultId(f: SensorFaultInjection): string {
  return `${f.machine}/${f.channel}/${f.kind}/${f.onsetMs}`;
}

interface Where {
  site: string;
  line: string;
  machineType: MachineType;
}

/** The ground-truth record of a machine fault growing at `growth` (degradation.ts exponent). */
export function machineFaultTruth(f: FaultInjection, where: Where, growth: number): GroundTruthRecord {
  return {
    v: 1,
    id: machineFaultId(f),
    kind: 'machine',
    ...where,
    machine: f.machine,
    fault: f.fault,
    channel: null,
    component: FAULT_COMPONENT[f.fault],
    onsetMs: f.onsetMs,
    detectableMs: detectableAtMs(f.fault, f.onsetMs, f.failureMs, growth),
    failureMs: f.failureMs,
    failedAtMs: null,
    repairedAtMs: null,
  };
}

/** The ground-truth record of a sensor fault (it ends by itself at endMs: `failureMs` holds that end). */
export function sensorFaultTruth(f: SensorFaultInjection, where: Where): GroundTruthRecord {
  return {
    v: 1,
    id: sensorFaultId(f),
    kind: 'sensor',
    ...where,
    machine: f.machine,
    fault: f.kind,
    channel: f.channel,
    component: null,
    onsetMs: f.onsetMs,
    detectableMs: null,
    failureMs: f.endMs,
    failedAtMs: null,
    repairedAtMs: null,
  };
}
