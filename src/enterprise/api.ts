// The enterprise REST API (fastify). Bodies, query strings and path parameters are validated with
// zod where they enter; a bad one is a 400 naming the field, a master-data misfit a 422 with the
// reason. The same zod schemas, as JSON Schema, document the routes (OpenAPI 3.1 at /openapi.json,
// Swagger UI at /docs, served from this process). Every route but the documents names the roles
// it admits; writes honour an Idempotency-Key header.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MaintenanceRequest, PlantSyncRequest, silentLogger, type Logger, type SqlStore } from '../core/index.ts';
import { READ_ROLES, createTokenLookup, type ApiToken, type Role } from './auth.ts';
import { bodyHash, idempotent, type StoredResponse } from './idempotency.ts';
import type { EnterpriseService } from './service.ts';
import { ListQuery, RegisterPlantRequest, RequisitionRequest, type Page } from './types.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route; absent: public (the API documents). */
    roles?: Role[];
  }
}

/** A 400 body that names each offending field, e.g. `{ error: 'validation', issues: [{ path: 'machineType', message }] }`. */
function validationError(error: z.ZodError, where: 'body' | 'query' | 'params'): StoredResponse {
  return {
    status: 400,
    body: { error: 'validation', where, issues: error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })) },
  };
}

/** zod → JSON Schema (2020-12, as OpenAPI 3.1 uses) for the documents. */
function js(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const IdParams = z.object({ incidentId: z.string().min(1).max(200) });

/** Builds the API over the service (not listening; call listen or use inject). */
export function buildEnterpriseApp(service: EnterpriseService, opts: { store: SqlStore; tokens: ApiToken[]; logger?: Logger; now?: () => number }): FastifyInstance {
  const app = Fastify({
    loggerInstance: (opts.logger ?? silentLogger()) as FastifyBaseLogger,
    // One line per request drowns the pipeline's own log (and would carry headers); errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const roleOf = createTokenLookup(opts.tokens);
  const now = opts.now ?? Date.now;
  // zod validates in the handlers (one error shape); the JSON schemas only document.
  app.setValidatorCompiler(() => () => true);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const roles = req.routeOptions.config?.roles;
    if (!roles) return;
    const role = roleOf(req.headers.authorization);
    if (role === null) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    if (!roles.includes(role)) return reply.code(403).send({ error: 'forbidden', message: `role ${role} may not call ${req.method} ${req.routeOptions.url}` });
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err: { message: err.message, stack: err.stack } }, 'enterprise request failed');
    void reply.code(status).send({ error: status >= 500 ? 'internal' : 'bad-request', message: status >= 500 ? 'internal error' : err.message });
  });

  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'edge-pdm enterprise (ERP + MES)', version: '1.0.0', description: 'Maintenance notifications, purchasing, stock, work orders, production schedule and the plant loop. Times are event-time epoch ms, money integer cents.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // Routes go in a plugin registered after swagger, so its onRoute hook sees (and documents) them.
  void app.register(async (api) => {

    /** A write: validates the body, then runs once per Idempotency-Key. */
    const write = <T extends z.ZodType>(path: string, roles: Role[], summary: string, schema: T, run: (body: z.infer<T>) => Promise<StoredResponse>) => {
      api.post(path, {
        config: { roles },
        schema: {
          summary, description: `Roles: ${roles.join(', ')}. Accepts an Idempotency-Key header.`, body: js(schema),
          headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', maxLength: 200 } } },
        },
      }, async (req, reply) => {
        const body = schema.safeParse(req.body);
        const go = async () => (body.success ? run(body.data) : validationError(body.error, 'body'));
        const key = req.headers['idempotency-key'];
        const r = typeof key === 'string' && key.length > 0
          ? key.length > 200 ? { status: 400, body: { error: 'validation', where: 'headers', issues: [{ path: 'idempotency-key', message: 'at most 200 characters' }] } }
            : await idempotent(opts.store, key, `POST ${path}`, bodyHash(req.body), now(), go)
          : await go();
        return r.status === 204 ? reply.code(204).send() : reply.code(r.status).send(r.body);
      });
    };

    api.get('/api/v1/health', { config: { roles: READ_ROLES }, schema: { summary: 'Database reachable' } }, async () => service.health());
    api.get('/api/v1/clock', { config: { roles: READ_ROLES }, schema: { summary: 'The enterprise clock (event time)' } }, async () => service.clock());

    write('/api/v1/plant', ['integration', 'planner'], 'Register work centres and schedule production', RegisterPlantRequest, async (b) => {
      await service.registerPlant(b.machines, { startMs: b.startMs, horizonMs: b.horizonMs });
      return { status: 204, body: null };
    });
    write('/api/v1/maintenance-requests', ['integration'], 'Carry out a maintenance decision (notification, part, work order, production moves); idempotent per incidentId', MaintenanceRequest, async (b) => {
      const r = await service.tryRequestMaintenance(b);
      if (!r.ok) return { status: 422, body: { error: 'unprocessable', reason: r.reason } };
      return { status: r.value.created ? 201 : 200, body: r.value };
    });
    write('/api/v1/plant/sync', ['integration'], 'Advance the enterprise clock, report plant events, fetch due plant actions', PlantSyncRequest, async (b) => ({ status: 200, body: await service.syncPlant(b) }));
    write('/api/v1/purchase-requisitions', ['planner'], 'Raise a purchase requisition (converted into a purchase order at the next clock tick)', RequisitionRequest, async (b) => {
      const r = await service.createRequisition(b);
      if (!r.ok) return { status: 422, body: { error: 'unprocessable', reason: r.reason } };
      return { status: 201, body: r.value };
    });

    api.get('/api/v1/incidents/:incidentId', { config: { roles: READ_ROLES }, schema: { summary: 'One incident\'s full record', params: js(IdParams) } }, async (req, reply) => {
      const p = IdParams.safeParse(req.params);
      if (!p.success) {
        const e = validationError(p.error, 'params');
        return reply.code(e.status).send(e.body);
      }
      const rec = await service.getIncident(p.data.incidentId);
      return rec ? rec : reply.code(404).send({ error: 'not-found', message: `no incident ${p.data.incidentId}` });
    });

    const lists: Record<string, [string, (q: ListQuery) => Promise<Page<unknown>>]> = {
      notifications: ['Maintenance notifications (malfunction reports)', service.listNotifications],
      'purchase-requisitions': ['Purchase requisitions', service.listRequisitions],
      'purchase-orders': ['Purchase orders with lifecycle dates', service.listPurchaseOrders],
      reservations: ['Component reservations', service.listReservations],
      'work-orders': ['Maintenance work orders with planned and actual cost and production impact', service.listWorkOrders],
      'work-order-operations': ['Operations of work orders', service.listOperations],
      'production-orders': ['Production orders (the MES schedule)', service.listProductionOrders],
      'production-moves': ['Production orders moved by maintenance', service.listProductionMoves],
      materials: ['Material master', service.listMaterials],
      stock: ['Stock per plant (site) and storage location', service.listStock],
      'stock-movements': ['Stock-movement ledger (101 goods receipt, 261 goods issue)', service.listStockMovements],
      bom: ['Bill of materials per machine type', service.listBom],
      'supplier-offers': ['Suppliers per material: price, lead time, expedite option', service.listSupplierOffers],
      'plant-actions': ['Actions sent to the plant floor', service.listPlantActions],
      'plant-events': ['Events reported by the plant floor', service.listPlantEvents],
    };
    const listQuery = js(ListQuery);
    for (const [path, [summary, list]] of Object.entries(lists)) {
      api.get(`/api/v1/${path}`, { config: { roles: READ_ROLES }, schema: { summary, querystring: listQuery } }, async (req, reply) => {
        const q = ListQuery.safeParse(req.query);
        if (!q.success) {
          const e = validationError(q.error, 'query');
          return reply.code(e.status).send(e.body);
        }
        return list(q.data);
      });
    }
  });
  return app;
}
