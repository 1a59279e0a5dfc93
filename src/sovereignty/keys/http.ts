// The key service's HTTP API (fastify). Bearer tokens name a principal and a role: `site-admin`
// (wrap, grants, rotate, rewrap for its sites), `edge` (wrap for its sites) and `cloud` (unwrap and
// rewrap, only under an active grant). Tokens are compared as SHA-256 digests in constant time
// and never logged. Refusals answer with { code, error } and a status that fits the code.
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ConfigError, describeIssues, silentLogger, type Logger } from '../../core/index.ts';
import { globMatch } from '../policy/paths.ts';
import { Jurisdiction } from '../jurisdiction.ts';
import type { Refusal, RefusalCode } from '../outcome.ts';
import type { Caller, KeyService } from './service.ts';

export const KeyRole = z.enum(['site-admin', 'edge', 'cloud']);
export type KeyRole = z.infer<typeof KeyRole>;

export const TokenSpec = z.object({
  token: z.string().min(16, 'must be at least 16 characters'),
  principal: z.string().min(1).max(100).describe('who holds the token, e.g. cloud-eu or site-a-admin'),
  role: KeyRole,
  sites: z.array(z.string().min(1)).default(['*']).describe('site globs this token may act for'),
});
export type TokenSpec = z.input<typeof TokenSpec>;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const site = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ -');
const Wrapped = z.object({ keyId: z.string().min(1), kekVersion: z.number().int().min(1), wrappedKey: b64 });
const bodies = {
  wrap: z.object({ site, jurisdiction: Jurisdiction, dataKey: b64 }),
  unwrap: Wrapped.extend({ site, jurisdiction: Jurisdiction, purpose: z.string().min(1).max(100) }),
  rewrap: Wrapped.extend({ site, jurisdiction: Jurisdiction }),
  grant: z.object({ grantee: z.string().min(1).max(100), site, purpose: z.string().min(1).max(100), expiresAt: z.string().datetime({ offset: true }) }),
};

const STATUS: Record<RefusalCode, number> = {
  'grant-revoked': 403, 'grant-expired': 403, 'no-grant': 403, forbidden: 403, unauthorized: 401, tampered: 422, 'bad-envelope': 400, 'bad-request': 400,
  'unknown-key': 404, residency: 403, 'policy-blocked': 403, unavailable: 503,
};

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Builds the app; `tokens` are validated here (ConfigError names the bad entry). */
export function buildKeyServiceApp(service: KeyService, cfg: { tokens: TokenSpec[]; logger?: Logger }): FastifyInstance {
  const parsed = z.array(TokenSpec).min(1, 'at least one token').safeParse(cfg.tokens);
  if (!parsed.success) throw new ConfigError(`key service tokens: ${describeIssues(parsed.error)}`);
  const tokens = parsed.data.map((t) => ({ ...t, digest: digest(t.token) }));
  const app = Fastify({ loggerInstance: (cfg.logger ?? silentLogger()) as FastifyBaseLogger, disableRequestLogging: true });

  const send = (reply: FastifyReply, r: Refusal) => reply.code(STATUS[r.code]).send({ code: r.code, error: r.reason });
  /** Authenticates the bearer token, checks role and (unless `forSite` is undefined) site; sends the refusal and returns undefined when not allowed. */
  const authorize = (
    req: FastifyRequest,
    reply: FastifyReply,
    roles: KeyRole[],
    forSite?: string | ((role: KeyRole) => string | undefined),
  ): (Caller & { role: KeyRole }) | undefined => {
    const h = req.headers.authorization ?? '';
    const given = h.startsWith('Bearer ') ? digest(h.slice(7)) : undefined;
    const t = given && tokens.find((x) => timingSafeEqual(x.digest, given));
    if (!t) {
      void send(reply, { ok: false, code: 'unauthorized', reason: 'missing or unknown bearer token' });
      return undefined;
    }
    const site = typeof forSite === 'function' ? forSite(t.role) : forSite;
    if (!roles.includes(t.role) || (site !== undefined && !t.sites.some((g) => globMatch(g, site)))) {
      void send(reply, { ok: false, code: 'forbidden', reason: `${t.principal} (${t.role}) may not do this${site ? ` for site ${site}` : ''}` });
      return undefined;
    }
    return { principal: t.principal, role: t.role };
  };
  const body = <S extends z.ZodType>(schema: S, req: FastifyRequest, reply: FastifyReply): z.infer<S> | undefined => {
    const r = schema.safeParse(req.body);
    if (!r.success) {
      void send(reply, { ok: false, code: 'bad-request', reason: describeIssues(r.error) });
      return undefined;
    }
    return r.data;
  };

  app.get('/v1/health', async () => ({ ok: true }));
  app.post('/v1/wrap', async (req, reply) => {
    const b = body(bodies.wrap, req, reply);
    const caller = b && authorize(req, reply, ['site-admin', 'edge'], b.site);
    if (!b || !caller) return reply;
    const dataKey = Buffer.from(b.dataKey, 'base64');
    if (dataKey.length !== 32) return send(reply, { ok: false, code: 'bad-request', reason: 'dataKey: must be 32 bytes (AES-256)' });
    const r = await service.wrap({ site: b.site, jurisdiction: b.jurisdiction, dataKey }, caller);
    dataKey.fill(0);
    return r.ok ? r.value : send(reply, r);
  });
  app.post('/v1/unwrap', async (req, reply) => {
    const b = body(bodies.unwrap, req, reply);
    const caller = b && authorize(req, reply, ['cloud']);
    if (!b || !caller) return reply;
    const r = await service.unwrap(b, caller);
    if (!r.ok) return send(reply, r);
    const dataKey = r.value.toString('base64');
    r.value.fill(0);
    return { dataKey };
  });
  app.post('/v1/rewrap', async (req, reply) => {
    const b = body(bodies.rewrap, req, reply);
    // A site admin rewraps for its own sites; the cloud rewraps what it stores, under its grant.
    const caller = b && authorize(req, reply, ['site-admin', 'cloud'], (role) => (role === 'cloud' ? undefined : b.site));
    if (!b || !caller) return reply;
    const r = await service.rewrap(b, caller, { requireGrant: caller.role === 'cloud' });
    return r.ok ? r.value : send(reply, r);
  });
  app.post('/v1/grants', async (req, reply) => {
    const b = body(bodies.grant, req, reply);
    const caller = b && authorize(req, reply, ['site-admin'], b.site);
    if (!b || !caller) return reply;
    const g = await service.createGrant({ grantee: b.grantee, site: b.site, purpose: b.purpose, expiresAtMs: Date.parse(b.expiresAt) }, caller);
    return reply.code(201).send(g);
  });
  app.post<{ Params: { id: string } }>('/v1/grants/:id/revoke', async (req, reply) => {
    const g = (await service.listGrants()).find((x) => x.id === req.params.id);
    const caller = authorize(req, reply, ['site-admin'], g?.site ?? '');
    if (!caller) return reply;
    const r = await service.revokeGrant(req.params.id, caller);
    return r.ok ? r.value : send(reply, r);
  });
  app.get<{ Querystring: { site?: string } }>('/v1/grants', async (req, reply) => {
    const caller = authorize(req, reply, ['site-admin', 'cloud']);
    if (!caller) return reply;
    return { grants: await service.listGrants(req.query.site) };
  });
  app.post<{ Params: { site: string } }>('/v1/keys/:site/rotate', async (req, reply) => {
    const caller = authorize(req, reply, ['site-admin'], req.params.site);
    if (!caller) return reply;
    return service.rotate(req.params.site, caller);
  });

  return app;
}
