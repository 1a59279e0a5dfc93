// Chooses the real part or the embedded default for each port, from the environment.
// The same interfaces either way, so the embedded demo runs the code paths production runs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger, SqlStore, Transport, WorkQueue } from '../core/index.ts';
import { createJetStreamQueue, createMemoryQueue, createMqttTransport, namespacedQueue, startEmbeddedBroker, type BrokerLogin, type BrokerUser } from '../transport/index.ts';

import { openStore } from '../store/index.ts';
import type { Env } from './env.ts';

/** Something to close when the process stops, in reverse order of opening. */
export type Closer = () => Promise<void>;

/** Collects closers and runs them last-in first-out, never letting one failure skip the rest. */
export class Resources {
  private readonly closers: { name: string; close: Closer }[] = [];
  constructor(private readonly logger: Logger) {}

  /** Registers `close` under `name`; returns `value` for chaining. */
  add<T>(name: string, value: T, close: Closer): T {
    this.closers.push({ name, close });
    return value;
  }

  /** Closes everything, newest first. */
  async closeAll(): Promise<void> {
    for (const { name, close } of this.closers.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        this.logger.warn({ err, name }, 'close failed');
      }
    }
  }
}

/** The site broker's URL: MQTT_URL, or an embedded aedes broker started here. */
export async function siteBrokerUrl(env: Env, res: Resources, port = 0, users?: BrokerUser[], logger?: Logger): Promise<{ url: string; embedded: boolean }> {
  if (env.MQTT_URL) return { url: env.MQTT_URL, embedded: false };
  const broker = await startEmbeddedBroker({ host: '127.0.0.1', port, ...(users ? { users } : {}), ...(logger ? { logger } : {}) });
  res.add('embedded MQTT broker', broker, () => broker.close());
  return { url: broker.url, embedded: true };
}

/** An MQTT client of the site broker. */
export async function openMqtt(url: string, clientId: string, res: Resources, logger: Logger, login?: BrokerLogin): Promise<Transport> {
  const t = await createMqttTransport({ url, clientId, logger, ...(login ?? {}) });
  return res.add(`mqtt ${clientId}`, t, () => t.close());
}

/** The cloud link: NATS JetStream when NATS_URL is set, else the in-process queue. */
export async function openLink(env: Env, res: Resources, logger: Logger): Promise<{ queue: WorkQueue; kind: 'jetstream' | 'memory' }> {
  if (env.NATS_URL) {
    const ns = env.NATS_NAMESPACE;
    const q = await createJetStreamQueue({ url: env.NATS_URL, logger, stream: ns ? `PDM_${ns}` : 'PDM', subjects: [ns ? `${ns}.pdm.>` : 'pdm.>'] });
    res.add('jetstream', q, () => q.close());
    return { queue: ns ? namespacedQueue(q, ns) : q, kind: 'jetstream' };
  }
  const q = createMemoryQueue();
  return { queue: res.add('memory queue', q, () => q.close()), kind: 'memory' };
}

/** PostgreSQL when DATABASE_URL is set, else PGlite in `<PDM_DATA_DIR>/<name>` (or in memory). */
export async function openSqlStore(env: Env, name: string, res: Resources, opts: { inMemory?: boolean } = {}): Promise<SqlStore> {
  let dataDir: string | undefined;
  if (!env.DATABASE_URL && !opts.inMemory) {
    dataDir = join(env.PDM_DATA_DIR, name);
    mkdirSync(dataDir, { recursive: true });
  }
  const store = await openStore({ databaseUrl: env.DATABASE_URL, dataDir });
  return res.add(`store ${name}`, store, () => store.close());
}
