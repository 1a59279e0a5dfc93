// Test support: an enterprise service on a fresh, migrated, seeded store (PGlite in memory or
// a temporary PostgreSQL database), and request builders. Used by this folder's tests only.
import type { MachineType, MaintenanceRequest, SqlStore } from '../core/index.ts';
import { createTempDatabase } from '../../test/support/services.ts';
import { createPgliteStore, createPostgresStore, migrate } from '../store/index.ts';
import type { StockSeed } from './catalogue.ts';
import type { EnterpriseConfig } from './types.ts';
import { ENTERPRISE_MIGRATIONS_TABLE, enterpriseMigrations } from './migrations.ts';
import { seedCatalogue } from './seed.ts';
import { createEnterpriseService, type EnterpriseService } from './service.ts';

export const HOUR_MS = 3_600_000;

/** One token per role for API tests. */
export const TEST_TOKENS = [
  { role: 'planner', token: 'planner-token-1234' },
  { role: 'viewer', token: 'viewer-token-1234' },
  { role: 'integration', token: 'integration-token-1234' },
] as const satisfies { role: string; token: string }[];
/** Authorization header of a role's test token. */
export const authAs = (role: 'planner' | 'viewer' | 'integration') => ({ authorization: `Bearer ${TEST_TOKENS.find((t) => t.role === role)!.token}` });
/** Event time the tests' plants start at: 2025-01-06T00:00Z. */
export const T0 = Date.UTC(2025, 0, 6);

/** Back-to-back shifts from midnight: the schedule most tests reason about. */
export const THREE_SHIFTS: Partial<EnterpriseConfig> = { shiftsPerDay: 3, firstShiftHourUtc: 0 };

export interface Fixture {
  store: SqlStore;
  /** A second store on the same database (a second worker process); PGlite has one connection, so it is the same store. */
  openPeer(): Promise<SqlStore>;
  service: EnterpriseService;
  close(): Promise<void>;
}

/** Opens a store of `kind`, migrates and seeds it (with `stock` on the shelf), and builds the service. */
export async function openFixture(kind: 'pglite' | 'postgres', stock: StockSeed[] = [], config: Partial<EnterpriseConfig> = THREE_SHIFTS): Promise<Fixture> {
  let store: SqlStore;
  let drop: (() => Promise<void>) | undefined;
  let url: string | undefined;
  const peers: SqlStore[] = [];
  if (kind === 'pglite') store = await createPgliteStore();
  else {
    const db = await createTempDatabase();
    drop = db.drop;
    url = db.url;
    store = await createPostgresStore({ url: db.url, max: 12 });
  }
  await migrate(store, enterpriseMigrations, { table: ENTERPRISE_MIGRATIONS_TABLE });
  await seedCatalogue(store, { stock });
  let clock = T0;
  const service = createEnterpriseService({ store, now: () => ++clock, config });
  return {
    store,
    service,
    async openPeer() {
      if (!url) return store;
      const peer = await createPostgresStore({ url, max: 12 });
      peers.push(peer);
      return peer;
    },
    async close() {
      for (const p of peers) await p.close();
      await store.close();
      await drop?.();
    },
  };
}

/** A maintenance request with defaults; override what the test is about. */
export function request(over: Partial<MaintenanceRequest> & { incidentId: string; site: string; machine: string; machineType: MachineType }): MaintenanceRequest {
  return {
    v: 1,
    line: 'line-1',
    faultType: 'bearing-outer-race',
    component: 'drive-end-bearing',
    priority: 'high',
    detectedAt: T0,
    dueBy: T0 + 200 * HOUR_MS,
    explanation: 'BPFO harmonics in the envelope spectrum',
    ...over,
  };
}
