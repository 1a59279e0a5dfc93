// The enterprise's request and row types: zod where a request enters (REST bodies, query
// strings), plain interfaces for rows it returns.
import { z } from 'zod';
import { MachineType } from '../core/index.ts';

export const PlantMachine = z.object({
  machine: z.string().min(1).max(64),
  site: z.string().min(1).max(64),
  line: z.string().min(1).max(64),
  machineType: MachineType,
});
export type PlantMachine = z.infer<typeof PlantMachine>;

/** Body of POST /api/v1/plant. */
export const RegisterPlantRequest = z.object({
  machines: z.array(PlantMachine).min(1).max(10_000),
  startMs: z.number().int().describe('event time the production schedule starts, epoch ms'),
  horizonMs: z.number().int().positive().max(366 * 24 * 3_600_000).describe('how far ahead production is scheduled, ms'),
});
export type RegisterPlantRequest = z.infer<typeof RegisterPlantRequest>;

/** Most rows one list call returns. */
export const MAX_PAGE = 500;

/** Query string of every list route: a page and optional filters. */
export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  incidentId: z.string().min(1).optional(),
  machine: z.string().min(1).optional(),
  site: z.string().min(1).optional(),
});
export type ListQuery = z.input<typeof ListQuery>;

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface NotificationRow {
  id: string;
  incidentId: string;
  site: string;
  line: string;
  machine: string;
  machineType: string;
  faultType: string;
  component: string | null;
  priority: string;
  text: string;
  detectedAtMs: number;
  dueByMs: number;
  createdAtMs: number;
}

/** Body of POST /api/v1/purchase-requisitions (a planner's manual requisition). */
export const RequisitionRequest = z.object({
  materialId: z.string().min(1).max(64),
  site: z.string().min(1).max(64),
  quantity: z.number().int().positive().max(10_000),
  needByMs: z.number().int().describe('event time the part is needed by, epoch ms'),
});
export type RequisitionRequest = z.infer<typeof RequisitionRequest>;

export interface PurchaseOrderRow {
  id: string;
  incidentId: string | null;
  materialId: string;
  materialDescription: string;
  supplierId: string;
  supplierName: string;
  site: string;
  quantity: number;
  unitPriceCents: number;
  totalCents: number;
  expedited: boolean;
  late: boolean;
  status: string;
  orderedAtMs: number;
  expectedDeliveryMs: number;
  createdAtMs: number;
  requisitionId: string | null;
  surchargeCents: number;
  decision: string;
  confirmedAtMs: number | null;
  shippedAtMs: number | null;
  receivedAtMs: number | null;
}

export interface ReservationRow {
  id: string;
  incidentId: string;
  materialId: string;
  site: string;
  storageLocation: string | null;
  quantity: number;
  createdAtMs: number;
  status: 'awaiting-delivery' | 'open' | 'issued';
  purchaseOrderId: string | null;
  issuedAtMs: number | null;
}

export interface WorkOrderRow {
  id: string;
  incidentId: string;
  notificationId: string;
  machine: string;
  component: string | null;
  materialId: string | null;
  plannedStartMs: number;
  plannedEndMs: number;
  status: string;
  plannedCostCents: number;
  createdAtMs: number;
  kind: 'predictive' | 'breakdown';
  faultType: string;
  plannedLabourCents: number;
  plannedPartsCents: number;
  plannedSurchargeCents: number;
  partReadyMs: number | null;
  breakdownAtMs: number | null;
  actualStartMs: number | null;
  actualEndMs: number | null;
  actualCostCents: number | null;
  downtimeMs: number | null;
  ordersMoved: number;
  lateOrders: number;
  latenessMs: number;
  lostCapacityMs: number;
  windowReason: string;
}

export interface ProductionOrderRow {
  id: string;
  product: string;
  quantity: number;
  workCentre: string;
  startMs: number;
  endMs: number;
  dueMs: number;
  status: string;
}

export interface ProductionMoveRow {
  id: number;
  productionOrderId: string;
  incidentId: string;
  fromWorkCentre: string;
  toWorkCentre: string;
  oldStartMs: number;
  oldEndMs: number;
  newStartMs: number;
  newEndMs: number;
  movedAtMs: number;
}

export interface MaterialRow {
  id: string;
  description: string;
  unit: string;
  unitPriceCents: number;
}

export interface StockRow {
  materialId: string;
  materialDescription: string;
  site: string;
  storageLocation: string;
  quantity: number;
  reservedQuantity: number;
  availableQuantity: number;
  reorderPoint: number;
}

export interface BomRow {
  machineType: string;
  component: string;
  materialId: string;
  materialDescription: string;
  quantity: number;
}

/** Tunables of the planner; durations in ms, money in cents. */
export const EnterpriseConfig = z.object({
  repairDurationMs: z.number().int().positive().default(4 * 3_600_000).describe('planned work-order length when a part is replaced'),
  inspectionDurationMs: z.number().int().positive().default(2 * 3_600_000).describe('planned work-order length for inspect-only requests'),
  pickFromStockMs: z.number().int().min(0).default(30 * 60_000).describe('time to pick a reserved part from stores'),
  labourRateCentsPerHour: z.number().int().min(0).default(9_500).describe('technician rate for the planned cost'),
  productionOrderMs: z.number().int().positive().default(8 * 3_600_000).describe('length of one production order (one shift)'),
  dueSlackMs: z.number().int().min(0).default(16 * 3_600_000).describe('due date of a production order after its planned end'),
  firstShiftHourUtc: z.number().int().min(0).max(23).default(6).describe('hour (UTC) the first production shift of a day starts'),
  riskCentsPerHourLate: z.number().int().min(0).default(50_000).describe('expected cost of each hour a machine runs past its predicted failure (lost production and secondary damage), weighed against an expedite surcharge'),
  shiftsPerDay: z.number().int().min(1).max(3).default(2).describe('production shifts of productionOrderMs per day (2: the night is free)'),
  wearPartsOnShelf: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('units of each wear part (bearings, coupling inserts, cutting tools, seals) a newly registered site starts with in its MRO store; capital spares (rotors, impellers, gear sets) always start at 0 and are bought'),
});
export type EnterpriseConfig = z.infer<typeof EnterpriseConfig>;
