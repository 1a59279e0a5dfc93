// Starts the key service as a process of its own: migrate its store and the audit log in it, listen.
import type { Logger, SqlStore } from '../../core/index.ts';
import { openAuditLog, type AuditLog } from '../audit/log.ts';
import type { CheckpointSigner } from '../audit/signer.ts';
import { buildKeyServiceApp, type TokenSpec } from './http.ts';
import { openKeyService, type KeyService } from './service.ts';

export interface RunningKeyService {
  url: string;
  service: KeyService;
  audit: AuditLog;
  /** Stops listening; the store stays open (the caller owns it). */
  close(): Promise<void>;
}

/** Serves the key service on host:port (port 0 = a free port), auditing into the same store. */
export async function startKeyService(cfg: {
  store: SqlStore;
  tokens: TokenSpec[];
  host?: string;
  port?: number;
  logger?: Logger;
  signer?: CheckpointSigner;
  checkpointEvery?: number;
  now?: () => number;
  /** 32-byte master key wrapping the KEKs at rest (see openKeyService). */
  masterKey?: Uint8Array;
}): Promise<RunningKeyService> {
  const audit = await openAuditLog(cfg.store, { signer: cfg.signer, checkpointEvery: cfg.checkpointEvery, now: cfg.now });
  const service = await openKeyService({ store: cfg.store, audit, now: cfg.now, masterKey: cfg.masterKey });
  const app = buildKeyServiceApp(service, { tokens: cfg.tokens, logger: cfg.logger });
  const host = cfg.host ?? '127.0.0.1';
  await app.listen({ host, port: cfg.port ?? 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return { url: `http://${urlHost}:${port}`, service, audit, close: () => app.close() };
}
