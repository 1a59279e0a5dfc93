// The embedded site broker: aedes on a node:net server, so the edge runs with nothing installed
// and other processes (simulator, mosquitto_sub) can still connect over TCP. With users configured
// it authenticates CONNECTs and enforces per-site topic grants (broker-acl.ts); an optional
// node:tls listener serves `mqtts://`.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { MAX_MESSAGE_BYTES } from '../core/codec.ts';
import { Counters } from '../core/counters.ts';
import { ConfigError, ServiceUnavailableError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { silentLogger } from '../core/logger.ts';
import { brokerUserSchema, grantsFor, mayPublish, maySubscribe, type BrokerUser, type TopicGrants } from './broker-acl.ts';
import { guardConnection } from './mqtt-size-guard.ts';
import { secretsEqual, verifyPassword } from './password-hash.ts';

/** TLS listener options: PEM contents (read the files in the caller). */
export interface BrokerTlsConfig {
  /** Port of the TLS listener (0 picks a free one; 8883 is the IANA port for MQTT over TLS). */
  port?: number;
  cert: string | Buffer;
  key: string | Buffer;
  /** CA that client certificates must chain to; with it, clients must present a valid certificate. */
  ca?: string | Buffer;
  /** Require a client certificate signed by `ca` (default: true when `ca` is given). */
  requireClientCert?: boolean;
}

/** Options of the embedded broker. */
export interface EmbeddedBrokerConfig {
  host?: string;
  /** Plain TCP port (0 picks a free port); `null` disables the plain listener (TLS only). */
  port?: number | null;
  /** Users; when absent or empty the broker is anonymous (development default), and says so in the log. */
  users?: BrokerUser[];
  tls?: BrokerTlsConfig;
  logger?: Logger;
  /**
   * Largest MQTT packet a client may send, bytes (default DEFAULT_MAX_PACKET_BYTES; 0: no limit).
   * Checked on the fixed header, before the packet is buffered (mqtt-size-guard.ts): an oversized
   * QoS 0/1 PUBLISH is acknowledged and dropped, anything else oversized closes the connection.
   */
  maxPacketBytes?: number;
}

/**
 * The decoders' own limit (MAX_MESSAGE_BYTES, 4 MiB) plus room for the largest topic (65,535
 * bytes and its 2-byte length, MQTT 3.1.1 §1.5.3) and a packet id: no message a decoder would
 * accept is refused at the socket, and nothing larger is ever buffered.
 */
export const DEFAULT_MAX_PACKET_BYTES = MAX_MESSAGE_BYTES + 65_539;

/** A running embedded MQTT broker. */
export interface EmbeddedBroker {
  /** `mqtt://host:port` (plain listener) or, with TLS only, `mqtts://host:tlsPort`, to hand to MQTT clients. */
  url: string;
  port: number;
  /** `mqtts://host:port` of the TLS listener, when configured. */
  tlsUrl?: string;
  tlsPort?: number;
  /** `broker.auth_refused`, `broker.publish_denied`, `broker.subscribe_denied`, `broker.oversized_dropped`, `broker.oversized_closed`. */
  counters: Counters;
  /** Closes every client connection, the listeners and the broker. */
  close(): Promise<void>;
}

// Per (user, topic) a refusal is logged once; later ones are only counted, so a misconfigured
// 1 kHz publisher cannot flood the log. The set is bounded.
const MAX_LOGGED_REFUSALS = 1000;

// MQTT 3.1.1 §3.2.2.3 CONNACK return codes.
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

/** Starts an aedes MQTT broker listening on `host:port` (port 0 picks a free port). */
export async function startEmbeddedBroker(cfg: EmbeddedBrokerConfig = {}): Promise<EmbeddedBroker> {
  const host = cfg.host ?? '127.0.0.1';
  const log = cfg.logger ?? silentLogger();
  const counters = new Counters();
  const users = new Map<string, BrokerUser>();
  for (const u of cfg.users ?? []) {
    const parsed = brokerUserSchema.safeParse(u);
    if (!parsed.success) throw new ConfigError(`broker user "${u.username}": ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    if (users.has(u.username)) throw new ConfigError(`broker user "${u.username}" is listed twice`);
    users.set(u.username, parsed.data);
  }
  const secured = users.size > 0;
  const maxPacketBytes = cfg.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
  const grants = new WeakMap<Client, { username: string; grants: TopicGrants }>();
  const logged = new Set<string>();
  const refuse = (counter: string, fields: Record<string, unknown>, msg: string) => {
    counters.inc(counter);
    const key = `${counter}|${String(fields.username)}|${String(fields.topic ?? '')}`;
    if (logged.has(key) || logged.size >= MAX_LOGGED_REFUSALS) return;
    logged.add(key);
    log.warn({ ...fields, counter }, msg); // never the password
  };

  const broker = await Aedes.createBroker(
    secured
      ? {
          authenticate(client, username, password, done) {
            const fail = (code: number) => {
              refuse('broker.auth_refused', { clientId: client.id, username: username ?? null }, 'mqtt connect refused');
              const err = new Error('connection refused') as AuthenticateError;
              err.returnCode = code as AuthenticateError['returnCode'];
              done(err, false);
            };
            if (username === undefined || password === undefined) return fail(NOT_AUTHORIZED);
            const user = users.get(username);
            const given = password.toString('utf8');
            const check = !user
              ? Promise.resolve(false)
              : user.passwordHash !== undefined
                ? verifyPassword(given, user.passwordHash)
                : Promise.resolve(secretsEqual(given, user.password ?? ''));
            check.then(
              (okay) => {
                if (!okay || !user) return fail(BAD_USERNAME_OR_PASSWORD);
                grants.set(client, { username, grants: grantsFor(user) });
                done(null, true);
              },
              () => fail(BAD_USERNAME_OR_PASSWORD),
            );
          },
          authorizePublish(client, packet, done) {
            // client is null for a stored will of a gone client: it was authorized when it connected.
            if (!client) return done(null);
            const g = grants.get(client);
            if (g && mayPublish(g.grants, packet.topic)) return done(null);
            refuse('broker.publish_denied', { clientId: client.id, username: g?.username ?? null, topic: packet.topic }, 'mqtt publish denied');
            // MQTT 3.1.1 §3.3.5: a refused PUBLISH is either acknowledged and dropped or the
            // connection closed. aedes closes on an error, and MQTT.js would resend the same QoS 1
            // message after every reconnect, so acknowledge and drop like Mosquitto does: the
            // packet goes, emptied, to a `$` topic nobody may subscribe to (wildcards never match
            // `$` topics, §4.7.2).
            packet.topic = '$denied';
            packet.payload = Buffer.alloc(0);
            packet.retain = false;
            done(null);
          },
          authorizeSubscribe(client, sub, done) {
            const g = grants.get(client);
            if (g && !sub.topic.startsWith('$') && maySubscribe(g.grants, sub.topic)) return done(null, sub);
            refuse('broker.subscribe_denied', { clientId: client.id, username: g?.username ?? null, topic: sub.topic }, 'mqtt subscribe denied');
            done(null, null); // SUBACK 0x80 for this filter (§3.9.3)
          },
        }
      : {},
  );

  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy()); // e.g. a failed TLS handshake: drop, do not crash
    if (maxPacketBytes === 0) return broker.handle(socket);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    let warned = false; // once per connection: a flooding client must not flood the log too
    broker.handle(guardConnection(socket, maxPacketBytes, {
      onDropped: (n) => {
        counters.inc('broker.oversized_dropped', n);
        if (!warned) log.warn({ peer, maxPacketBytes }, 'oversized mqtt publish dropped before buffering (counted in broker.oversized_dropped)');
        warned = true;
      },
      onClosed: (reason) => {
        counters.inc('broker.oversized_closed');
        log.warn({ peer, reason }, 'mqtt connection closed: oversized packet');
      },
    }));
  };
  const servers: Server[] = [];
  const listen = async (server: Server, port: number, what: string) => {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.push(server);
    } catch (err) {
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      await new Promise<void>((r) => broker.close(() => r()));
      throw new ServiceUnavailableError('mqtt', `embedded broker cannot listen (${what}) on ${host}:${port}`, { cause: err });
    }
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  };
  const hostPart = host.includes(':') ? `[${host}]` : host;

  let port = 0;
  let url: string | undefined;
  if (cfg.port !== null) {
    port = await listen(createServer(track), cfg.port ?? 1883, 'tcp');
    url = `mqtt://${hostPart}:${port}`;
  }
  let tlsPort: number | undefined;
  let tlsUrl: string | undefined;
  if (cfg.tls) {
    const t = cfg.tls;
    const requireCert = t.requireClientCert ?? t.ca !== undefined;
    if (requireCert && !t.ca) throw new ConfigError('embedded broker: requireClientCert needs a ca');
    const server = createTlsServer({ cert: t.cert, key: t.key, ca: t.ca, requestCert: requireCert, rejectUnauthorized: requireCert, minVersion: 'TLSv1.2' }, track);
    server.on('tlsClientError', (err) => log.warn({ err: err.message }, 'mqtt tls handshake failed'));
    tlsPort = await listen(server, t.port ?? 8883, 'tls');
    tlsUrl = `mqtts://${hostPart}:${tlsPort}`;
  }
  if (!url && !tlsUrl) throw new ConfigError('embedded broker: no listener (port null and no tls)');
  if (secured) log.info({ users: users.size, tls: Boolean(tlsUrl) }, 'embedded broker: authentication and per-site topic permissions on');
  else log.info({ tls: Boolean(tlsUrl) }, 'embedded broker: ANONYMOUS access, no credentials configured (development default)');

  let closing: Promise<void> | undefined;
  return {
    url: url ?? tlsUrl!,
    port: url ? port : tlsPort!,
    tlsUrl,
    tlsPort,
    counters,
    close() {
      closing ??= (async () => {
        const serversClosed = Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
        await new Promise<void>((r) => broker.close(() => r()));
        // aedes closes its clients; destroy any socket still open (e.g. mid-handshake) so
        // server.close() does not wait for it.
        for (const s of sockets) s.destroy();
        await serversClosed;
      })();
      return closing;
    },
  };
}
