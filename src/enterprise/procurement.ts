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
  /** Extra paid for expediting, per unit (0 when not expedited). */
  surchargeCents: number;
  /** Why this option: what was weighed, for the planner. */
  decision: string;
}

/** Each offer as up to two delivery options (normal, expedited) at the time of ordering. */
function options(offers: SupplierOffer[], orderedAtMs: number): Omit<SupplierChoice, 'late' | 'decision'>[] {
  return offers.flatMap((o) => {
    const normal = { supplierId: o.supplierId, unitPriceCents: o.priceCents, expedited: false, surchargeCents: 0, expectedDeliveryMs: orderedAtMs + o.leadTimeHours * HOUR_MS };
    if (o.expediteLeadTimeHours === null || o.expediteLeadTimeHours >= o.leadTimeHours) return [normal];
    const expedited = {
      supplierId: o.supplierId,
      unitPriceCents: Math.round((o.priceCents * (100 + o.expediteSurchargePct)) / 100),
      expedited: true,
      surchargeCents: Math.round((o.priceCents * (100 + o.expediteSurchargePct)) / 100) - o.priceCents,
      expectedDeliveryMs: orderedAtMs + o.expediteLeadTimeHours * HOUR_MS,
    };
    return [normal, expedited];
  });
}

const eur = (cents: number) => (cents / 100).toFixed(2);
const hours = (ms: number) => (ms / HOUR_MS).toFixed(1);

/**
 * Picks the supplier option for one part ordered at `orderedAtMs` and needed by `dueByMs` (the
 * predicted failure); null when there are no offers. On time: the cheapest. None on time: the
 * option with the least price + expected cost of running past the predicted failure
 * (`riskCentsPerHourLate` per hour the part arrives after dueBy), flagged late.
 */
export function chooseSupplier(offers: SupplierOffer[], orderedAtMs: number, dueByMs: number, riskCentsPerHourLate = 50_000): SupplierChoice | null {
  const all = options(offers, orderedAtMs);
  if (all.length === 0) return null;
  const byId = (a: { supplierId: string }, b: { supplierId: string }) => a.supplierId.localeCompare(b.supplierId);
  const cheapestNormal = [...all].filter((o) => !o.expedited).sort((a, b) => a.unitPriceCents - b.unitPriceCents || a.expectedDeliveryMs - b.expectedDeliveryMs)[0];
  const onTime = all.filter((o) => o.expectedDeliveryMs <= dueByMs);
  if (onTime.length > 0) {
    onTime.sort((a, b) => a.unitPriceCents - b.unitPriceCents || a.expectedDeliveryMs - b.expectedDeliveryMs || byId(a, b));
    const c = onTime[0]!;
    const decision = c.expedited
      ? `no normal delivery arrives by dueBy; expedited ${c.supplierId} for +${eur(c.surchargeCents)} EUR/unit arrives ${hours(dueByMs - c.expectedDeliveryMs)} h before it`
      : `cheapest offer that arrives by dueBy (${hours(dueByMs - c.expectedDeliveryMs)} h spare)`;
    return { ...c, late: false, decision };
  }
  const risk = (o: Omit<SupplierChoice, 'late' | 'decision'>) => o.unitPriceCents + (riskCentsPerHourLate * (o.expectedDeliveryMs - dueByMs)) / HOUR_MS;
  all.sort((a, b) => risk(a) - risk(b) || a.expectedDeliveryMs - b.expectedDeliveryMs || byId(a, b));
  const c = all[0]!;
  const vs = cheapestNormal && cheapestNormal !== c
    ? `; cheapest normal delivery (${cheapestNormal.supplierId}) would be ${hours(cheapestNormal.expectedDeliveryMs - dueByMs)} h late, risk ${eur(risk(cheapestNormal))} EUR`
    : '';
  const decision = `no option arrives by dueBy; ${c.expedited ? `expedited (+${eur(c.surchargeCents)} EUR/unit)` : 'normal'} ${c.supplierId} arrives ${hours(c.expectedDeliveryMs - dueByMs)} h late, price + risk ${eur(risk(c))} EUR at ${eur(riskCentsPerHourLate)} EUR per hour past the predicted failure${vs}`;
  return { ...c, late: true, decision };
}
