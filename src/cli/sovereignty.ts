// Data sovereignty for the one-process demo, on by default: the plant's key service (in process,
// on the demo's store), one tamper-evident audit log, an outbound guard per site (DEFAULT_POLICY,
// then AES-256-GCM under the site's KEK), the cloud worker's inbound guard (residency, grant,
// decrypt), a grant per site for the cloud's diagnosis, and the dashboard's sovereignty view.
// In production the key service runs at the plant with its own store (`edge-pdm keys serve`); here
// it shares the demo's database, which is the one shortcut of the demo.
import type { Logger, SqlStore } from '../core/index.ts';
import type { SovereigntySource, SovereigntySiteSummary } from '../dashboard/index.ts';
import {
  createInboundGuard, createOutboundGuard, createSigner, DEFAULT_POLICY, generateSigningKeyPem, localKeys, openAuditLog, openKeyService, verifyAudit,
  type AuditLog, type CheckpointSigner, type Destination, type InboundGuard, type KeyService, type OutboundGuard, type Policy,
} from '../sovereignty/index.ts';

/** The cloud's principal at the key service, and the purpose its grants name. */
export const CLOUD_PRINCIPAL = 'cloud';
export const DIAGNOSIS_PURPOSE = 'diagnosis';
/** The demo's grants last a year: long enough never to expire during a run, short of forever. */
const GRANT_MS = 365 * 24 * 3_600_000;
/** A signed checkpoint every 20 records: a short demo run (≈6 records an incident) still gets some. */
const DEMO_CHECKPOINT_EVERY = 20;
/** The audit chain is re-verified at most this often for the dashboard (a full walk of the log). */
const AUDIT_SUMMARY_TTL_MS = 5_000;

export interface DemoSovereigntyOptions {
  store: SqlStore;
  sites: Iterable<string>;
  /** Where the sites' data belongs and where the cloud worker runs (ISO 3166-1 alpha-2 or EU). */
  jurisdiction?: string;
  logger: Logger;
  policy?: Policy;
  /** Signs the audit checkpoints; a fresh Ed25519 key by default (its public key is stored beside each checkpoint). */
  signer?: CheckpointSigner;
  checkpointEvery?: number;
}

/** What a running edge reports about its cloud link (EdgeAgent.stats() has these fields). */
export interface LinkOutflow {
  stats(): { linkBytesOut: number; linkMessagesOut: number };
}

export interface DemoSovereignty {
  /** The site's outbound guard (policy → seal), for createEdgeAgent({ guard, destination }). */
  guardFor(site: string): OutboundGuard;
  /** Where escalations go, as the policy sees it. */
  destination: Destination;
  /** The cloud worker's guard, for createDiagnosisService({ inboundGuard }). */
  inboundGuard: InboundGuard;
  /** The dashboard's sovereignty view (per-site outflow and grant, audit chain state). */
  dashboardSource: SovereigntySource;
  /** Counts a site's link traffic (statuses included) in the dashboard's bytes and messages. */
  attachEdge(site: string, edge: LinkOutflow): void;
  /** The site revokes the cloud's grant: from now on nothing of that site decrypts (crypto-shredding). */
  revoke(site: string): Promise<number>;
  audit: AuditLog;
  keys: KeyService;
  close(): Promise<void>;
}

interface SiteOutflow {
  sealedBytes: number;
  sealed: number;
  blocked: number;
  classes: Record<string, number>;
}

/** Builds the demo's sovereignty layer on `store`: key service, audit log, grants, guards, dashboard source. */
export async function createDemoSovereignty(opts: DemoSovereigntyOptions): Promise<DemoSovereignty> {
  const { store, logger } = opts;
  const jurisdiction = opts.jurisdiction ?? 'DE';
  const policy = opts.policy ?? DEFAULT_POLICY;
  const sites = [...new Set(opts.sites)];
  const audit = await openAuditLog(store, { signer: opts.signer ?? createSigner(generateSigningKeyPem()), checkpointEvery: opts.checkpointEvery ?? DEMO_CHECKPOINT_EVERY });
  const keys = await openKeyService({ store, audit });
  const destination: Destination = { name: 'cloud-diagnosis', jurisdiction };
  const admin = (site: string) => ({ principal: `${site}-admin` });
  for (const site of sites) {
    await keys.createGrant({ grantee: CLOUD_PRINCIPAL, site, purpose: DIAGNOSIS_PURPOSE, expiresAtMs: Date.now() + GRANT_MS }, admin(site));
  }

  const outflow = new Map<string, SiteOutflow>();
  const edges = new Map<string, LinkOutflow>();
  const guards = new Map<string, OutboundGuard>();
  const flowOf = (site: string): SiteOutflow => {
    let f = outflow.get(site);
    if (!f) outflow.set(site, (f = { sealedBytes: 0, sealed: 0, blocked: 0, classes: {} }));
    return f;
  };

  const guardFor = (site: string): OutboundGuard => {
    const known = guards.get(site);
    if (known) return known;
    const inner = createOutboundGuard({ policy, keys: localKeys(keys, { edge: `edge-${site}` }), site, jurisdiction, audit });
    // The same guard, counting per site what left (by data class) and what the policy held back.
    const guard: OutboundGuard = {
      counters: inner.counters,
      async prepare(message, dest, object, bind) {
        const r = await inner.prepare(message, dest, object, bind);
        const f = flowOf(site);
        if (!r.ok) {
          if (r.code === 'policy-blocked') f.blocked++;
          return r;
        }
        f.sealed++;
        f.sealedBytes += Buffer.byteLength(JSON.stringify(r.value.envelope));
        const leaving = new Set(r.value.verdict.decisions.filter((d) => d.decision === 'leaves').map((d) => d.class));
        for (const c of leaving) f.classes[c] = (f.classes[c] ?? 0) + 1;
        return r;
      },
    };
    guards.set(site, guard);
    return guard;
  };

  const inboundGuard = createInboundGuard({ keys: localKeys(keys, { cloud: CLOUD_PRINCIPAL }), workerJurisdiction: jurisdiction, purpose: DIAGNOSIS_PURPOSE, audit });

  const grantState = async (site: string): Promise<SovereigntySiteSummary['grant']> => {
    const now = Date.now();
    const mine = (await keys.listGrants(site)).filter((g) => g.grantee === CLOUD_PRINCIPAL);
    if (mine.some((g) => g.revokedAtMs === null && g.expiresAtMs > now)) return 'active';
    return mine.some((g) => g.revokedAtMs !== null) ? 'revoked' : 'none';
  };

  let auditCache: { atMs: number; value: Awaited<ReturnType<SovereigntySource['summary']>>['audit'] } | undefined;
  const auditSummary = async () => {
    if (auditCache && Date.now() - auditCache.atMs < AUDIT_SUMMARY_TTL_MS) return auditCache.value;
    const v = await verifyAudit(store);
    const { rows } = await store.query<{ t: string | number | null }>('SELECT max(time_ms) AS t FROM audit_checkpoints');
    const t = rows[0]?.t;
    const value = { ok: v.intact, entries: v.records, firstBadSeq: v.problem?.seq ?? null, lastCheckpointAtMs: t === null || t === undefined ? null : Number(t) };
    auditCache = { atMs: Date.now(), value };
    return value;
  };

  const dashboardSource: SovereigntySource = {
    async summary() {
      const names = [...new Set([...sites, ...outflow.keys(), ...edges.keys()])].sort();
      const rows = await Promise.all(
        names.map(async (site): Promise<SovereigntySiteSummary> => {
          const f = flowOf(site);
          const link = edges.get(site)?.stats();
          return {
            site,
            // The link's own count when the edge is attached (statuses and resends too), else what was sealed.
            bytesOut: link?.linkBytesOut ?? f.sealedBytes,
            messagesOut: link?.linkMessagesOut ?? f.sealed,
            classesOut: { ...f.classes },
            blocked: f.blocked,
            grant: await grantState(site),
          };
        }),
      );
      return { sites: rows, audit: await auditSummary() };
    },
  };

  return {
    guardFor,
    destination,
    inboundGuard,
    dashboardSource,
    attachEdge: (site, edge) => void edges.set(site, edge),
    async revoke(site) {
      let n = 0;
      for (const g of await keys.listGrants(site)) {
        if (g.grantee !== CLOUD_PRINCIPAL || g.revokedAtMs !== null) continue;
        const r = await keys.revokeGrant(g.id, admin(site));
        if (r.ok) n++;
      }
      auditCache = undefined;
      logger.warn({ site, grants: n }, `site ${site} revoked the cloud's grant: its evidence can no longer be decrypted`);
      return n;
    },
    audit,
    keys,
    // The store is the caller's; nothing else here holds a resource.
    close: async () => undefined,
  };
}
