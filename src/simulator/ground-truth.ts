// What really happened in the simulated plant, against which every detector is scored.
import type { Component, FaultType, MachineType } from '../core/index.ts';

/** A fault to inject: it starts at `onsetMs` and, unless repaired, the machine fails at `failureMs` (event time, epoch ms). */
export interface FaultInjection {
  machine: string;
  fault: FaultType;
  onsetMs: number;
  failureMs: number;
}

/** One injected fault and its fate. */
export interface GroundTruth {
  site: string;
  line: string;
  machine: string;
  machineType: MachineType;
  fault: FaultType;
  /** The part the fault destroys (FAULT_COMPONENT). */
  component: Component | null;
  onsetMs: number;
  /** Scheduled failure time if never repaired. */
  failureMs: number;
  /** When the machine actually failed (= failureMs), or null if it did not (yet). */
  failedAtMs: number | null;
  /** Simulated time of the repair that ended this fault, or null. */
  repairedAtMs: number | null;
}
