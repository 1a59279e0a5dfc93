// Starts the enterprise process's API: migrate, seed the catalogue, listen.
import type { Logger, SqlStore } from '../core/index.ts';
import { migrate } from '../store/index.ts';
import { buildEnterpriseApp } from './api.ts';
import { generateTokens, parseTokens, type ApiToken } from './auth.ts';
import { ENTERPRISE_MIGRATIONS_TABLE, enterpriseMigrations } from './migrations.ts';
import { seedCatalogue, type CatalogueSeed } from './seed.ts';
import { createEnterpriseService, type EnterpriseService } from './service.ts';
import type { EnterpriseConfig } from './types.ts';
import type { AuditSink } from '../sovereignty/index.ts';

export interface RunningEnterprise {
  /** Base URL, e.g. http://127.0.0.1:41234 (routes under /api/v1, documents at /openapi.json and /docs). */
  url: string;
  service: EnterpriseService;
  /** The tokens the API accepts (configured, from ENTERPRISE_TOKENS, or generated): for in-process callers; never log them. */
  tokens: ApiToken[];
  /** The first token of `role`. */
  tokenFor(role: ApiToken['role']): string;
  /** Stops listening; the store stays open (the caller owns it). */
  close(): Promise<void>;
}

/**
 * Migrates and seeds `store`, then serves the API on host:port (port 0 = a free port). Tokens:
 * `tokens` if given, else ENTERPRISE_TOKENS ("role:token,..."), else one random token per role.
 */
export async function startEnterprise(cfg: {
  store: SqlStore;
  host?: string;
  port?: number;
  logger?: Logger;
  seed?: CatalogueSeed;
  config?: Partial<EnterpriseConfig>;
  tokens?: ApiToken[];
  env?: Record<string, string | undefined>;
  /** Audit trail for every committed ERP/MES write. */
  audit?: AuditSink;
}): Promise<RunningEnterprise> {
  const env = cfg.env ?? process.env;
  const tokens = cfg.tokens ?? (env.ENTERPRISE_TOKENS ? parseTokens(env.ENTERPRISE_TOKENS) : generateTokens());
  await migrate(cfg.store, enterpriseMigrations, { table: ENTERPRISE_MIGRATIONS_TABLE });
  await seedCatalogue(cfg.store, cfg.seed);
  const service = createEnterpriseService({ store: cfg.store, logger: cfg.logger, config: cfg.config, ...(cfg.audit ? { audit: cfg.audit } : {}) });
  const app = buildEnterpriseApp(service, { store: cfg.store, tokens, logger: cfg.logger });
  const host = cfg.host ?? '127.0.0.1';
  await app.listen({ host, port: cfg.port ?? 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${urlHost}:${port}`,
    service,
    tokens,
    tokenFor(role) {
      const t = tokens.find((x) => x.role === role);
      if (!t) throw new Error(`no ${role} token configured`);
      return t.token;
    },
    close: () => app.close(),
  };
}
