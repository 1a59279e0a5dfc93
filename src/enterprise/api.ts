// The enterprise REST API (fastify). Bodies and query strings are validated with zod where they
// enter; a bad one is a 400 naming the field, a master-data misfit a 422 with the reason.
// Every route declares the roles it needs (config.roles); `authorize` is the single place where
// authentication will check them (not enforced yet).
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { MaintenanceRequest, silentLogger, type Logger } from '../core/index.ts';
import type { EnterpriseService } from './service.ts';
import { ListQuery, RegisterPlantRequest, type Page } from './types.ts';

export type Role = 'planner' | 'viewer' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route. */
    roles?: Role[];
  }
}

/** A 400 body that names each offending field, e.g. `{ error: 'validation', issues: [{ path: 'machineType', message }] }`. */
function validationError(reply: FastifyReply, error: z.ZodError, where: 'body' | 'query') {
  return reply.code(400).send({
    error: 'validation',
    where,
    issues: error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
  });
}

/** Role check hook; allows everything until authentication lands (a later issue). */
async function authorize(_req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  // When auth lands: read the caller's roles and answer 403 unless they meet req.routeOptions.config.roles.
}

/** Builds the API over the service (not listening; call listen or use inject). */
export function buildEnterpriseApp(service: EnterpriseService, opts: { logger?: Logger } = {}): FastifyInstance {
  const app = Fastify({
    loggerInstance: (opts.logger ?? silentLogger()) as FastifyBaseLogger,
    // One line per request drowns the pipeline's own log; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('preHandler', authorize);

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'enterprise request failed');
    void reply.code(status).send({ error: status >= 500 ? 'internal' : 'bad-request', message: status >= 500 ? 'internal error' : err.message });
  });

  app.get('/api/v1/health', { config: { roles: ['viewer', 'planner', 'admin'] } }, async () => service.health());

  app.post('/api/v1/plant', { config: { roles: ['admin'] } }, async (req, reply) => {
    const body = RegisterPlantRequest.safeParse(req.body);
    if (!body.success) return validationError(reply, body.error, 'body');
    await service.registerPlant(body.data.machines, { startMs: body.data.startMs, horizonMs: body.data.horizonMs });
    return reply.code(204).send();
  });

  app.post('/api/v1/maintenance-requests', { config: { roles: ['planner'] } }, async (req, reply) => {
    const body = MaintenanceRequest.safeParse(req.body);
    if (!body.success) return validationError(reply, body.error, 'body');
    const key = req.headers['idempotency-key'];
    if (key !== undefined && key !== body.data.incidentId) {
      return reply.code(400).send({ error: 'idempotency-key', message: 'Idempotency-Key must equal the body\'s incidentId' });
    }
    const r = await service.tryRequestMaintenance(body.data);
    if (!r.ok) return reply.code(422).send({ error: 'unprocessable', reason: r.reason });
    return reply.code(r.value.created ? 201 : 200).send(r.value);
  });

  const lists: Record<string, (q: ListQuery) => Promise<Page<unknown>>> = {
    notifications: service.listNotifications,
    'purchase-orders': service.listPurchaseOrders,
    reservations: service.listReservations,
    'work-orders': service.listWorkOrders,
    'production-orders': service.listProductionOrders,
    'production-moves': service.listProductionMoves,
    materials: service.listMaterials,
    stock: service.listStock,
    bom: service.listBom,
  };
  for (const [path, list] of Object.entries(lists)) {
    app.get(`/api/v1/${path}`, { config: { roles: ['viewer', 'planner', 'admin'] } }, async (req, reply) => {
      const q = ListQuery.safeParse(req.query);
      if (!q.success) return validationError(reply, q.error, 'query');
      return list(q.data);
    });
  }
  return app;
}
