// The plant's key service, without HTTP: wrap data keys under a site's KEK, unwrap them for a
// cloud principal only under an active grant, grant and revoke, rotate the KEK and re-wrap. Every
// operation is audited. Refusals are values with a code (outcome.ts); the revoked-grant refusal
// says in words what happened, so the cloud can show it instead of a bare decryption failure.
import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigError, type SqlStore } from '../../core/index.ts';
import { migrate } from '../../store/index.ts';
import type { AuditSink } from '../audit/record.ts';
import { canonicalJson } from '../canonical-json.ts';
import { unwrapKey, wrapKey, KEY_BYTES } from '../envelope/aes-gcm.ts';
import type { WrappedKey } from '../envelope/schema.ts';
import { accept, refuse, type Outcome } from '../outcome.ts';
import { KEYS_MIGRATIONS_TABLE, keysMigrations } from './migrations.ts';

/** A grant: `grantee` may unwrap keys of `site` for `purpose` until `expiresAtMs`, unless revoked. */
export interface Grant {
  id: string;
  grantee: string;
  site: string;
  purpose: string;
  createdAtMs: number;
  expiresAtMs: number;
  revokedAtMs: number | null;
}

/** Who is calling (from the token), for audit records. */
export interface Caller {
  principal: string;
}

export interface UnwrapRequest extends WrappedKey {
  site: string;
  jurisdiction: string;
  purpose: string;
}

export interface KeyService {
  wrap(req: { site: string; jurisdiction: string; dataKey: Uint8Array }, caller: Caller): Promise<Outcome<WrappedKey>>;
  unwrap(req: UnwrapRequest, caller: Caller): Promise<Outcome<Buffer>>;
  /** Re-wraps a wrapped key under the site's current KEK (after rotate); the data key never leaves. */
  rewrap(req: Omit<UnwrapRequest, 'purpose'>, caller: Caller, opts?: { requireGrant?: boolean }): Promise<Outcome<WrappedKey>>;
  createGrant(req: { grantee: string; site: string; purpose: string; expiresAtMs: number }, caller: Caller): Promise<Grant>;
  revokeGrant(id: string, caller: Caller): Promise<Outcome<Grant>>;
  listGrants(site?: string): Promise<Grant[]>;
  /** Creates the site's next KEK version; older versions stay for unwrap and rewrap. */
  rotate(site: string, caller: Caller): Promise<{ keyId: string; kekVersion: number }>;
  /** The site's current KEK version (0 when it has none yet). */
  currentVersion(site: string): Promise<number>;
}

/** Marks a KEK stored wrapped under the master key (else it is plain base64). */
const WRAPPED_PREFIX = 'mk1:';

/** The KEK id of a site. */
export const kekIdOf = (site: string) => `kek:${site}`;

/** The AAD a wrapped data key is bound to. */
function wrapAad(site: string, jurisdiction: string, keyId: string, kekVersion: number): Buffer {
  return Buffer.from(canonicalJson({ site, jurisdiction, keyId, kekVersion }), 'utf8');
}

interface GrantRow {
  id: string;
  grantee: string;
  site: string;
  purpose: string;
  created_ms: string | number;
  expires_ms: string | number;
  revoked_ms: string | number | null;
}
const toGrant = (r: GrantRow): Grant => ({
  id: r.id, grantee: r.grantee, site: r.site, purpose: r.purpose,
  createdAtMs: Number(r.created_ms), expiresAtMs: Number(r.expires_ms), revokedAtMs: r.revoked_ms === null ? null : Number(r.revoked_ms),
});

const iso = (ms: number) => new Date(ms).toISOString();

/** Migrates the key service's tables in `store` and returns the service. The store stays the caller's. */
export async function openKeyService(cfg: {
  store: SqlStore;
  audit?: AuditSink;
  now?: () => number;
  /** 32-byte master key: KEKs are stored wrapped under it, so a copy of the database alone reveals none. */
  masterKey?: Uint8Array;
}): Promise<KeyService> {
  const { store, masterKey } = cfg;
  if (masterKey && masterKey.length !== KEY_BYTES) throw new ConfigError(`key service master key: must be ${KEY_BYTES} bytes, got ${masterKey.length}`);
  const atRestAad = (site: string, version: number) => Buffer.from(canonicalJson({ kek: site, version }), 'utf8');
  await migrate(store, keysMigrations, { table: KEYS_MIGRATIONS_TABLE });
  const now = cfg.now ?? Date.now;
  const audit = async (caller: Caller, action: string, object: string, outcome: string, detail: Record<string, unknown>) => {
    await cfg.audit?.append({ actor: caller.principal, action, object, outcome, detail, timeMs: now() });
  };

  const kek = async (site: string, version: number): Promise<Buffer | undefined> => {
    const { rows } = await store.query<{ key_b64: string }>('SELECT key_b64 FROM kms_keks WHERE site = $1 AND version = $2', [site, version]);
    const stored = rows[0]?.key_b64;
    if (stored === undefined) return undefined;
    if (!stored.startsWith(WRAPPED_PREFIX)) return Buffer.from(stored, 'base64');
    if (!masterKey) throw new ConfigError(`KEK ${site} v${version} is stored wrapped under a master key, and the key service was started without one`);
    const k = unwrapKey(masterKey, stored.slice(WRAPPED_PREFIX.length), atRestAad(site, version));
    if (!k) throw new ConfigError(`KEK ${site} v${version} does not unwrap under this master key (wrong key, or the row was altered)`);
    return k;
  };
  const currentVersion = async (site: string): Promise<number> => {
    const { rows } = await store.query<{ v: number | null }>('SELECT max(version) AS v FROM kms_keks WHERE site = $1', [site]);
    return Number(rows[0]?.v ?? 0);
  };
  const addVersion = async (site: string, version: number) => {
    const fresh = randomBytes(KEY_BYTES);
    const stored = masterKey ? `${WRAPPED_PREFIX}${wrapKey(masterKey, fresh, atRestAad(site, version))}` : fresh.toString('base64');
    fresh.fill(0);
    await store.query('INSERT INTO kms_keks (site, version, key_b64, created_ms) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING', [site, version, stored, now()]);
  };
  const current = async (site: string): Promise<{ version: number; key: Buffer }> => {
    let v = await currentVersion(site);
    if (v === 0) {
      await addVersion(site, 1);
      v = await currentVersion(site);
    }
    return { version: v, key: (await kek(site, v))! };
  };

  /** Checks the caller's grant for site and purpose: the specific refusal when there is none active. */
  const checkGrant = async (grantee: string, site: string, purpose: string | undefined): Promise<Outcome<Grant>> => {
    const { rows } = await store.query<GrantRow>('SELECT * FROM kms_grants WHERE grantee = $1 AND site = $2 ORDER BY created_ms DESC', [grantee, site]);
    const grants = rows.map(toGrant).filter((g) => purpose === undefined || g.purpose === purpose || g.purpose === '*');
    const t = now();
    const active = grants.find((g) => g.revokedAtMs === null && g.expiresAtMs > t);
    if (active) return accept(active);
    const revoked = grants.filter((g) => g.revokedAtMs !== null).sort((a, b) => b.revokedAtMs! - a.revokedAtMs!)[0];
    if (revoked) return refuse('grant-revoked', `site ${site} revoked the cloud's grant at ${iso(revoked.revokedAtMs!)}: evidence from ${site} cannot be decrypted`);
    const expired = grants.sort((a, b) => b.expiresAtMs - a.expiresAtMs)[0];
    if (expired) return refuse('grant-expired', `the grant of site ${site} to ${grantee} for ${expired.purpose} expired at ${iso(expired.expiresAtMs)}: evidence from ${site} cannot be decrypted until the site renews it`);
    return refuse('no-grant', `site ${site} has granted ${grantee} no access${purpose ? ` for ${purpose}` : ''}: evidence from ${site} cannot be decrypted`);
  };

  const unwrapWith = async (req: Omit<UnwrapRequest, 'purpose'>): Promise<Outcome<Buffer>> => {
    if (req.keyId !== kekIdOf(req.site)) return refuse('unknown-key', `key ${req.keyId} does not belong to site ${req.site}`);
    const k = await kek(req.site, req.kekVersion);
    if (!k) return refuse('unknown-key', `site ${req.site} has no KEK version ${req.kekVersion}`);
    const dk = unwrapKey(k, req.wrappedKey, wrapAad(req.site, req.jurisdiction, req.keyId, req.kekVersion));
    return dk ? accept(dk) : refuse('tampered', `the wrapped data key for site ${req.site} failed authentication (wrapped key, jurisdiction or KEK version altered); refused`);
  };

  return {
    async wrap(req, caller) {
      const { version, key } = await current(req.site);
      const keyId = kekIdOf(req.site);
      const wrappedKey = wrapKey(key, req.dataKey, wrapAad(req.site, req.jurisdiction, keyId, version));
      await audit(caller, 'keys.wrap', `site:${req.site}`, 'ok', { keyId, kekVersion: version, jurisdiction: req.jurisdiction });
      return accept({ keyId, kekVersion: version, wrappedKey });
    },
    async unwrap(req, caller) {
      const grant = await checkGrant(caller.principal, req.site, req.purpose);
      if (!grant.ok) {
        await audit(caller, 'keys.unwrap', `site:${req.site}`, 'refused', { code: grant.code, purpose: req.purpose, reason: grant.reason });
        return grant;
      }
      const dk = await unwrapWith(req);
      await audit(caller, 'keys.unwrap', `site:${req.site}`, dk.ok ? 'ok' : 'refused', { grant: grant.value.id, purpose: req.purpose, kekVersion: req.kekVersion, ...(dk.ok ? {} : { code: dk.code }) });
      return dk;
    },
    async rewrap(req, caller, opts = {}) {
      if (opts.requireGrant) {
        const grant = await checkGrant(caller.principal, req.site, undefined);
        if (!grant.ok) {
          await audit(caller, 'keys.rewrap', `site:${req.site}`, 'refused', { code: grant.code });
          return grant;
        }
      }
      const dk = await unwrapWith(req);
      if (!dk.ok) {
        await audit(caller, 'keys.rewrap', `site:${req.site}`, 'refused', { code: dk.code, kekVersion: req.kekVersion });
        return dk;
      }
      try {
        const { version, key } = await current(req.site);
        const wrappedKey = wrapKey(key, dk.value, wrapAad(req.site, req.jurisdiction, req.keyId, version));
        await audit(caller, 'keys.rewrap', `site:${req.site}`, 'ok', { from: req.kekVersion, to: version });
        return accept({ keyId: req.keyId, kekVersion: version, wrappedKey });
      } finally {
        dk.value.fill(0);
      }
    },
    async createGrant(req, caller) {
      const g: Grant = { id: randomUUID(), grantee: req.grantee, site: req.site, purpose: req.purpose, createdAtMs: now(), expiresAtMs: req.expiresAtMs, revokedAtMs: null };
      await store.query('INSERT INTO kms_grants (id, grantee, site, purpose, created_ms, expires_ms) VALUES ($1,$2,$3,$4,$5,$6)', [g.id, g.grantee, g.site, g.purpose, g.createdAtMs, g.expiresAtMs]);
      await audit(caller, 'keys.grant', `grant:${g.id}`, 'ok', { grantee: g.grantee, site: g.site, purpose: g.purpose, expiresAt: iso(g.expiresAtMs) });
      return g;
    },
    async revokeGrant(id, caller) {
      const { rows } = await store.query<GrantRow>('UPDATE kms_grants SET revoked_ms = COALESCE(revoked_ms, $2) WHERE id = $1 RETURNING *', [id, now()]);
      if (!rows[0]) {
        await audit(caller, 'keys.revoke', `grant:${id}`, 'refused', { code: 'bad-request' });
        return refuse('bad-request', `no grant ${id}`);
      }
      const g = toGrant(rows[0]);
      await audit(caller, 'keys.revoke', `grant:${id}`, 'ok', { grantee: g.grantee, site: g.site, revokedAt: iso(g.revokedAtMs!) });
      return accept(g);
    },
    async listGrants(site) {
      const { rows } = site
        ? await store.query<GrantRow>('SELECT * FROM kms_grants WHERE site = $1 ORDER BY created_ms', [site])
        : await store.query<GrantRow>('SELECT * FROM kms_grants ORDER BY created_ms');
      return rows.map(toGrant);
    },
    async rotate(site, caller) {
      const next = (await currentVersion(site)) + 1;
      await addVersion(site, next);
      const version = await currentVersion(site);
      await audit(caller, 'keys.rotate', `site:${site}`, 'ok', { keyId: kekIdOf(site), kekVersion: version });
      return { keyId: kekIdOf(site), kekVersion: version };
    },
    currentVersion,
  };
}
