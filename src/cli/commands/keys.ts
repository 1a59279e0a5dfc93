// `edge-pdm keys`: runs the plant's key service (serve), or talks to one as its administrator
// (grant, revoke, grants, rotate). Tokens come from files or the environment, never from argv,
// and are never printed.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, describeIssues, parseDuration } from '../../core/index.ts';
import { openStore } from '../../store/index.ts';
import { createKeyServiceClient, loadOrCreateSigner, startKeyService, TokenSpec, type TokenSpec as TokenSpecInput } from '../../sovereignty/index.ts';
import { numberOption } from '../args.ts';
import { say, untilSignal, type Command } from './command.ts';
import { z } from 'zod';

export const keys: Command = {
  summary: 'run the plant-held key service, or grant, revoke and rotate keys at one',
  help: `edge-pdm keys serve [options]           runs the key service (until Ctrl-C)
edge-pdm keys grant --site S --grantee P [--purpose diagnosis] [--ttl 30d]
edge-pdm keys revoke --grant ID
edge-pdm keys grants [--site S]
edge-pdm keys rotate --site S

serve:
  --host H              listen address (default 127.0.0.1)
  --port N              port (default 8443; 0 = any free port)
  --data-dir DIR        PGlite store for KEKs, grants and the audit log (default $PDM_DATA_DIR/keys)
  --database URL        PostgreSQL instead (the key service's own database, not the enterprise's)
  --tokens FILE         YAML/JSON list of { token, principal, role: site-admin|edge|cloud, sites }
                        (default: PDM_KEYS_ADMIN_TOKEN, PDM_KEYS_EDGE_TOKEN, PDM_KEYS_CLOUD_TOKEN;
                        without any, tokens are generated into DIR/tokens.json, mode 0600)
  --audit-key FILE      Ed25519 private key PEM signing audit checkpoints (default DIR/audit-key.pem,
                        created when missing)
  --checkpoint-every N  audit records between signed checkpoints (default 100)
  --master-key FILE     32-byte key (base64) wrapping the KEKs at rest; keep it off the database's
                        volume (default: $PDM_KEYS_MASTER_KEY; without either, KEKs are stored in clear)

grant, revoke, grants, rotate talk to --url (default $PDM_KEYS_URL or http://127.0.0.1:8443) with the
token in $PDM_KEYS_TOKEN or --token-file FILE.

\`edge-pdm edge\` and \`edge-pdm cloud\` use the service with KEY_SERVICE_URL and an edge or cloud token
(KEY_SERVICE_TOKEN or KEY_SERVICE_TOKEN_FILE); the cloud unwraps only for the sites that granted its
principal, e.g. \`edge-pdm keys grant --site site-a --grantee cloud\`.`,
  options: {
    host: { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' }, database: { type: 'string' },
    tokens: { type: 'string' }, 'audit-key': { type: 'string' }, 'checkpoint-every': { type: 'string' }, 'master-key': { type: 'string' },
    url: { type: 'string' }, 'token-file': { type: 'string' }, site: { type: 'string' }, grantee: { type: 'string' },
    purpose: { type: 'string' }, ttl: { type: 'string' }, grant: { type: 'string' },
  },
  async run({ values, positionals, env, logger }) {
    const sub = positionals[0] ?? 'serve';
    if (sub === 'serve') return serve(values, env.PDM_DATA_DIR, logger);
    if (!['grant', 'revoke', 'grants', 'rotate'].includes(sub)) throw new ConfigError(`keys: unknown subcommand "${sub}" (serve, grant, revoke, grants, rotate)`);
    return admin(sub, values);
  },
};

/** Reads the token list from --tokens, the environment, or generates one into the data dir. */
export function loadTokens(file: string | undefined, dataDir: string | undefined, source: NodeJS.ProcessEnv = process.env): TokenSpecInput[] {
  if (file) {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`--tokens: cannot read "${file}": ${(err as Error).message}`, { cause: err });
    }
    const list = (raw as { tokens?: unknown })?.tokens ?? raw;
    const r = z.array(TokenSpec).min(1).safeParse(list);
    if (!r.success) throw new ConfigError(`--tokens ${file}: ${describeIssues(r.error)}`);
    return r.data;
  }
  const fromEnv: TokenSpecInput[] = [];
  if (source.PDM_KEYS_ADMIN_TOKEN) fromEnv.push({ token: source.PDM_KEYS_ADMIN_TOKEN, principal: 'site-admin', role: 'site-admin' });
  if (source.PDM_KEYS_EDGE_TOKEN) fromEnv.push({ token: source.PDM_KEYS_EDGE_TOKEN, principal: 'edge', role: 'edge' });
  if (source.PDM_KEYS_CLOUD_TOKEN) fromEnv.push({ token: source.PDM_KEYS_CLOUD_TOKEN, principal: 'cloud', role: 'cloud' });
  if (fromEnv.length) return fromEnv;
  if (!dataDir) throw new ConfigError('key service: no tokens (give --tokens FILE or PDM_KEYS_*_TOKEN)');
  const generated = join(dataDir, 'tokens.json');
  if (!existsSync(generated)) {
    mkdirSync(dataDir, { recursive: true });
    const t = () => randomBytes(24).toString('base64url');
    const list: TokenSpecInput[] = [
      { token: t(), principal: 'site-admin', role: 'site-admin' },
      { token: t(), principal: 'edge', role: 'edge' },
      { token: t(), principal: 'cloud', role: 'cloud' },
    ];
    writeFileSync(generated, `${JSON.stringify(list, null, 2)}\n`, { mode: 0o600 });
    say(`edge-pdm keys: generated tokens into ${generated} (mode 0600)`);
  }
  return loadTokens(generated, undefined, {});
}

async function serve(values: Record<string, string | boolean | undefined>, dataRoot: string, logger: Parameters<Command['run']>[0]['logger']): Promise<number> {
  const dataDir = (values['data-dir'] as string | undefined) ?? join(dataRoot, 'keys');
  const tokens = loadTokens(values.tokens as string | undefined, dataDir);
  const signer = loadOrCreateSigner((values['audit-key'] as string | undefined) ?? join(dataDir, 'audit-key.pem'));
  const masterKey = readMasterKey(values['master-key'] as string | undefined);
  const store = await openStore(values.database ? { databaseUrl: String(values.database) } : { dataDir: join(dataDir, 'db') });
  try {
    const ks = await startKeyService({
      store, tokens, logger, signer, masterKey,
      host: (values.host as string | undefined) ?? '127.0.0.1',
      port: numberOption('port', values.port as string | undefined, 8443, { integer: true }),
      checkpointEvery: numberOption('checkpoint-every', values['checkpoint-every'] as string | undefined, 100, { min: 1, integer: true }),
    });
    process.stdout.write(`${JSON.stringify({ keyService: ks.url, store: store.kind, auditKeyId: signer.keyId })}\n`);
    say(`edge-pdm keys: serving at ${ks.url} (store ${store.kind}, audit checkpoints signed by key ${signer.keyId}); Ctrl-C to stop`);
    await untilSignal();
    await ks.close();
  } finally {
    await store.close();
  }
  return 0;
}

/** The master key from --master-key FILE or $PDM_KEYS_MASTER_KEY (base64 of 32 bytes), if any. */
function readMasterKey(file: string | undefined): Buffer | undefined {
  let text = process.env.PDM_KEYS_MASTER_KEY;
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`--master-key: cannot read "${file}": ${(err as Error).message}`, { cause: err });
    }
  }
  if (!text) return undefined;
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new ConfigError(`--master-key: must hold 32 bytes in base64 (e.g. openssl rand -base64 32), got ${key.length}`);
  return key;
}

async function admin(sub: string, values: Record<string, string | boolean | undefined>): Promise<number> {
  const url = (values.url as string | undefined) ?? process.env.PDM_KEYS_URL ?? 'http://127.0.0.1:8443';
  const tokenFile = values['token-file'] as string | undefined;
  const token = tokenFile ? readFileSync(tokenFile, 'utf8').trim() : process.env.PDM_KEYS_TOKEN;
  if (!token) throw new ConfigError('keys: no token (set PDM_KEYS_TOKEN or give --token-file FILE)');
  const client = createKeyServiceClient({ url, token });
  const need = (name: string) => {
    const v = values[name];
    if (typeof v !== 'string' || !v) throw new ConfigError(`--${name}: required for "keys ${sub}"`);
    return v;
  };
  let out;
  if (sub === 'grant') {
    const ttl = parseDuration((values.ttl as string | undefined) ?? '30d');
    if (!ttl.ok) throw new ConfigError(`--ttl: ${ttl.reason}`);
    out = await client.createGrant({ site: need('site'), grantee: need('grantee'), purpose: (values.purpose as string | undefined) ?? 'diagnosis', expiresAt: new Date(Date.now() + ttl.value) });
  } else if (sub === 'revoke') out = await client.revokeGrant(need('grant'));
  else if (sub === 'rotate') out = await client.rotate(need('site'));
  else out = await client.listGrants(values.site as string | undefined);
  if (!out.ok) {
    say(`edge-pdm keys ${sub}: ${out.reason} (${out.code})`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(out.value, null, 2)}\n`);
  return 0;
}
