// A client of the key service's HTTP API. It implements the envelope's KeyWrapper and KeyUnwrapper,
// so the edge seals and the cloud opens through it; refusals come back as the service's own codes
// and sentences ("site S revoked the cloud's grant at T: ...").
import type { WrappedKey } from '../envelope/schema.ts';
import type { KeyUnwrapper, KeyWrapper } from '../envelope/envelope.ts';
import { accept, refuse, type Outcome, type RefusalCode } from '../outcome.ts';
import type { Grant } from './service.ts';

export interface KeyServiceClient extends KeyWrapper, KeyUnwrapper {
  rewrap(req: { site: string; jurisdiction: string } & WrappedKey): Promise<Outcome<WrappedKey>>;
  createGrant(req: { grantee: string; site: string; purpose: string; expiresAt: string | Date }): Promise<Outcome<Grant>>;
  revokeGrant(id: string): Promise<Outcome<Grant>>;
  listGrants(site?: string): Promise<Outcome<Grant[]>>;
  rotate(site: string): Promise<Outcome<{ keyId: string; kekVersion: number }>>;
}

/** A client for the key service at `url` presenting `token` (its role decides what it may do). */
export function createKeyServiceClient(cfg: { url: string; token: string; timeoutMs?: number }): KeyServiceClient {
  const base = cfg.url.replace(/\/$/, '');
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Outcome<T>> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${cfg.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(cfg.timeoutMs ?? 10_000),
      });
    } catch (err) {
      return refuse('unavailable', `key service at ${base} unreachable: ${(err as Error).message}`);
    }
    const json = (await res.json().catch(() => ({}))) as { code?: RefusalCode; error?: string };
    if (!res.ok) return refuse(json.code ?? 'unavailable', json.error ?? `key service answered ${res.status}`);
    return accept(json as T);
  };
  return {
    wrap: (r) => call<WrappedKey>('POST', '/v1/wrap', { site: r.site, jurisdiction: r.jurisdiction, dataKey: Buffer.from(r.dataKey).toString('base64') }),
    async unwrap(r) {
      const out = await call<{ dataKey: string }>('POST', '/v1/unwrap', r);
      return out.ok ? accept(Buffer.from(out.value.dataKey, 'base64')) : out;
    },
    rewrap: (r) => call<WrappedKey>('POST', '/v1/rewrap', r),
    createGrant: (r) => call<Grant>('POST', '/v1/grants', { ...r, expiresAt: r.expiresAt instanceof Date ? r.expiresAt.toISOString() : r.expiresAt }),
    revokeGrant: (id) => call<Grant>('POST', `/v1/grants/${encodeURIComponent(id)}/revoke`),
    async listGrants(site) {
      const out = await call<{ grants: Grant[] }>('GET', `/v1/grants${site ? `?site=${encodeURIComponent(site)}` : ''}`);
      return out.ok ? accept(out.value.grants) : out;
    },
    rotate: (site) => call('POST', `/v1/keys/${encodeURIComponent(site)}/rotate`),
  };
}
