// Telemetry travels as windows (blocks of samples), never one message a sample (DESIGN.md).
import { z } from 'zod';
import { BearingGeometry, MachineType } from '../vocabulary.ts';

const segment = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ -');

/** Largest samples in one channel of one window (2^16 = 6.4 s at 10.24 kHz). */
export const MAX_SAMPLES_PER_CHANNEL = 65536;

/** One channel's block of evenly spaced samples, starting at the window's `ts`. */
export const Channel = z.object({
  name: segment.describe('e.g. vib_de (drive-end vibration), temp_bearing, speed'),
  unit: z.string().min(1).max(16).describe('SI-ish unit: m/s2, degC, rpm, bar, m3/h, A'),
  rateHz: z.number().positive().max(1_000_000),
  values: z
    .array(z.number().refine(Number.isFinite, 'sample is not a finite number'))
    .min(1)
    .max(MAX_SAMPLES_PER_CHANNEL),
});
export type Channel = z.infer<typeof Channel>;

/** A window of samples from one machine, on `pdm/{site}/{line}/{machine}/telemetry`. */
export const TelemetryWindow = z.object({
  v: z.literal(1),
  site: segment,
  line: segment,
  machine: segment,
  seq: z.number().int().nonnegative().describe('per-machine sequence number, gaps reveal loss'),
  ts: z.number().int().nonnegative().describe('event time of the first sample, epoch ms'),
  channels: z.array(Channel).min(1).max(32),
});
export type TelemetryWindow = z.infer<typeof TelemetryWindow>;

/** A sensor a machine carries, as announced in its birth certificate. */
export const SensorSpec = z.object({
  channel: segment,
  unit: z.string().min(1).max(16),
  rateHz: z.number().positive(),
  kind: z.enum(['waveform', 'scalar']),
});

/**
 * A machine's birth certificate (Sparkplug's DBIRTH in spirit), retained on
 * `pdm/{site}/{line}/{machine}/birth`: the edge refuses telemetry from machines it has no birth for.
 */
export const MachineBirth = z.object({
  v: z.literal(1),
  site: segment,
  line: segment,
  machine: segment,
  machineType: MachineType,
  ratedSpeedRpm: z.number().positive(),
  bearing: BearingGeometry,
  sensors: z.array(SensorSpec).min(1),
  /** Induction drive: supply frequency and pole count, so slip and rotor-bar sidebands can be computed. */
  drive: z.object({ supplyHz: z.number().positive().max(400), poles: z.number().int().min(2).max(24).multipleOf(2) }).optional(),
  /** Single-stage gear: teeth on the input (measured-speed) shaft and on the output shaft; mesh Hz = inputTeeth × input shaft Hz. */
  gear: z.object({ inputTeeth: z.number().int().min(5).max(400), outputTeeth: z.number().int().min(5).max(400) }).optional(),
  /** Milling cutter of a CNC spindle: tooth-pass Hz = flutes × spindle Hz. */
  cutter: z.object({ flutes: z.number().int().min(1).max(32) }).optional(),
});
export type MachineBirth = z.infer<typeof MachineBirth>;
