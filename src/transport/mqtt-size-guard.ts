// Refuses oversized MQTT packets at the embedded broker's socket, before anything buffers them:
// aedes (through mqtt-packet) would otherwise collect a whole packet of up to 256 MiB (the MQTT
// 3.1.1 limit of the Remaining Length, §2.2.3) in memory before any hook of ours sees it. The guard
// reads each fixed header, passes packets within the limit through unchanged, and streams past an
// oversized one, holding at most its topic and packet id. Like Mosquitto's message_size_limit with
// MQTT 3.1.1 clients, an oversized QoS 0/1 PUBLISH is dropped (QoS 1 acknowledged with a PUBACK,
// §3.3.4, so the client does not resend it after every reconnect) and the connection stays up;
// any other oversized packet (a QoS 2 PUBLISH, whose PUBREC would open a flow aedes knows nothing
// of, or a giant CONNECT/SUBSCRIBE) closes the connection (§4.8: the server may close it on a
// protocol violation; MQTT 5 names this reason 0x95 "Packet too large").
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/** What the guard decided about the bytes fed to it. */
export interface GuardOutput {
  /** Bytes to hand on to the broker (whole packets within the limit, in order). */
  pass: Buffer[];
  /** Packet ids of dropped QoS 1 PUBLISHes, to acknowledge with a PUBACK. */
  puback: number[];
  /** Oversized packets dropped in this chunk (counted by the caller). */
  dropped: number;
  /** Set when the connection must be closed: the reason. */
  close?: string;
}

const PUBLISH = 3;

/** Scans an MQTT byte stream packet by packet (fixed header §2.2, Remaining Length §2.2.3). */
export class MqttSizeGuard {
  private header: number[] = [];
  /** Bytes of the current packet still to pass (mode pass) or to skip (mode skip). */
  private left = 0;
  private mode: 'header' | 'pass' | 'skip' | 'closed' = 'header';
  /** For a dropped QoS 1 PUBLISH: its first bytes, until the topic and packet id are known. */
  private head: number[] | null = null;

  constructor(readonly maxPacketBytes: number) {}

  /** Feeds the next chunk from the socket. */
  feed(chunk: Buffer): GuardOutput {
    const out: GuardOutput = { pass: [], puback: [], dropped: 0 };
    let i = 0;
    while (i < chunk.length && this.mode !== 'closed') {
      if (this.mode === 'header') {
        const b = chunk[i++]!;
        this.header.push(b);
        const h = this.header;
        if (h.length === 1) continue;
        if (b & 0x80) {
          if (h.length === 5) return this.shut(out, 'malformed Remaining Length (more than 4 bytes)');
          continue;
        }
        let len = 0;
        for (let k = h.length - 1; k >= 1; k--) len = len * 128 + (h[k]! & 0x7f);
        const type = h[0]! >> 4;
        const qos = (h[0]! >> 1) & 3;
        if (len <= this.maxPacketBytes) {
          out.pass.push(Buffer.from(h));
          this.left = len;
          this.mode = 'pass';
        } else if (type === PUBLISH && qos < 2) {
          out.dropped++;
          this.left = len;
          this.mode = 'skip';
          this.head = qos === 1 ? [] : null;
        } else {
          return this.shut(out, `packet type ${type} of ${len} bytes exceeds the limit of ${this.maxPacketBytes}`);
        }
        this.header = [];
        if (this.left === 0) this.mode = 'header';
      } else {
        const n = Math.min(this.left, chunk.length - i);
        if (this.mode === 'pass') out.pass.push(chunk.subarray(i, i + n));
        else if (this.head) this.capture(chunk.subarray(i, i + n), out);
        i += n;
        this.left -= n;
        if (this.left === 0) {
          this.mode = 'header';
          this.head = null;
        }
      }
    }
    // Merge the pieces of whole and partial packets: one push per chunk.
    if (out.pass.length > 1) out.pass = [Buffer.concat(out.pass)];
    return out;
  }

  /** Collects the topic length, topic and packet id of a dropped QoS 1 PUBLISH (§3.3.2): at most 65,539 bytes. */
  private capture(bytes: Buffer, out: GuardOutput): void {
    const head = this.head!;
    const topicLen = () => head[0]! * 256 + head[1]!;
    for (const b of bytes) {
      head.push(b);
      if (head.length >= 2 && head.length === 2 + topicLen() + 2) {
        out.puback.push(head[head.length - 2]! * 256 + head[head.length - 1]!);
        this.head = null;
        return;
      }
    }
  }

  private shut(out: GuardOutput, reason: string): GuardOutput {
    this.mode = 'closed';
    out.close = reason;
    if (out.pass.length > 1) out.pass = [Buffer.concat(out.pass)];
    return out;
  }
}

/** Events of a guarded connection, for counting and logging. */
export interface GuardEvents {
  onDropped(count: number): void;
  onClosed(reason: string): void;
}

/**
 * The socket as aedes should see it: what the client sends passes through the guard; what the
 * broker writes goes straight to the socket.
 */
export function guardConnection(socket: Socket, maxPacketBytes: number, events: GuardEvents): Duplex {
  const guard = new MqttSizeGuard(maxPacketBytes);
  const conn = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      socket.write(chunk, cb);
    },
    final(cb) {
      socket.end(cb);
    },
    destroy(err, cb) {
      socket.destroy(err ?? undefined);
      cb(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    const r = guard.feed(chunk);
    if (r.dropped > 0) events.onDropped(r.dropped);
    // PUBACK: type 4, Remaining Length 2, packet id (§3.4). It may overtake aedes' acks of the
    // packets before it (§4.6 asks for order; MQTT.js matches acks by packet id).
    for (const id of r.puback) socket.write(Buffer.from([0x40, 0x02, id >> 8, id & 0xff]));
    for (const b of r.pass) if (!conn.push(b)) socket.pause();
    if (r.close) {
      events.onClosed(r.close);
      socket.destroy();
    }
  });
  socket.on('end', () => conn.push(null));
  socket.on('close', () => conn.destroy());
  socket.on('error', (err) => conn.destroy(err));
  return conn;
}
