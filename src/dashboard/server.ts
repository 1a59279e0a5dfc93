// The live dashboard: one self-contained page (no CDN, works offline), the state as JSON, and an
// event stream that pushes every update. It reads only a DashboardSource (src/core), so it knows
// nothing of the cloud's internals.
import { readFileSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { z } from 'zod';
import { silentLogger, type DashboardSource, type Logger } from '../core/index.ts';
import { SseHub } from './sse.ts';
import { registerEnterpriseRoutes, type EnterpriseLink } from './enterprise-proxy.ts';
import { MachineHistory } from './history.ts';
import type { SovereigntySource } from './sovereignty.ts';
import { generateDashboardTokens, SessionStore, type DashboardRole, type DashboardToken } from './auth.ts';
import { registerLogin } from './login.ts';
import { IncidentStamps } from './stamps.ts';

/** Options of the dashboard server. */
export const DashboardOptions = z.object({
  host: z.string().min(1).default('127.0.0.1').describe('interface to listen on; 0.0.0.0 to serve the network'),
  port: z.number().int().min(0).max(65535).default(0).describe('TCP port; 0 picks a free one'),
  heartbeatMs: z.number().int().positive().default(15_000).describe('keep-alive comment interval on event streams'),
  preAlarmScore: z
    .number()
    .nonnegative()
    .default(4)
    .describe('anomaly score from which a window counts as anomalous for the incident timeline\'s first step (the edge alarm\'s `low`: below it a window is normal, src/edge/alarm.ts)'),
});
export type DashboardOptions = z.input<typeof DashboardOptions>;

/** What the dashboard needs: its options and where its data comes from. */
export interface DashboardConfig extends DashboardOptions {
  source: DashboardSource;
  logger?: Logger;
  /** The enterprise REST API to read ERP/MES data from (server-side; the token stays here). */
  enterprise?: EnterpriseLink;
  /** What left each site, key grants and the audit chain; the view appears when given. */
  sovereignty?: SovereigntySource;
  /** Who may sign in (DASHBOARD_TOKENS); without any, tokens are generated and only loginUrl() gets in. */
  tokens?: DashboardToken[];
}

/** A running dashboard. */
export interface Dashboard {
  /** Base URL, e.g. http://127.0.0.1:8080/ */
  url: string;
  /** A one-time link that signs a browser in with `role` (printed by the demo; spent on first use). */
  loginUrl(role?: DashboardRole): string;
  /** Ends open event streams and stops the server. */
  close(): Promise<void>;
}

/** The page, read once: it is static, all data arrives through /api/state and /events. */
const PAGE_HTML = readFileSync(new URL('./page.html', import.meta.url), 'utf8');

/** The page's scripts and stylesheet (web/), read once; served from this process, never a CDN. */
const ASSETS = new Map<string, { type: string; body: string }>(
  readdirSync(new URL('./web/', import.meta.url))
    .filter((f) => /\.(js|css)$/.test(f))
    .map((f) => [f, { type: f.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8', body: readFileSync(new URL(`./web/${f}`, import.meta.url), 'utf8') }]),
);

/** The HTML of the dashboard page. */
export function dashboardPage(): string {
  return PAGE_HTML;
}

const FAVICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#2f855a"/></svg>';

/** Starts the dashboard's HTTP server and resolves once it listens. */
export async function startDashboard(cfg: DashboardConfig): Promise<Dashboard> {
  const opts = DashboardOptions.parse(cfg);
  const log = cfg.logger ?? silentLogger();
  const hub = new SseHub(cfg.source, opts.heartbeatMs);
  const history = new MachineHistory(cfg.source);
  const stamps = new IncidentStamps(cfg.source);
  const sessions = new SessionStore(cfg.tokens?.length ? cfg.tokens : generateDashboardTokens());
  // forceCloseConnections: idle keep-alive sockets must not hold close() open.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  registerLogin(app, sessions, log);

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(PAGE_HTML));
  // An inline SVG icon, so the browser's automatic favicon request is not a 404 in the console.
  app.get('/favicon.ico', async (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'max-age=86400').send(FAVICON_SVG));
  app.get('/assets/:name', async (req, reply) => {
    const a = ASSETS.get((req.params as { name: string }).name);
    if (!a) return reply.code(404).send({ error: 'not-found' });
    return reply.type(a.type).header('cache-control', 'no-cache').send(a.body);
  });
  app.get('/api/state', async (_req, reply) => reply.header('cache-control', 'no-store').send(cfg.source.snapshot()));
  app.get('/api/config', async () => ({ enterprise: cfg.enterprise !== undefined, sovereignty: cfg.sovereignty !== undefined, preAlarmScore: opts.preAlarmScore }));
  app.get('/api/stamps', async (req, reply) => {
    const id = (req.query as { incident?: unknown }).incident;
    if (typeof id !== 'string' || id.length === 0 || id.length > 200) return reply.code(400).send({ error: 'validation', message: 'incident=<id> is required' });
    return reply.header('cache-control', 'no-store').send({ incident: id, seen: stamps.get(id) });
  });
  app.get('/api/history', async (req, reply) => {
    const key = (req.query as { machine?: unknown }).machine;
    if (typeof key !== 'string' || key.length === 0 || key.length > 300) return reply.code(400).send({ error: 'validation', message: 'machine=<site/line/machine> is required' });
    return reply.header('cache-control', 'no-store').send({ machine: key, points: history.get(key) });
  });
  app.get('/api/sovereignty', async (_req, reply) => {
    if (!cfg.sovereignty) return reply.code(404).send({ error: 'sovereignty-not-configured', message: 'no sovereignty source is configured' });
    try {
      return reply.header('cache-control', 'no-store').send(await cfg.sovereignty.summary());
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'sovereignty summary failed');
      return reply.code(502).send({ error: 'sovereignty-unavailable', message: (err as Error).message });
    }
  });
  registerEnterpriseRoutes(app, cfg.enterprise, log);
  app.get('/events', (_req, reply) => {
    reply.hijack(); // the stream outlives this handler; fastify must not answer for us
    hub.open(reply.raw);
  });

  await app.listen({ host: opts.host, port: opts.port });
  const { port } = app.server.address() as AddressInfo;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? 'localhost' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${shownHost}:${port}/`;
  log.info({ url }, 'dashboard listening');

  let closed = false;
  return {
    url,
    loginUrl: (role = 'viewer') => `${url}login?code=${sessions.loginCode(role)}`,
    async close() {
      if (closed) return;
      closed = true;
      hub.close();
      history.close();
      stamps.close();
      await app.close();
    },
  };
}
