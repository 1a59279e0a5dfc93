// Transport over MQTT.js 5 (MQTT 3.1.1 on the wire): the site broker, aedes in process or Mosquitto.
// One network subscription per filter; incoming messages are dispatched to local handlers by
// matching the topic against every filter, so several handlers may share a filter.
import mqtt, { type MqttClient } from 'mqtt';
import { Counters } from '../core/counters.ts';
import { ServiceUnavailableError, TransportError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { silentLogger } from '../core/logger.ts';
import type { MessageHandler, Transport } from '../core/ports.ts';
import { toBytes } from './bytes.ts';
import { isValidMqttFilter, mqttTopicMatches } from './mqtt-topic.ts';

/** Options of the MQTT transport. */
export interface MqttTransportConfig {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883`. */
  url: string;
  clientId?: string;
  logger?: Logger;
  /** Give up the first connection after this long (ms); later losses reconnect forever. */
  connectTimeoutMs?: number;
  /** Wait between reconnect attempts (ms). */
  reconnectPeriodMs?: number;
  /** MQTT CONNECT username/password (Mosquitto password file, embedded broker users). */
  username?: string;
  password?: string;
  /** TLS (`mqtts://`): CA to trust, client certificate and key (PEM contents). */
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Verify the server certificate (default true; false only for throwaway development setups). */
  rejectUnauthorized?: boolean;
}

// MQTT 3.1.1 §3.2.2.3 CONNACK codes 4/5 and MQTT 5 reason codes 0x86/0x87: the broker refused
// the credentials. Retrying with the same ones cannot succeed, so do not reconnect forever.
const REFUSED_CODES = new Set([4, 5, 134, 135]);

function refusedCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && REFUSED_CODES.has(code) ? code : undefined;
}

/** The MQTT Transport, with counters (`transport.handler_error`, `transport.reconnect`, `transport.delivered`, `transport.auth_refused`). */
export interface MqttTransport extends Transport {
  readonly counters: Counters;
}

// On close, in-flight QoS 1 messages get this long (ms) to be acked before the socket is forced shut.
const CLOSE_GRACE_MS = 2000;

/** Connects to an MQTT broker; resolves once connected; rejects with TransportError when the broker refuses the credentials, ServiceUnavailableError otherwise. */
export async function createMqttTransport(cfg: MqttTransportConfig): Promise<MqttTransport> {
  const log = cfg.logger ?? silentLogger();
  const connectTimeoutMs = cfg.connectTimeoutMs ?? 5000;
  const counters = new Counters();
  const handlers = new Map<string, Set<MessageHandler>>();
  const client: MqttClient = mqtt.connect(cfg.url, {
    clientId: cfg.clientId ?? `edge-pdm-${Math.random().toString(16).slice(2, 10)}`,
    clean: true,
    connectTimeout: connectTimeoutMs,
    reconnectPeriod: cfg.reconnectPeriodMs ?? 1000,
    resubscribe: true, // MQTT.js re-sends our subscriptions after a reconnect
    protocolVersion: 4,
    ...(cfg.username !== undefined ? { username: cfg.username } : {}),
    ...(cfg.password !== undefined ? { password: cfg.password } : {}),
    ...(cfg.ca !== undefined ? { ca: cfg.ca } : {}),
    ...(cfg.cert !== undefined ? { cert: cfg.cert } : {}),
    ...(cfg.key !== undefined ? { key: cfg.key } : {}),
    rejectUnauthorized: cfg.rejectUnauthorized ?? true,
  });
  // Never put the password in a log line or error message.
  const who = cfg.username !== undefined ? ` as ${cfg.username}` : '';

  let lastError: Error | undefined;
  let refused: TransportError | undefined;
  let onRefused: ((err: TransportError) => void) | undefined;
  client.on('error', (err) => {
    lastError = err;
    const code = refusedCode(err);
    if (code !== undefined) {
      if (refused) return;
      refused = new TransportError(`mqtt broker ${cfg.url} refused the connection${who}: CONNACK code ${code} (${code === 4 || code === 134 ? 'bad username or password' : 'not authorized'})`, { cause: err });
      counters.inc('transport.auth_refused');
      log.error({ url: cfg.url, username: cfg.username, code }, 'mqtt connection refused; not reconnecting');
      client.end(true); // stop the reconnect loop
      onRefused?.(refused);
      return;
    }
    log.warn({ err, url: cfg.url }, 'mqtt client error');
  });

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no CONNACK within ${connectTimeoutMs} ms`, { cause: lastError }));
      }, connectTimeoutMs);
      const onConnect = () => {
        cleanup();
        resolve();
      };
      const cleanup = () => {
        clearTimeout(timer);
        client.off('connect', onConnect);
        onRefused = undefined;
      };
      onRefused = (err) => {
        cleanup();
        reject(err);
      };
      client.once('connect', onConnect);
    });
  } catch (err) {
    client.end(true);
    if (err instanceof TransportError) throw err;
    const reason = lastError ? `${lastError.message}` : (err as Error).message;
    throw new ServiceUnavailableError('mqtt', `cannot connect to ${cfg.url}: ${reason}`, { cause: lastError ?? err });
  }
  log.debug({ url: cfg.url }, 'mqtt connected');

  client.on('reconnect', () => counters.inc('transport.reconnect'));
  client.on('offline', () => log.warn({ url: cfg.url }, 'mqtt offline, reconnecting'));
  client.on('connect', () => log.info({ url: cfg.url }, 'mqtt reconnected'));
  client.on('message', (topic, payload) => {
    for (const [filter, set] of handlers) {
      if (!mqttTopicMatches(filter, topic)) continue;
      for (const h of set) {
        try {
          h(topic, payload);
          counters.inc('transport.delivered');
        } catch (err) {
          counters.inc('transport.handler_error');
          log.error({ err, topic }, 'mqtt message handler threw');
        }
      }
    }
  });

  let closed = false;
  let closing: Promise<void> | undefined;
  const ensureOpen = (op: string) => {
    if (closed) throw new TransportError(`mqtt transport ${cfg.url}: ${op} after close()`);
    if (refused) throw refused;
  };

  return {
    counters,
    async publish(topic, payload, opts) {
      ensureOpen('publish');
      const bytes = toBytes(payload);
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      try {
        // QoS 1 by default: delivery is at least once on every hop (DESIGN.md, Contracts).
        await client.publishAsync(topic, buf, { qos: opts?.qos ?? 1, retain: opts?.retain ?? false });
      } catch (err) {
        throw new TransportError(`mqtt publish to ${topic} failed`, { cause: err });
      }
    },
    async subscribe(filter, handler, opts) {
      ensureOpen('subscribe');
      if (!isValidMqttFilter(filter)) throw new TransportError(`mqtt: invalid topic filter "${filter}"`);
      let set = handlers.get(filter);
      if (!set) handlers.set(filter, (set = new Set()));
      set.add(handler);
      try {
        const granted = await client.subscribeAsync(filter, { qos: opts?.qos ?? 1 });
        // §3.9.3: return code 0x80 means the broker refused the subscription.
        if (granted.some((g) => g.qos === 128)) throw new Error('SUBACK return code 0x80 (refused)');
      } catch (err) {
        set.delete(handler);
        if (set.size === 0) handlers.delete(filter);
        throw new TransportError(`mqtt subscribe to ${filter} failed`, { cause: err });
      }
      let done = false;
      return async () => {
        if (done) return;
        done = true;
        const s = handlers.get(filter);
        if (!s) return;
        s.delete(handler);
        if (s.size > 0) return;
        handlers.delete(filter);
        if (!closed) await client.unsubscribeAsync(filter);
      };
    },
    close() {
      closed = true;
      handlers.clear();
      closing ??= (async () => {
        // Give in-flight QoS 1 publishes a grace period to be acked, then close without waiting
        // (MQTT.js end(false) would wait forever for a broker that never answers).
        const deadline = Date.now() + CLOSE_GRACE_MS;
        while (client.connected && Object.keys(client.outgoing).length > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 10));
        }
        const drained = client.connected && Object.keys(client.outgoing).length === 0;
        await client.endAsync(!drained); // graceful DISCONNECT when possible
      })();
      return closing;
    },
  };
}
