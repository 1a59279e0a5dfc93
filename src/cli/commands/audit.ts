// `edge-pdm audit verify`: proves an audit log intact or names the first altered, removed or
// reordered entry (hash chain + Ed25519-signed checkpoints).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicKey } from 'node:crypto';
import { ConfigError, type SqlStore } from '../../core/index.ts';
import { openStore } from '../../store/index.ts';
import { verifyAudit, type AuditVerdict } from '../../sovereignty/index.ts';
import type { Command } from './command.ts';

export const audit: Command = {
  summary: 'verify a tamper-evident audit log (hash chain and signed checkpoints)',
  help: `edge-pdm audit verify [--database URL | --data-dir DIR] [options]

Re-computes every record's SHA-256, follows the chain, checks each Ed25519-signed checkpoint and
prints "intact" or the first altered, removed or reordered entry. Exit code 0 when intact, 1 when not.

  --database URL     PostgreSQL holding the log
  --data-dir DIR     PGlite directory holding the log (default: $PDM_DATA_DIR/keys, the key
                     service's store; stop the process that has it open first)
  --trust-key FILE   Ed25519 public (or private) key PEM that must have signed the checkpoints;
                     repeat as comma-separated files. Without it the keys stored beside the
                     checkpoints are used, which proves integrity only against edits that
                     leave the checkpoints alone.
  --json             print the verdict as JSON`,
  options: {
    database: { type: 'string' },
    'data-dir': { type: 'string' },
    'trust-key': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals, env }) {
    const sub = positionals[0] ?? 'verify';
    if (sub !== 'verify') throw new ConfigError(`audit: unknown subcommand "${sub}" (only "verify")`);
    if (values.database && values['data-dir']) throw new ConfigError('--database / --data-dir: give one, not both');
    const store = await openStore(values.database ? { databaseUrl: String(values.database) } : { dataDir: (values['data-dir'] as string | undefined) ?? join(env.PDM_DATA_DIR, 'keys') });
    try {
      const verdict = await runAuditVerify(store, trustedKeys(values['trust-key'] as string | undefined));
      process.stdout.write(values.json ? `${JSON.stringify(verdict, null, 2)}\n` : `${verdict.summary}\n`);
      return verdict.intact ? 0 : 1;
    } finally {
      await store.close();
    }
  },
};

/** Reads the --trust-key files as public-key PEMs (a private key yields its public key). */
function trustedKeys(option: string | undefined): string[] | undefined {
  if (!option) return undefined;
  return option.split(',').map((file) => {
    try {
      return createPublicKey(readFileSync(file.trim(), 'utf8')).export({ type: 'spki', format: 'pem' }).toString();
    } catch (err) {
      throw new ConfigError(`--trust-key: "${file}" is not a PEM key: ${(err as Error).message}`, { cause: err });
    }
  });
}

/** Verifies the log in `store`; a store without an audit log is a clear error, not an empty success. */
export async function runAuditVerify(store: SqlStore, trusted?: string[]): Promise<AuditVerdict> {
  const { rows } = await store.query<{ t: string | null }>(`SELECT to_regclass('audit_log')::text AS t`);
  if (!rows[0]?.t) throw new ConfigError('audit verify: this database holds no audit log (table audit_log is missing)');
  return verifyAudit(store, { trustedKeys: trusted });
}
