// Supplier selection for a purchase order: among every supplier's normal and expedited delivery,
// the cheapest that arrives by the due date (ties: the earlier delivery); when none can, the
// fastest (ties: the cheaper), flagged late so the planner sees it.
const HOUR_MS = 3_600_000;

export interface SupplierOffer {
  supplierId: string;
  priceCents: number;
  leadTimeHours: number;
  expediteLeadTimeHours: number | null;
  expediteSurchargePct: number;
}

export interface SupplierChoice {
  supplierId: string;
  unitPriceCents: number;
  expedited: boolean;
  late: boolean;
  expectedDeliveryMs: number;
}

/** Each offer as up to two delivery options (normal, expedited) at the time of ordering. */
function options(offers: SupplierOffer[], orderedAtMs: number): Omit<SupplierChoice, 'late'>[] {
  return offers.flatMap((o) => {
    const normal = { supplierId: o.supplierId, unitPriceCents: o.priceCents, expedited: false, expectedDeliveryMs: orderedAtMs + o.leadTimeHours * HOUR_MS };
    if (o.expediteLeadTimeHours === null || o.expediteLeadTimeHours >= o.leadTimeHours) return [normal];
    const expedited = {
      supplierId: o.supplierId,
      unitPriceCents: Math.round((o.priceCents * (100 + o.expediteSurchargePct)) / 100),
      expedited: true,
      expectedDeliveryMs: orderedAtMs + o.expediteLeadTimeHours * HOUR_MS,
    };
    return [normal, expedited];
  });
}

/** Picks the supplier option for one part ordered at `orderedAtMs` and needed by `dueByMs`; null when there are no offers. */
export function chooseSupplier(offers: SupplierOffer[], orderedAtMs: number, dueByMs: number): SupplierChoice | null {
  const all = options(offers, orderedAtMs);
  if (all.length === 0) return null;
  const byId = (a: { supplierId: string }, b: { supplierId: string }) => a.supplierId.localeCompare(b.supplierId);
  const onTime = all.filter((o) => o.expectedDeliveryMs <= dueByMs);
  if (onTime.length > 0) {
    onTime.sort((a, b) => a.unitPriceCents - b.unitPriceCents || a.expectedDeliveryMs - b.expectedDeliveryMs || byId(a, b));
    return { ...onTime[0]!, late: false };
  }
  all.sort((a, b) => a.expectedDeliveryMs - b.expectedDeliveryMs || a.unitPriceCents - b.unitPriceCents || byId(a, b));
  return { ...all[0]!, late: true };
}
