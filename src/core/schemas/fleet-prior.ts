// A fleet prior: the healthy baseline of a machine type, learned by the cloud across the fleet, so
// that a newly installed machine scores from its first running window instead of learning its own
// normal first (and learning a fault it started with as normal). Sent on subjects.prior(site).
import { z } from 'zod';
import { MachineType } from '../vocabulary.ts';

/** Median and raw MAD (×1.4826 ≈ σ) of one feature's healthy values. */
export const FeatureStats = z.object({
  median: z.number(),
  mad: z.number().nonnegative(),
});
export type FeatureStats = z.infer<typeof FeatureStats>;

/** Healthy feature statistics of one machine type, per operating regime. */
export const FleetPrior = z.object({
  v: z.literal(1),
  machineType: MachineType,
  createdAt: z.iso.datetime().describe('when the cloud computed the prior (UTC, ISO 8601)'),
  machines: z.number().int().positive().describe('distinct healthy machines it was computed from'),
  regimes: z
    .record(z.string().regex(/^(b-?\d{1,3}|fixed)$/), z.record(z.string().min(1), FeatureStats))
    .describe('by the edge\'s regime key: b<k> is the speed band centred on rated·1.1^k (b0 = rated speed), fixed = no speed channel'),
});
export type FleetPrior = z.infer<typeof FleetPrior>;
