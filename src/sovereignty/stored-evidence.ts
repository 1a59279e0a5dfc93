// Evidence at rest in the cloud, still under the plant's key (crypto-shredding): the cloud stores a
// site's sealed envelope as it arrived, and what it derives from it (e.g. a diagnosis's details) is
// sealed beside it under the same data key, so one revocation at the plant makes all of it
// unreadable. Reads unwrap under the grant like a fresh envelope; the unwrapped data key is kept in
// memory only, for at most `ttlMs`, so a dashboard reload does not ask the key service per row.
// That cache is the one window after a revocation: without a notice (forgetSite) a cached key
// still opens its envelopes for at most ttlMs. Keys are copied out and zeroed on expiry.
import { randomUUID } from 'node:crypto';
import { Counters } from '../core/index.ts';
import type { AuditSink } from './audit/record.ts';
import { gcmDecrypt, gcmEncrypt } from './envelope/aes-gcm.ts';
import { envelopeAad, parseEnvelope, type KeyUnwrapper } from './envelope/envelope.ts';
import { SealedEnvelope, type EnvelopeHeader } from './envelope/schema.ts';
import { assertResidency } from './jurisdiction.ts';
import { accept, refuse, type Outcome } from './outcome.ts';

/** How long an unwrapped data key of stored evidence stays in memory (ms): short, see the header. */
export const DEFAULT_STORED_KEY_TTL_MS = 60_000;
/** At most this many data keys in memory (≈32 B each; the oldest goes first). */
const MAX_CACHED_KEYS = 2_000;

export interface StoredEvidenceOptions {
  /** Ask the key service even when the data key is cached: proves the grant still stands. */
  fresh?: boolean;
  /** The value the envelope was sealed with beside it (its AAD's `bound`, see envelopeAad). */
  bind?: string;
}

/** Opens and seals evidence the cloud keeps at rest, under the plant's grant. */
export interface StoredEvidence {
  /** Residency → data key (cache, else unwrap under the grant) → decrypt + authenticate. Refusals as from InboundGuard.open. */
  open(raw: unknown, object: string, opts?: StoredEvidenceOptions): Promise<Outcome<{ envelope: SealedEnvelope; payload: Buffer }>>;
  /**
   * Seals `payload` under the data key of `beside` (a stored envelope): same site, jurisdiction and
   * wrapped key, a fresh id and IV; it can be read exactly as long as `beside` can.
   */
  sealBeside(beside: unknown, payload: Uint8Array | string, object: string, opts?: { bind?: string }): Promise<Outcome<SealedEnvelope>>;
  /** Drops every cached data key of `site` (on a revocation notice); returns how many. */
  forgetSite(site: string): number;
  /** Data keys held in memory now (expired ones are dropped first). */
  cachedKeys(): number;
}

interface CachedKey {
  key: Buffer;
  site: string;
  expiresAtMs: number;
}

/** Stored-evidence access for one cloud worker (its jurisdiction and purpose), over `keys`. */
export function createStoredEvidence(cfg: {
  keys: KeyUnwrapper;
  workerJurisdiction: string;
  purpose: string;
  ttlMs?: number;
  audit?: AuditSink;
  actor?: string;
  counters?: Counters;
  now?: () => number;
}): StoredEvidence {
  const counters = cfg.counters ?? new Counters();
  const ttlMs = cfg.ttlMs ?? DEFAULT_STORED_KEY_TTL_MS;
  const now = cfg.now ?? Date.now;
  const actor = cfg.actor ?? `cloud:${cfg.workerJurisdiction}`;
  const cache = new Map<string, CachedKey>();

  const drop = (k: string, e: CachedKey) => {
    e.key.fill(0);
    cache.delete(k);
  };
  const sweep = () => {
    const t = now();
    for (const [k, e] of cache) if (e.expiresAtMs <= t) drop(k, e);
  };
  const cacheKey = (env: SealedEnvelope) => `${env.site}|${env.jurisdiction}|${env.wrap.keyId}|${env.wrap.kekVersion}|${env.wrap.wrappedKey}`;

  /** The envelope's data key (a copy the caller zeroes), from the cache or the key service. */
  async function dataKeyOf(env: SealedEnvelope, object: string, fresh: boolean): Promise<Outcome<Buffer>> {
    sweep();
    const k = cacheKey(env);
    const hit = cache.get(k);
    if (hit && !fresh) {
      counters.inc('stored.key.cached');
      return accept(Buffer.from(hit.key));
    }
    const r = await cfg.keys.unwrap({ site: env.site, jurisdiction: env.jurisdiction, purpose: cfg.purpose, ...env.wrap });
    if (!r.ok) {
      // The plant said no: whatever we held of the site goes now, not at the end of its TTL.
      if (r.code !== 'unavailable') forgetSite(env.site);
      counters.inc(`stored.refused.${r.code}`);
      await cfg.audit?.append({ actor, action: 'evidence.read', object, outcome: 'refused', detail: { code: r.code, reason: r.reason, site: env.site } });
      return r;
    }
    counters.inc('stored.key.unwrapped');
    await cfg.audit?.append({ actor, action: 'evidence.read', object, outcome: 'ok', detail: { site: env.site, purpose: cfg.purpose } });
    const key = Buffer.from(r.value);
    if (r.value instanceof Uint8Array) r.value.fill(0);
    if (hit) drop(k, hit);
    if (ttlMs > 0) {
      cache.set(k, { key: Buffer.from(key), site: env.site, expiresAtMs: now() + ttlMs });
      if (cache.size > MAX_CACHED_KEYS) {
        const [oldK, oldE] = cache.entries().next().value!;
        drop(oldK, oldE);
      }
    }
    return accept(key);
  }

  /** Parses and checks residency: a worker must not hold data of another jurisdiction, nor ask for its key. */
  function admit(raw: unknown): Outcome<SealedEnvelope> {
    const parsed = parseEnvelope(raw);
    return parsed.ok ? assertResidency(cfg.workerJurisdiction, parsed.value) : parsed;
  }

  function forgetSite(site: string): number {
    let n = 0;
    for (const [k, e] of cache) {
      if (e.site === site) {
        drop(k, e);
        n++;
      }
    }
    return n;
  }

  return {
    async open(raw, object, opts = {}) {
      const env = admit(raw);
      if (!env.ok) {
        counters.inc(`stored.refused.${env.code}`);
        return env;
      }
      const key = await dataKeyOf(env.value, object, opts.fresh === true);
      if (!key.ok) return key;
      try {
        const e = env.value;
        const plain = gcmDecrypt(key.value, Buffer.from(e.iv, 'base64'), Buffer.from(e.ciphertext, 'base64'), Buffer.from(e.tag, 'base64'), envelopeAad(e, opts.bind));
        if (!plain) {
          counters.inc('stored.refused.tampered');
          return refuse('tampered', `stored envelope ${e.id} of site ${e.site}: the payload failed authentication (altered at rest, or not sealed for "${opts.bind ?? ''}"); refused`);
        }
        counters.inc('stored.opened');
        return accept({ envelope: e, payload: plain });
      } finally {
        key.value.fill(0);
      }
    },

    async sealBeside(beside, payload, object, opts = {}) {
      const env = admit(beside);
      if (!env.ok) return env;
      const key = await dataKeyOf(env.value, object, false);
      if (!key.ok) return key;
      try {
        const b = env.value;
        // Same data key, fresh random IV: within SP 800-38D sec. 8.3's 2^32 messages per key by far
        // (one escalation and a few derived records per data key).
        const header: EnvelopeHeader = { v: 1, id: randomUUID(), site: b.site, jurisdiction: b.jurisdiction, keyId: b.keyId, keyVersion: b.keyVersion, contentType: 'application/json' };
        const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
        const { iv, ciphertext, tag } = gcmEncrypt(key.value, bytes, envelopeAad(header, opts.bind));
        const out = SealedEnvelope.safeParse({ ...header, kind: 'edge-pdm.sealed', alg: 'A256GCM', iv: iv.toString('base64'), tag: tag.toString('base64'), ciphertext: ciphertext.toString('base64'), wrap: b.wrap });
        if (!out.success) return refuse('bad-request', `sealed record invalid: ${out.error.issues[0]?.message}`);
        counters.inc('stored.sealed');
        return accept(out.data);
      } finally {
        key.value.fill(0);
      }
    },

    forgetSite,
    cachedKeys() {
      sweep();
      return cache.size;
    },
  };
}
