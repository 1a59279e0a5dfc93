// Read-only proxy to the enterprise REST API (ERP + MES): the server holds the bearer token and
// the browser calls /api/enterprise/..., so the token never reaches a page. An unreachable or
// refusing enterprise is a 502 with a message the page shows, never a crash.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ServiceUnavailableError, type Logger } from '../core/index.ts';

/** Where the enterprise API is and the (viewer) token to read it with. */
export const EnterpriseLink = z.object({
  baseUrl: z.string().url().describe('base URL of the enterprise API, e.g. http://127.0.0.1:8081/'),
  token: z.string().min(1).describe('bearer token; a viewer role suffices'),
  timeoutMs: z.number().int().positive().default(5000).describe('per upstream request'),
});
export type EnterpriseLink = z.input<typeof EnterpriseLink>;

/** The enterprise lists the page may read (a whitelist: nothing else is proxied). */
export const PROXIED_LISTS = ['purchase-orders', 'stock', 'work-orders', 'production-orders', 'production-moves', 'materials', 'notifications', 'reservations', 'plant-actions'] as const;

/** Query parameters passed through to a list route. */
const PASS_QUERY = ['limit', 'offset', 'incidentId', 'machine', 'site'] as const;

/** Rows fetched for the Gantt chart: up to this many production orders (pages of 500, the API's maximum). */
const SCHEDULE_MAX_ORDERS = 2000;

/** An upstream failure with the HTTP status the dashboard answers with. */
class UpstreamError extends ServiceUnavailableError {
  constructor(readonly detail: string, readonly status: number, readonly reason: string) {
    super('enterprise', detail);
  }
}

/** Registers /api/enterprise/* on `app`; without a link each answers 404 enterprise-not-configured. */
export function registerEnterpriseRoutes(app: FastifyInstance, link: EnterpriseLink | undefined, log: Logger): void {
  const cfg = link ? EnterpriseLink.parse(link) : null;
  const base = cfg ? (cfg.baseUrl.endsWith('/') ? cfg.baseUrl : cfg.baseUrl + '/') : '';

  async function get(path: string, query: Record<string, string | number> = {}): Promise<unknown> {
    const url = new URL(path, base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${cfg!.token}`, accept: 'application/json' }, signal: AbortSignal.timeout(cfg!.timeoutMs) });
    } catch (err) {
      const why = (err as Error).name === 'TimeoutError' ? `no answer within ${cfg!.timeoutMs} ms` : 'unreachable';
      throw new UpstreamError(`the enterprise API at ${url.origin} is ${why}`, 502, 'enterprise-unavailable');
    }
    const body = await res.json().catch(() => null);
    if (res.ok) return body;
    if (res.status === 404) throw new UpstreamError((body as { message?: string } | null)?.message ?? 'not found', 404, 'not-found');
    if (res.status === 401 || res.status === 403) throw new UpstreamError(`the enterprise API refused the dashboard's token (${res.status})`, 502, 'enterprise-refused');
    throw new UpstreamError(`the enterprise API answered ${res.status}`, 502, 'enterprise-error');
  }

  async function answer(reply: FastifyReply, run: () => Promise<unknown>) {
    if (!cfg) return reply.code(404).send({ error: 'enterprise-not-configured', message: 'no ERP/MES connection is configured for this dashboard' });
    try {
      return reply.header('cache-control', 'no-store').send(await run());
    } catch (err) {
      if (err instanceof UpstreamError) {
        if (err.status >= 500) log.warn({ err: err.detail }, 'enterprise read failed');
        return reply.code(err.status).send({ error: err.reason, message: err.detail });
      }
      throw err;
    }
  }

  app.get('/api/enterprise/incidents/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    return answer(reply, () => get(`api/v1/incidents/${encodeURIComponent(id)}`));
  });

  app.get('/api/enterprise/schedule', async (_req, reply) =>
    answer(reply, async () => {
      const [clock, workOrders, moves] = await Promise.all([
        get('api/v1/clock').catch(() => null),
        get('api/v1/work-orders', { limit: 500 }),
        get('api/v1/production-moves', { limit: 500 }),
      ]);
      const productionOrders: unknown[] = [];
      for (let offset = 0; offset < SCHEDULE_MAX_ORDERS; offset += 500) {
        const page = (await get('api/v1/production-orders', { limit: 500, offset })) as { items?: unknown[]; total?: number } | null;
        const items = Array.isArray(page?.items) ? page.items : [];
        productionOrders.push(...items);
        if (items.length < 500 || (typeof page?.total === 'number' && productionOrders.length >= page.total)) break;
      }
      return { clock, workOrders: itemsOf(workOrders), moves: itemsOf(moves), productionOrders };
    }),
  );

  app.get('/api/enterprise/:list', async (req, reply) => {
    const { list } = req.params as { list: string };
    if (!(PROXIED_LISTS as readonly string[]).includes(list)) return reply.code(404).send({ error: 'not-found', message: `no enterprise list ${list}` });
    const q = req.query as Record<string, unknown>;
    const query: Record<string, string> = {};
    for (const k of PASS_QUERY) if (typeof q[k] === 'string' && q[k].length <= 200) query[k] = q[k];
    return answer(reply, () => get(`api/v1/${list}`, query));
  });
}

/** The rows of a list page, tolerating a missing or odd body. */
function itemsOf(page: unknown): unknown[] {
  const items = (page as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items : [];
}
