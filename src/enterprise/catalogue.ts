// The default master data: one spare part per machine type and BOM position, two suppliers each.
// Bearing sizes follow the simulator's machines (6205 pump, 6309 motor, 6206 fan); coupling
// inserts are jaw-coupling elastomer "spiders" (DIN 740-2 style sizes) matched to shaft size.
// Prices are list prices in euro cents; lead times are in hours.
import type { Component, MachineType } from '../core/index.ts';

export interface MaterialSeed {
  id: string;
  description: string;
  unitPriceCents: number;
  machineType: MachineType;
  /** A BOM position: a Component, or a wear part no fault names (seals). */
  component: Component | 'mechanical-seal' | 'shaft-seal';
}

export interface SupplierSeed {
  id: string;
  name: string;
}

export interface OfferSeed {
  materialId: string;
  supplierId: string;
  priceCents: number;
  leadTimeHours: number;
  /** null: the supplier does not expedite this part. */
  expediteLeadTimeHours: number | null;
  expediteSurchargePct: number;
}

export interface StockSeed {
  materialId: string;
  site: string;
  storageLocation?: string;
  quantity: number;
  reorderPoint?: number;
}

/** The MRO storage location parts are kept in unless a stock row says otherwise. */
export const DEFAULT_STORAGE_LOCATION = 'MRO-01';

export const MATERIALS: MaterialSeed[] = [
  // Centrifugal pump (end-suction, 6205 bearings)
  { id: 'MAT-BRG-6205-2RS', description: 'Deep-groove ball bearing 6205-2RS C3, 25x52x15 mm', unitPriceCents: 1_280, machineType: 'centrifugal-pump', component: 'drive-end-bearing' },
  { id: 'MAT-CPL-J28-98A', description: 'Jaw coupling elastomer insert size 28, 98 Shore A (pump)', unitPriceCents: 890, machineType: 'centrifugal-pump', component: 'coupling-insert' },
  { id: 'MAT-IMP-CP200-SS', description: 'Closed impeller 200 mm, stainless 1.4408, for end-suction pump', unitPriceCents: 38_500, machineType: 'centrifugal-pump', component: 'impeller' },
  { id: 'MAT-SEAL-MG1-25', description: 'Mechanical shaft seal, elastomer bellows, 25 mm shaft (EN 12756)', unitPriceCents: 6_900, machineType: 'centrifugal-pump', component: 'mechanical-seal' },
  // Induction motor (IEC 160-frame, 6309 bearings)
  { id: 'MAT-BRG-6309-2Z', description: 'Deep-groove ball bearing 6309-2Z C3, 45x100x25 mm', unitPriceCents: 4_650, machineType: 'induction-motor', component: 'drive-end-bearing' },
  { id: 'MAT-CPL-J42-92A', description: 'Jaw coupling elastomer insert size 42, 92 Shore A (motor)', unitPriceCents: 1_760, machineType: 'induction-motor', component: 'coupling-insert' },
  { id: 'MAT-ROT-IM160-4P', description: 'Squirrel-cage rotor assembly, IEC 160 frame, 4-pole, balanced G2.5', unitPriceCents: 64_000, machineType: 'induction-motor', component: 'rotor' },
  // Fan (6206 bearings)
  { id: 'MAT-BRG-6206-2RS', description: 'Deep-groove ball bearing 6206-2RS C3, 30x62x16 mm', unitPriceCents: 1_540, machineType: 'fan', component: 'drive-end-bearing' },
  { id: 'MAT-CPL-J24-92A', description: 'Jaw coupling elastomer insert size 24, 92 Shore A (fan)', unitPriceCents: 720, machineType: 'fan', component: 'coupling-insert' },
  // The fan's drive motor is an induction motor too (the simulator gives fans phase current and
  // broken rotor bars): its rotor is a BOM position, or a rotor-bar diagnosis could never be ordered.
  { id: 'MAT-ROT-IM112-4P', description: 'Squirrel-cage rotor assembly, IEC 112 frame, 4-pole (fan drive motor), balanced G2.5', unitPriceCents: 31_000, machineType: 'fan', component: 'rotor' },
  { id: 'MAT-IMP-FAN450-AL', description: 'Backward-curved fan wheel 450 mm, aluminium, balanced G6.3 (ISO 21940-11)', unitPriceCents: 21_500, machineType: 'fan', component: 'impeller' },
  // CNC spindle (angular-contact spindle bearings, P4 precision)
  { id: 'MAT-BRG-7012-P4', description: 'Angular-contact spindle bearing 7012 CD/P4A, matched pair, 60x95x18 mm', unitPriceCents: 48_000, machineType: 'cnc-spindle', component: 'drive-end-bearing' },
  { id: 'MAT-TOOL-EM12-4F', description: 'Solid carbide end mill 12 mm, 4 flutes, TiAlN coated', unitPriceCents: 6_400, machineType: 'cnc-spindle', component: 'cutting-tool' },
  { id: 'MAT-CPL-BEL-30', description: 'Metal bellows coupling, 30 mm bore (spindle drive)', unitPriceCents: 18_900, machineType: 'cnc-spindle', component: 'coupling-insert' },
  // Gearbox (helical, single stage)
  { id: 'MAT-BRG-NU2212', description: 'Cylindrical roller bearing NU 2212 ECP, 60x110x28 mm', unitPriceCents: 9_800, machineType: 'gearbox', component: 'drive-end-bearing' },
  { id: 'MAT-GEAR-H160-I4', description: 'Helical gear set (pinion + wheel), centre distance 160 mm, ratio 4:1, case-hardened', unitPriceCents: 142_000, machineType: 'gearbox', component: 'gear-set' },
  { id: 'MAT-CPL-J38-92A', description: 'Jaw coupling elastomer insert size 38, 92 Shore A (gearbox input)', unitPriceCents: 1_350, machineType: 'gearbox', component: 'coupling-insert' },
  { id: 'MAT-SEAL-RS-60', description: 'Radial shaft seal 60x80x8 FKM (DIN 3760 form A), gearbox output', unitPriceCents: 1_150, machineType: 'gearbox', component: 'shaft-seal' },
];

export const SUPPLIERS: SupplierSeed[] = [
  { id: 'SUP-1001', name: 'Nordlager Industrial Supply GmbH' },
  { id: 'SUP-1002', name: 'RapidParts MRO Express' },
  { id: 'SUP-1003', name: 'Flexco Power Transmission BV' },
];

/**
 * Two offers per part: a distributor that is cheap but slow, and an express service that is
 * dearer but fast; both can expedite for a surcharge. The numbers make every procurement
 * branch reachable: normal, dearer-but-on-time, expedited, and late.
 */
export const OFFERS: OfferSeed[] = MATERIALS.flatMap((m): OfferSeed[] => {
  const bearing = m.component === 'drive-end-bearing';
  const cheap = bearing ? 'SUP-1001' : 'SUP-1003';
  return [
    { materialId: m.id, supplierId: cheap, priceCents: m.unitPriceCents, leadTimeHours: bearing ? 72 : 48, expediteLeadTimeHours: 24, expediteSurchargePct: 35 },
    { materialId: m.id, supplierId: 'SUP-1002', priceCents: Math.round(m.unitPriceCents * 1.2), leadTimeHours: bearing ? 24 : 12, expediteLeadTimeHours: 8, expediteSurchargePct: 50 },
  ];
});

/**
 * Default stock: none. The plant's sites get zero-quantity stock rows when they are registered,
 * so every decision in the demo raises a purchase order; pass `stock` to seedCatalogue for
 * parts on the shelf (the reservation path).
 */
export const DEFAULT_STOCK: StockSeed[] = [];

/** Stock for a site where some parts are on the shelf (pump and fan bearings) and the rest are not: both the reservation and the purchase path occur. */
export function mixedStock(site: string): StockSeed[] {
  return MATERIALS.map((m) => ({
    materialId: m.id,
    site,
    quantity: m.id === 'MAT-BRG-6205-2RS' ? 2 : m.id === 'MAT-BRG-6206-2RS' ? 1 : 0,
    reorderPoint: 1,
  }));
}
