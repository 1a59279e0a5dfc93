// The key service's own tables: each site's key-encryption keys by version, and the grants under
// which a cloud principal may unwrap. KEKs are stored in this database only: it is the plant's.
import type { Migration } from '../../store/index.ts';

export const KEYS_MIGRATIONS_TABLE = 'sovereignty_keys_migrations';

export const keysMigrations: Migration[] = [
  {
    version: 1,
    name: 'keks and grants',
    sql: `
      CREATE TABLE IF NOT EXISTS kms_keks (
        site text NOT NULL,
        version integer NOT NULL,
        key_b64 text NOT NULL,
        created_ms bigint NOT NULL,
        PRIMARY KEY (site, version)
      );
      CREATE TABLE IF NOT EXISTS kms_grants (
        id text PRIMARY KEY,
        grantee text NOT NULL,
        site text NOT NULL,
        purpose text NOT NULL,
        created_ms bigint NOT NULL,
        expires_ms bigint NOT NULL,
        revoked_ms bigint
      );
      CREATE INDEX IF NOT EXISTS kms_grants_lookup ON kms_grants (grantee, site);`,
  },
];
