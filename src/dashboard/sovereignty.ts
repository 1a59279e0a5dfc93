// What the dashboard needs from the data-sovereignty layer (src/sovereignty implements it; the
// CLI passes it in): per-site outflow, key grants and the audit chain's state.

/** One site's outflow to the cloud and its key grant. */
export interface SovereigntySiteSummary {
  site: string;
  bytesOut: number;
  messagesOut: number;
  /** Messages that left, per data class (e.g. features, evidence, spectra). */
  classesOut: Record<string, number>;
  /** Messages withheld by the site's policy. */
  blocked: number;
  grant: 'active' | 'revoked' | 'none';
}

/** The audit chain's verification result. */
export interface AuditSummary {
  ok: boolean;
  entries: number;
  /** First entry whose hash link does not verify, null when the chain is intact. */
  firstBadSeq: number | null;
  lastCheckpointAtMs: number | null;
}

/** A source of sovereignty facts; optional in the dashboard's config. */
export interface SovereigntySource {
  summary(): Promise<{ sites: SovereigntySiteSummary[]; audit: AuditSummary }>;
}
