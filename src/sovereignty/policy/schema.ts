// The data-classification policy as code: which class each channel and field belongs to, and
// which classes may leave a site for which destination and jurisdiction. Deny by default: a
// field no rule classifies is "unclassified", and no destination without a rule gets anything.
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { ConfigError, describeIssues } from '../../core/index.ts';
import { Jurisdiction } from '../jurisdiction.ts';

/** Data classes, from the plant's point of view. */
export const DataClass = z.enum([
  'raw-signal', // waveforms and sample blocks: reveal the process and the machine in full
  'process-secret', // setpoints, recipes, production data: the plant's know-how
  'identifier', // site, line, machine, incident ids
  'derived-feature', // features computed from a window (RMS, kurtosis, defect-line levels)
  'aggregate', // statistics over many windows (baselines, counts)
  'metadata', // message version, timestamps, severity
  'unclassified', // nothing classified it: never leaves unless a rule names this class
]);
export type DataClass = z.infer<typeof DataClass>;

/** Order used when a channel rule and a field rule disagree: the stricter class wins. */
export const CLASS_STRICTNESS: Record<DataClass, number> = {
  'process-secret': 6,
  'raw-signal': 5,
  unclassified: 4,
  identifier: 3,
  'derived-feature': 2,
  aggregate: 1,
  metadata: 0,
};

const pattern = z.string().min(1).max(300);

/** Classifies fields by path: segments joined by ".", `*` within a segment, `**` for any depth. */
export const FieldRule = z.object({
  path: pattern.describe('e.g. evidence.features.*, evidence.**, recipe.**'),
  class: DataClass,
  note: z.string().optional(),
});

/** Classifies a telemetry channel by name (glob); applies to every field that names the channel. */
export const ChannelRule = z.object({
  channel: pattern.describe('channel name glob, e.g. vib_*, pressure_setpoint'),
  class: DataClass,
  note: z.string().optional(),
});

/** Which classes may leave for a destination (glob) in a set of jurisdictions. First match wins. */
export const TransferRule = z.object({
  name: z.string().min(1),
  destination: pattern.describe('destination name glob, e.g. cloud-diagnosis'),
  jurisdictions: z.array(Jurisdiction).min(1).describe('where the destination may be; EU covers its member states'),
  allow: z.array(DataClass).default([]),
});

export const Policy = z
  .object({
    version: z.literal(1),
    description: z.string().optional(),
    /** Classes that never leave a site, whatever a rule says. */
    neverLeave: z.array(DataClass).default(['raw-signal', 'process-secret']),
    defaultClass: DataClass.default('unclassified'),
    channels: z.array(ChannelRule).default([]),
    fields: z.array(FieldRule).default([]),
    rules: z.array(TransferRule).default([]),
  })
  .superRefine((p, ctx) => {
    p.rules.forEach((r, i) => {
      r.allow.forEach((c, j) => {
        if (p.neverLeave.includes(c)) {
          ctx.addIssue({ code: 'custom', path: ['rules', i, 'allow', j], message: `class "${c}" is in neverLeave and cannot be allowed by rule "${r.name}"` });
        }
      });
    });
  });
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

/** Where a message is going: a destination name and the jurisdiction it resides in. */
export interface Destination {
  name: string;
  jurisdiction: string;
}

/** Validates a parsed policy; throws ConfigError naming the field (e.g. `rules.0.allow.1`). */
export function parsePolicy(raw: unknown, source = 'policy'): Policy {
  const r = Policy.safeParse(raw);
  if (!r.success) throw new ConfigError(`${source}: ${describeIssues(r.error)}`);
  return r.data;
}

/** Parses and validates policy YAML; throws ConfigError naming the field. */
export function loadPolicyYaml(text: string, source = 'policy'): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${source}: invalid YAML: ${(err as Error).message}`, { cause: err });
  }
  return parsePolicy(raw, source);
}
