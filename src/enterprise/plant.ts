// Plant registration: work centres (the machines, ISA-95 equipment) and their production
// schedule: one order per shift for the first `shiftsPerDay` of the day's three 8-hour shifts
// (from `firstShiftHourUtc`, default 06:00, 14:00, 22:00 UTC), so a two-shift plant has a night gap that absorbs a maintenance
// delay instead of rippling it through every later order. Idempotent and extendable: a machine's
// schedule continues from the end of its last order, so registering twice adds nothing and a
// longer horizon only appends.
import type { SqlStore } from '../core/index.ts';
import { DEFAULT_STORAGE_LOCATION } from './catalogue.ts';
import type { EnterpriseConfig, PlantMachine } from './types.ts';

/** What each machine type's line produces, for readable production orders. */
const PRODUCT: Record<PlantMachine['machineType'], string> = {
  'centrifugal-pump': 'Process water transfer batch',
  'induction-motor': 'Conveyor line run',
  fan: 'Exhaust ventilation run',
  'cnc-spindle': 'Machined housing lot',
  gearbox: 'Mixer drive batch',
};

/** Components kept in an MRO store as wear parts (as opposed to capital spares bought on demand). */
const WEAR_PARTS = ['drive-end-bearing', 'coupling-insert', 'cutting-tool', 'mechanical-seal', 'shaft-seal'] as const;

/** Upserts work centres, stock rows for their BOM parts, and production orders over [startMs, startMs + horizonMs). */
export async function registerPlant(
  store: SqlStore,
  machines: PlantMachine[],
  opts: { startMs: number; horizonMs: number },
  cfg: Pick<EnterpriseConfig, 'productionOrderMs' | 'dueSlackMs' | 'shiftsPerDay' | 'firstShiftHourUtc'> & Partial<Pick<EnterpriseConfig, 'wearPartsOnShelf'>>,
): Promise<void> {
  const endMs = opts.startMs + opts.horizonMs;
  // One transaction per machine keeps locks short; each step is idempotent, so a crash between
  // machines is repaired by registering again.
  for (const m of machines) {
    await store.transaction(async (tx) => {
      // The upsert locks the work-centre row, so concurrent registrations of one machine take turns.
      await tx.query(
        `INSERT INTO work_centres (id, site, line, machine_type) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET site = EXCLUDED.site, line = EXCLUDED.line, machine_type = EXCLUDED.machine_type`,
        [m.machine, m.site, m.line, m.machineType],
      );
      await tx.query(
        // Wear parts may start on the shelf (MRO practice keeps bearings, inserts, tools and seals);
        // capital spares are bought when needed.
        `INSERT INTO stock (material_id, site, storage_location, quantity, reorder_point)
         SELECT material_id, $2, $3, CASE WHEN component IN (${WEAR_PARTS.map((c) => `'${c}'`).join(', ')}) THEN $4::int ELSE 0 END, 1
         FROM bom WHERE machine_type = $1 ON CONFLICT DO NOTHING`,
        [m.machineType, m.site, DEFAULT_STORAGE_LOCATION, cfg.wearPartsOnShelf ?? 0],
      );
      const last = await tx.query<{ end: number | null }>('SELECT max(end_ms) AS "end" FROM production_orders WHERE work_centre = $1', [m.machine]);
      const fromMs = Math.max(opts.startMs, last.rows[0]?.end ?? opts.startMs);
      const starts = shiftStarts(fromMs, endMs, cfg.productionOrderMs, cfg.shiftsPerDay, cfg.firstShiftHourUtc);
      if (starts.length === 0) return;
      await tx.query(
        `INSERT INTO production_orders (product, quantity, work_centre, start_ms, end_ms, due_ms, status)
         SELECT $1, 1000, $2, s, s + $3::bigint, s + $3::bigint + $4::bigint, 'released'
         FROM unnest($5::bigint[]) AS s ORDER BY s`,
        [PRODUCT[m.machineType], m.machine, cfg.productionOrderMs, cfg.dueSlackMs, starts],
      );
    });
  }
}

const DAY_MS = 24 * 3_600_000;

/** Start times of the production shifts that fit wholly in [fromMs, endMs); the day's first shift starts at `firstShiftHourUtc`. */
export function shiftStarts(fromMs: number, endMs: number, shiftMs: number, shiftsPerDay: number, firstShiftHourUtc: number): number[] {
  const DAY_START_OFFSET_MS = firstShiftHourUtc * 3_600_000;
  const out: number[] = [];
  const perDay = Math.max(1, Math.floor(DAY_MS / shiftMs));
  let day = Math.floor((fromMs - DAY_START_OFFSET_MS) / DAY_MS) * DAY_MS + DAY_START_OFFSET_MS;
  for (; day < endMs; day += DAY_MS) {
    for (let k = 0; k < Math.min(shiftsPerDay, perDay); k++) {
      const s = day + k * shiftMs;
      if (s >= fromMs && s + shiftMs <= endMs) out.push(s);
    }
  }
  return out;
}
