// Evidence at rest stays under the plant's key (issue 7, crypto-shredding). With a guard the cloud
// stores an escalation's envelope as it arrived and reads its evidence back through the guard's
// stored-evidence access (unwrap under the grant, data key cached in memory briefly); what it
// derives per incident (the diagnosis's details: fleet deviations carry the feature values) is
// sealed beside it under the same data key. Once a site revokes the grant, every read of its stored
// evidence is a refusal value with the sentence people see ("site S revoked the cloud's grant at
// T: stored evidence cannot be decrypted"), counted, and the site's incidents in memory lose their
// evidence (the dashboard shows the refusal); diagnoses and decisions, the cloud's own conclusions,
// stay. The keeper learns of a revocation from any refused open (escalations, statuses, stored
// reads) and, for a site that sends nothing, from a periodic fresh read of one stored envelope.
import { Escalation, decodeJson, type Counters, type Incident, type Logger, type SqlExecutor } from '../core/index.ts';
import { sealedBinding, type InboundGuard, type RefusalCode } from '../sovereignty/index.ts';
import { NO_EVIDENCE, findEscalation, recentIncidents, type EscalationReader } from './repository.ts';

/** Refusal codes that mean "the plant does not let us read this site's evidence". */
export const GRANT_REFUSALS: ReadonlySet<string> = new Set<RefusalCode>(['grant-revoked', 'grant-expired', 'no-grant']);

/** Why an incident's stored evidence cannot be read (Incident.evidenceRefusal). */
export type EvidenceRefusal = NonNullable<Incident['evidenceRefusal']>;

/** What sealDetails binds a diagnosis's details to, so they cannot pass for another incident's. */
export const detailsBinding = (id: string): string => `details:${id}`;

/** The sentence for stored evidence, from the key service's refusal (same site and time when it names them). */
export function storedRefusal(site: string, code: string, reason: string): EvidenceRefusal {
  const m = /^site (\S+) revoked the cloud's grant at (\S+?):/.exec(reason);
  const sentence = m ? `site ${m[1]} revoked the cloud's grant at ${m[2]}: stored evidence cannot be decrypted` : `stored evidence of site ${site} cannot be decrypted: ${reason}`;
  return { code, site, reason: sentence };
}

/** What the keeper needs from the diagnosis service's in-memory view. */
export interface KeeperView {
  incidents(): Incident[];
  /** Replaces an incident in memory and tells the dashboard. */
  replace(inc: Incident): void;
}

export interface EvidenceKeeper {
  /** Reads stored escalations through the guard (for recentIncidents and single reads). */
  read: EscalationReader;
  /** The incident's stored escalation, opened; a refusal value when it cannot be, null when there is none. */
  escalation(id: string): Promise<{ ok: true; escalation: Escalation } | { ok: false; refusal: EvidenceRefusal } | null>;
  /** Seals a diagnosis's details beside the escalation's envelope; null when it cannot (then none are kept). */
  sealDetails(id: string, envelope: unknown, details: unknown): Promise<unknown>;
  /** A refusal of a site's grant was seen: the site's evidence leaves memory and its incidents show why. */
  refused(site: string, code: string, reason: string): void;
  /** Something of the site opened again (a new grant): its incidents get their evidence back. */
  readable(site: string): void;
  /** Sites whose stored evidence is refused now, with the sentence. */
  revoked(): Record<string, string>;
  /** Reads one stored envelope per site with evidence in memory, asking the key service (not the cache). */
  check(): Promise<Record<string, 'readable' | string>>;
}

/** The keeper of one diagnosis service. */
export function createEvidenceKeeper(cfg: { store: SqlExecutor; guard: InboundGuard; view: KeeperView; counters: Counters; log: Logger; incidentLimit: number }): EvidenceKeeper {
  const { store, guard, view, counters, log } = cfg;
  const revokedSites = new Map<string, EvidenceRefusal>();

  const refusedRead = (site: string, code: string, reason: string): EvidenceRefusal => {
    const r = storedRefusal(site, code, reason);
    counters.inc('cloud.evidence.refused');
    if (GRANT_REFUSALS.has(code)) refused(site, code, reason);
    return r;
  };

  const read: EscalationReader = async (s) => {
    if (s.sealed == null) {
      const esc = Escalation.safeParse(s.payload);
      return esc.success ? { ok: true, escalation: esc.data } : { ok: false, refusal: { code: 'invalid', site: s.site, reason: 'stored escalation no longer parses' }, header: s.payload };
    }
    const opened = await guard.stored.open(s.sealed, `escalation:${s.id}`, { bind: sealedBinding.escalation(s.id) });
    if (!opened.ok) {
      if (opened.code === 'unavailable') counters.inc('cloud.evidence.unavailable');
      return { ok: false, refusal: refusedRead(s.site, opened.code, opened.reason), header: s.payload };
    }
    const esc = decodeJson(Escalation, opened.value.payload);
    if (!esc.ok || esc.value.id !== s.id) return { ok: false, refusal: { code: 'invalid', site: s.site, reason: 'stored sealed escalation does not match its row' }, header: s.payload };
    counters.inc('cloud.evidence.read');
    return { ok: true, escalation: esc.value };
  };

  function strip(inc: Incident, refusal: EvidenceRefusal): Incident {
    return { ...inc, escalation: { ...inc.escalation, evidence: NO_EVIDENCE }, evidenceRefusal: refusal };
  }

  function refused(site: string, code: string, reason: string): void {
    if (!GRANT_REFUSALS.has(code)) return;
    guard.stored.forgetSite(site);
    const refusal = storedRefusal(site, code, reason);
    const first = !revokedSites.has(site);
    revokedSites.set(site, refusal);
    // Plaintext evidence in memory goes with the key: the dashboard shows the refusal instead.
    let n = 0;
    for (const inc of view.incidents()) {
      if (inc.escalation.site !== site || inc.evidenceRefusal?.code === code) continue;
      view.replace(strip(inc, refusal));
      n++;
    }
    if (first) {
      counters.inc('cloud.evidence.revoked_sites');
      log.warn({ site, code, incidents: n }, refusal.reason);
    }
  }

  function readable(site: string): void {
    if (!revokedSites.delete(site)) return;
    counters.inc('cloud.evidence.revoked_sites', -1);
    log.info({ site }, `site ${site} grants the cloud access again: its stored evidence is read again`);
    // Reload the site's incidents from the store (their evidence opens again under the new grant).
    void recentIncidents(store, cfg.incidentLimit, read)
      .then((all) => {
        const shown = new Set(view.incidents().filter((i) => i.escalation.site === site && i.evidenceRefusal).map((i) => i.escalation.id));
        for (const inc of all) if (shown.has(inc.escalation.id) && !inc.evidenceRefusal) view.replace(inc);
      })
      .catch((err: unknown) => log.warn({ err, site }, 'reloading a site\'s incidents failed'));
  }

  return {
    read,
    async escalation(id) {
      const s = await findEscalation(store, id);
      if (!s) return null;
      const r = await read(s);
      return r.ok ? r : { ok: false, refusal: r.refusal };
    },
    async sealDetails(id, envelope, details) {
      if (details == null) return null;
      const r = await guard.stored.sealBeside(envelope, JSON.stringify(details), `details:${id}`, { bind: detailsBinding(id) });
      if (r.ok) return r.value;
      // Never in clear: without a seal the details are not kept (the diagnosis itself still is).
      counters.inc('cloud.evidence.details_unsealed');
      log.warn({ incidentId: id, code: r.code, reason: r.reason }, 'diagnosis details could not be sealed; not stored');
      if (GRANT_REFUSALS.has(r.code)) refused(envelope && typeof envelope === 'object' ? String((envelope as { site?: unknown }).site) : '?', r.code, r.reason);
      return null;
    },
    refused,
    readable,
    revoked: () => Object.fromEntries([...revokedSites].map(([s, r]) => [s, r.reason])),
    async check() {
      const out: Record<string, string> = {};
      const newest = new Map<string, string>();
      for (const inc of view.incidents()) if (!inc.evidenceRefusal && !newest.has(inc.escalation.site)) newest.set(inc.escalation.site, inc.escalation.id);
      for (const [site, id] of newest) {
        const s = await findEscalation(store, id);
        if (!s || s.sealed == null) continue;
        const r = await guard.stored.open(s.sealed, `escalation:${id}`, { bind: sealedBinding.escalation(id), fresh: true });
        if (r.ok) out[site] = 'readable';
        else {
          if (GRANT_REFUSALS.has(r.code)) refused(site, r.code, r.reason);
          out[site] = storedRefusal(site, r.code, r.reason).reason;
        }
      }
      for (const [site, r] of revokedSites) out[site] ??= r.reason;
      return out;
    },
  };
}
