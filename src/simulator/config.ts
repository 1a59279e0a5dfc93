// The plant as a YAML file describes it: sites -> lines -> machines, plus how vibration is sampled.
import { parse } from 'yaml';
import { z } from 'zod';
import { BearingGeometry, ConfigError, MachineType, describeIssues } from '../core/index.ts';
import { RegimeConfig, RegimeOverride } from './regimes.ts';
import { SensorFaultRates } from './sensor-fault-plan.ts';

const segment = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ -');

export const MachineConfig = z.object({
  id: segment.describe('unique in the plant, e.g. pump-001'),
  type: MachineType,
  ratedSpeedRpm: z.number().min(60).max(30_000).optional().describe('default per type: pump 2950, motor 1480, fan 980, cnc-spindle 12000, gearbox 1480 (input shaft)'),
  bearing: BearingGeometry.optional().describe('drive-end bearing; default per type (6205, 6309, 6206, 7014ACD, 6310)'),
  resonanceHz: z.number().min(500).max(12_000).optional().describe('housing resonance excited by bearing impacts, below the vibration Nyquist frequency; default drawn per type (2.5-4 kHz, spindle 6-9 kHz)'),
  vibrationRateHz: z.number().int().min(1000).max(100_000).optional().describe("this machine's vibration sampling rate, Hz; default the type's (spindle 25600) or the plant's sampling.vibrationRateHz"),
});
export type MachineConfig = z.infer<typeof MachineConfig>;

export const LineConfig = z.object({
  id: segment,
  regimes: RegimeOverride.optional().describe("this line's overrides of the site and plant regimes"),
  machines: z.array(MachineConfig).min(1),
});

export const SiteConfig = z.object({
  id: segment,
  ambientMeanC: z.number().min(-40).max(60).default(22).describe('daily mean ambient temperature, degC'),
  regimes: RegimeOverride.optional().describe("this site's overrides of the plant regimes (shifts, speed setpoints)"),
  lines: z.array(LineConfig).min(1),
});

export const SamplingConfig = z.object({
  vibrationRateHz: z.number().int().min(1000).max(100_000).default(10240),
  vibrationSamples: z
    .number()
    .int()
    .min(256)
    .max(65536)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two (FFT size)')
    .default(4096),
  noiseFactor: z
    .number()
    .min(1)
    .max(20)
    .default(1)
    .describe('sensor noise as a multiple of the nominal (1 = as specified; 3 = cheap MEMS sensors, long cables); see sensor-noise.ts'),
});

export const PlantConfig = z
  .object({
    sites: z.array(SiteConfig).min(1),
    sampling: SamplingConfig.default({ vibrationRateHz: 10240, vibrationSamples: 4096, noiseFactor: 1 }),
    regimes: RegimeConfig.default(RegimeConfig.parse({})).describe('shift calendar and speed setpoints; default around the clock at rated speed'),
    sensorFaults: SensorFaultRates.default(SensorFaultRates.parse({})).describe('how often sensors (not machines) fail; default never'),
    machineFaults: z
      .object({
        perMachinePerWeek: z.number().min(0).max(7).default(0).describe('expected machine faults per machine per week over a run (0: the run names a count instead)'),
      })
      .default({ perMachinePerWeek: 0 })
      .describe('how often machines develop a fault (planFaults draws which, where and when)'),
  })
  .superRefine((p, ctx) => {
    // Machine ids are topic segments and keys of ground truth: unique across the whole plant.
    const seen = new Set<string>();
    p.sites.forEach((s, si) =>
      s.lines.forEach((l, li) =>
        l.machines.forEach((m, mi) => {
          if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: ['sites', si, 'lines', li, 'machines', mi, 'id'], message: `duplicate machine id "${m.id}"` });
          seen.add(m.id);
        }),
      ),
    );
  });
export type PlantConfig = z.infer<typeof PlantConfig>;

/** Parses and validates a plant YAML file; throws ConfigError naming the bad field. */
export function loadPlantYaml(text: string): PlantConfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new ConfigError(`plant config: invalid YAML: ${(e as Error).message}`, { cause: e });
  }
  const r = PlantConfig.safeParse(raw);
  if (!r.success) throw new ConfigError(`plant config: ${describeIssues(r.error)}`, { cause: r.error });
  return r.data;
}
