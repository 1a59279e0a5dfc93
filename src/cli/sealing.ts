// Sealing for the separate processes: `edge-pdm edge` seals what leaves its site with the site's key
// at the plant's key service, `edge-pdm cloud` opens it under the grant the plant gave it; both talk
// to `edge-pdm keys serve` over HTTP (createKeyServiceClient). The key service's URL and a bearer
// token come from the environment or a file, never from argv; the token lives only inside the
// client's closure, so no object we log or print carries it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, describeIssues, type Logger, type SqlStore } from '../core/index.ts';
import {
  createInboundGuard, createKeyServiceClient, createOutboundGuard, DEFAULT_POLICY, Jurisdiction, loadOrCreateSigner, loadPolicyYaml, openAuditLog,
  type AuditLog, type Destination, type InboundGuard, type KeyServiceClient, type OutboundGuard,
} from '../sovereignty/index.ts';
import { DIAGNOSIS_PURPOSE } from './sovereignty.ts';

/** Options the `edge` and `cloud` commands add for sealing (see their help). */
export const SEALING_OPTIONS = {
  'key-service': { type: 'string' },
  'key-token-file': { type: 'string' },
  jurisdiction: { type: 'string' },
} as const;

/** Audit records between signed checkpoints in the cloud's own audit log (as `keys serve` by default). */
const CLOUD_CHECKPOINT_EVERY = 100;

const SealingEnv = z.object({
  KEY_SERVICE_URL: z.string().url('must be a URL, e.g. http://127.0.0.1:8443').optional(),
  KEY_SERVICE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  KEY_SERVICE_TOKEN_FILE: z.string().min(1).optional(),
  PDM_JURISDICTION: Jurisdiction.default('DE'),
});

/** The key service as one process reaches it: its URL and a client holding the token. */
export interface KeyServiceAccess {
  url: string;
  client: KeyServiceClient;
  jurisdiction: string;
}

const readToken = (file: string, what: string): string => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    // The path only: the file's content is the secret.
    throw new ConfigError(`${what}: cannot read "${file}": ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
  if (text.length < 16) throw new ConfigError(`${what} "${file}": the token must be at least 16 characters`);
  return text;
};

/**
 * The key service from --key-service / KEY_SERVICE_URL with the token from --key-token-file,
 * KEY_SERVICE_TOKEN or KEY_SERVICE_TOKEN_FILE; undefined when no URL is given (the process then
 * runs unsealed, and says so). ConfigError names the missing or bad setting, never a token.
 */
export function readKeyServiceAccess(values: Record<string, string | boolean | undefined>, source: NodeJS.ProcessEnv = process.env): KeyServiceAccess | undefined {
  const picked = Object.fromEntries(Object.keys(SealingEnv.shape).map((k) => [k, source[k] === '' ? undefined : source[k]]));
  const env = SealingEnv.safeParse({ ...picked, ...(typeof values.jurisdiction === 'string' ? { PDM_JURISDICTION: values.jurisdiction } : {}) });
  // Issues name the variable and the rule, not the value (zod does not echo strings it rejects).
  if (!env.success) throw new ConfigError(`environment: ${describeIssues(env.error)}`);
  const url = typeof values['key-service'] === 'string' ? values['key-service'] : env.data.KEY_SERVICE_URL;
  if (!url) return undefined;
  if (!/^https?:\/\//.test(url)) throw new ConfigError('--key-service / KEY_SERVICE_URL: must be an http(s) URL');
  const file = typeof values['key-token-file'] === 'string' ? values['key-token-file'] : undefined;
  const token = file
    ? readToken(file, '--key-token-file')
    : (env.data.KEY_SERVICE_TOKEN ?? (env.data.KEY_SERVICE_TOKEN_FILE ? readToken(env.data.KEY_SERVICE_TOKEN_FILE, 'KEY_SERVICE_TOKEN_FILE') : undefined));
  if (!token) throw new ConfigError('KEY_SERVICE_URL is set but no token: set KEY_SERVICE_TOKEN, KEY_SERVICE_TOKEN_FILE or --key-token-file');
  return { url, client: createKeyServiceClient({ url, token }), jurisdiction: env.data.PDM_JURISDICTION };
}

/** What the edge process hands to createEdgeAgent. */
export interface EdgeSealing {
  guard: OutboundGuard;
  destination: Destination;
}

/**
 * The edge's boundary for a separate process: the policy (--policy FILE or the built-in default),
 * then envelopes sealed with `site`'s key at the key service. A probe wrap at start makes a bad
 * token or a token for another site a clear error now, not a silent stream of unsealable messages;
 * an unreachable key service only warns (the edge's local actions need no cloud).
 */
export async function createEdgeSealing(cfg: { site: string; access: KeyServiceAccess; policyFile?: string; logger: Logger }): Promise<EdgeSealing> {
  const { site, access, logger } = cfg;
  let policy = DEFAULT_POLICY;
  if (cfg.policyFile) {
    let text: string;
    try {
      text = readFileSync(cfg.policyFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`--policy: cannot read "${cfg.policyFile}": ${(err as Error).message}`, { cause: err });
    }
    policy = loadPolicyYaml(text, cfg.policyFile);
  }
  const probe = await access.client.wrap({ site, jurisdiction: access.jurisdiction, dataKey: Buffer.alloc(32) });
  if (!probe.ok) {
    if (probe.code !== 'unavailable') throw new ConfigError(`key service at ${access.url} refused to seal for site ${site}: ${probe.reason} (${probe.code})`);
    logger.warn({ keyService: access.url, reason: probe.reason }, 'key service unreachable at start; nothing leaves the site until it answers');
  }
  return {
    guard: createOutboundGuard({ policy, keys: access.client, site, jurisdiction: access.jurisdiction }),
    destination: { name: 'cloud-diagnosis', jurisdiction: access.jurisdiction },
  };
}

/** What the cloud process hands to createDiagnosisService. */
export interface CloudSealing {
  inboundGuard: InboundGuard;
  audit: AuditLog;
}

/**
 * The cloud worker's boundary for a separate process: residency for `access.jurisdiction`, unwrap
 * under the grant its token's principal holds, and every open audited in the cloud's own log (in
 * `store`, checkpoints signed by `<dataDir>/cloud/audit-key.pem`). A token the key service does
 * not know is a clear error at start.
 */
export async function createCloudSealing(cfg: { access: KeyServiceAccess; store: SqlStore; dataDir: string; logger: Logger }): Promise<CloudSealing> {
  const { access, logger } = cfg;
  const probe = await access.client.listGrants();
  if (!probe.ok) {
    if (probe.code !== 'unavailable') throw new ConfigError(`key service at ${access.url} refused this cloud: ${probe.reason} (${probe.code})`);
    logger.warn({ keyService: access.url, reason: probe.reason }, 'key service unreachable at start; escalations wait until it answers');
  }
  const audit = await openAuditLog(cfg.store, { signer: loadOrCreateSigner(join(cfg.dataDir, 'cloud', 'audit-key.pem')), checkpointEvery: CLOUD_CHECKPOINT_EVERY });
  return { inboundGuard: createInboundGuard({ keys: access.client, workerJurisdiction: access.jurisdiction, purpose: DIAGNOSIS_PURPOSE, audit }), audit };
}
