// MQTT ingest: how many telemetry windows per second the edge agent takes in through a broker,
// beside the broker's own delivery rate to a subscriber that does nothing (counts messages). The
// ratio (agent / null subscriber) says how close the agent runs to the transport's limit: near 1
// the transport is the bottleneck, far below 1 the agent's feature extraction and scoring is.
//
//   node --import tsx eval/bench/mqtt-ingest.ts [--machines 20] [--steps 30] [--runs 3]
//        [--in-flight 64] [--mqtt mqtt://127.0.0.1:1883] [--json artifacts/bench-mqtt.json]
//
// Brokers: the embedded aedes broker (in this process) and Mosquitto at --mqtt (skipped with a
// message when unreachable). Windows are binary frames (the default encoding) of simulated
// healthy machines, encoded before timing; one publisher keeps --in-flight QoS 1 publishes
// outstanding, the same for both consumers. Publisher and consumer share this process (and, for
// aedes, the broker does too): the CPU figures are this process's CPU seconds, Mosquitto's own
// CPU is not counted. Rates are medians over --runs; the two consumers alternate within a run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeJson, encodeWindowBinary, machineTopic, type MachineBirth } from '../../src/core/index.ts';
import { createEdgeAgent } from '../../src/edge/agent.ts';
import { createSimulator, defaultPlant } from '../../src/simulator/index.ts';
import type { Transport } from '../../src/core/index.ts';
import { createMemoryQueue, createMqttTransport, startEmbeddedBroker } from '../../src/transport/index.ts';
import { cpuSecondsSince, environment, log, median, reachable, runMain, sig, until, writeReport, type SummaryRow } from './harness.ts';

const START_MS = Date.UTC(2024, 0, 1);

interface Frame {
  topic: string;
  bytes: Uint8Array;
}
interface Workload {
  site: string;
  births: MachineBirth[];
  frames: Frame[];
  samples: number;
  bytes: number;
}
interface Rate {
  windowsPerSecond: number;
  samplesPerSecond: number;
  windowsPerCpuSecond: number;
  mbPerSecond: number;
}

/** Healthy windows of `machines` machines for `steps` 5-minute steps, encoded as the simulator publishes them. */
export function workload(machines: number, steps: number, site: string): Workload {
  const plant = defaultPlant({ machines, sites: 1 });
  const sim = createSimulator({ plant, seed: 1, startMs: START_MS, faults: [] });
  const births = sim.births.map((b) => ({ ...b, site }));
  const frames: Frame[] = [];
  let samples = 0;
  let bytes = 0;
  for (let s = 0; s < steps; s++) {
    for (const w of sim.step()) {
      const frame = encodeWindowBinary({ ...w, site });
      frames.push({ topic: machineTopic({ site, line: w.line, machine: w.machine }, 'telemetry'), bytes: frame });
      for (const c of w.channels) samples += c.values.length;
      bytes += frame.byteLength;
    }
  }
  return { site, births, frames, samples, bytes };
}

/** Publishes every frame with at most `inFlight` QoS 1 publishes outstanding. */
async function publishAll(pub: Transport, frames: Frame[], inFlight: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < frames.length) {
      const f = frames[next++]!;
      await pub.publish(f.topic, f.bytes, { qos: 1 });
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, frames.length) }, worker));
}

/** Times from the first publish until `done()` holds; the rate of the whole workload. */
async function timed(w: Workload, pub: Transport, inFlight: number, done: () => boolean): Promise<Rate> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await publishAll(pub, w.frames, inFlight);
  await until(done, 'every window to be consumed', 120_000);
  const s = (performance.now() - t0) / 1000;
  const n = w.frames.length;
  return { windowsPerSecond: n / s, samplesPerSecond: w.samples / s, windowsPerCpuSecond: n / cpuSecondsSince(c0), mbPerSecond: w.bytes / 1e6 / s };
}

/** The broker's delivery rate to a subscriber that only counts (QoS 1, like the agent's subscription). */
async function nullRun(url: string, w: Workload, inFlight: number): Promise<Rate> {
  const sub = await createMqttTransport({ url, clientId: `bench-null-${process.pid}-${Math.random().toString(36).slice(2)}` });
  const pub = await createMqttTransport({ url, clientId: `bench-pub-${process.pid}-${Math.random().toString(36).slice(2)}` });
  try {
    let got = 0;
    await sub.subscribe(`pdm/${w.site}/+/+/telemetry`, () => void got++, { qos: 1 });
    return await timed(w, pub, inFlight, () => got >= w.frames.length);
  } finally {
    await pub.close();
    await sub.close();
  }
}

/** The edge agent's ingest rate: births first (untimed), then every window through decode, features, detectors. */
async function agentRun(url: string, w: Workload, inFlight: number): Promise<Rate & { deadLetters: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pdm-bench-mqtt-'));
  const transport = await createMqttTransport({ url, clientId: `bench-edge-${process.pid}-${Math.random().toString(36).slice(2)}` });
  const pub = await createMqttTransport({ url, clientId: `bench-pub-${process.pid}-${Math.random().toString(36).slice(2)}` });
  const link = createMemoryQueue();
  const agent = await createEdgeAgent({ site: w.site, dataDir, transport, link, ingest: { shed: false } }); // capacity is measured: process every window, shed none
  try {
    for (const b of w.births) await pub.publish(machineTopic(b, 'birth'), encodeJson(b), { qos: 1 });
    await until(() => agent.counters.get('edge.births') >= w.births.length, 'the births');
    const taken = () => agent.stats().windows + agent.stats().deadLetters;
    const r = await timed(w, pub, inFlight, () => taken() >= w.frames.length);
    return { ...r, deadLetters: agent.stats().deadLetters };
  } finally {
    await agent.close();
    await link.close();
    await pub.close();
    await transport.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface BrokerResult {
  broker: string;
  url: string;
  nullSubscriber: Rate;
  agent: Rate;
  /** Agent windows/s over null-subscriber windows/s, median of the per-run ratios. */
  ratio: number;
  deadLetters: number;
}

async function measure(broker: string, url: string, machines: number, steps: number, runs: number, inFlight: number): Promise<BrokerResult> {
  const nulls: Rate[] = [];
  const agents: (Rate & { deadLetters: number })[] = [];
  for (let i = 0; i < runs; i++) {
    // A fresh site per run: Mosquitto keeps retained state between runs, the agent's seq checks must start clean.
    const w = workload(machines, steps, `bench${process.pid}r${i}${broker}`);
    if (i === 0) log(`  ${broker}: ${w.frames.length} windows (${(w.bytes / w.frames.length / 1024).toFixed(1)} KiB, ${Math.round(w.samples / w.frames.length)} samples each)`);
    const first = i % 2 === 0; // alternate the order so drift in the machine's load hits both alike
    if (first) nulls.push(await nullRun(url, w, inFlight));
    agents.push(await agentRun(url, w, inFlight));
    if (!first) nulls.push(await nullRun(url, w, inFlight));
    log(`  ${broker} run ${i + 1}/${runs}: null subscriber ${Math.round(nulls.at(-1)!.windowsPerSecond)} windows/s, agent ${Math.round(agents.at(-1)!.windowsPerSecond)} windows/s`);
  }
  const med = (rs: Rate[]): Rate => ({
    windowsPerSecond: sig(median(rs.map((r) => r.windowsPerSecond)))!,
    samplesPerSecond: sig(median(rs.map((r) => r.samplesPerSecond)))!,
    windowsPerCpuSecond: sig(median(rs.map((r) => r.windowsPerCpuSecond)))!,
    mbPerSecond: sig(median(rs.map((r) => r.mbPerSecond)))!,
  });
  return {
    broker, url, nullSubscriber: med(nulls), agent: med(agents),
    ratio: sig(median(agents.map((a, i) => a.windowsPerSecond / nulls[i]!.windowsPerSecond)), 3)!,
    deadLetters: agents.reduce((s, a) => s + a.deadLetters, 0),
  };
}

function rows(label: string, r: BrokerResult | { skipped: string }): SummaryRow[] {
  if ('skipped' in r) {
    return [
      { name: `MQTT ingest via ${label}, edge agent`, value: null, unit: 'windows/s', note: r.skipped },
      { name: `MQTT delivery via ${label}, null subscriber`, value: null, unit: 'windows/s', note: r.skipped },
    ];
  }
  return [
    { name: `MQTT ingest via ${label}, edge agent`, value: r.agent.windowsPerSecond, unit: 'windows/s', note: `${sig(r.agent.samplesPerSecond / 1e6, 3)} M samples/s; ${r.agent.windowsPerCpuSecond} per CPU s` },
    { name: `MQTT delivery via ${label}, null subscriber`, value: r.nullSubscriber.windowsPerSecond, unit: 'windows/s', note: `${sig(r.nullSubscriber.samplesPerSecond / 1e6, 3)} M samples/s; ${r.nullSubscriber.mbPerSecond} MB/s` },
    { name: `MQTT ingest via ${label}, agent / null subscriber`, value: r.ratio, unit: 'ratio', note: '1 = at the transport limit' },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      machines: { type: 'string', default: '20' },
      steps: { type: 'string', default: '30' },
      runs: { type: 'string', default: '3' },
      'in-flight': { type: 'string', default: '64' },
      mqtt: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      json: { type: 'string', default: 'artifacts/bench-mqtt.json' },
    },
  });
  const [machines, steps, runs, inFlight] = [values.machines, values.steps, values.runs, values['in-flight']].map(Number) as [number, number, number, number];
  if (![machines, steps, runs, inFlight].every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--machines, --steps, --runs, --in-flight: integers >= 1');
  const env = environment();
  log(`MQTT ingest: ${machines} machines x ${steps} windows, ${runs} run(s), ${inFlight} publishes in flight`);
  const embedded = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
  let aedes: BrokerResult;
  try {
    aedes = await measure('aedes', embedded.url, machines, steps, runs, inFlight);
  } finally {
    await embedded.close();
  }
  const mosquitto: BrokerResult | { skipped: string } = (await reachable(values.mqtt!, 1883))
    ? await measure('mosquitto', values.mqtt!, machines, steps, runs, inFlight)
    : { skipped: `Mosquitto at ${values.mqtt} unreachable` };
  if ('skipped' in mosquitto) log(`  Mosquitto skipped: ${mosquitto.skipped}`);
  const summary = [...rows('aedes (embedded)', aedes), ...rows('Mosquitto', mosquitto)];
  await writeReport(values.json!, { bench: 'mqtt-ingest', ...env, machines, steps, runs, inFlight, aedes, mosquitto, summary });
  const line = (r: BrokerResult | { skipped: string }, name: string) =>
    'skipped' in r
      ? `  ${name.padEnd(18)} skipped: ${r.skipped}\n`
      : `  ${name.padEnd(18)} agent ${String(r.agent.windowsPerSecond).padStart(7)} windows/s (${sig(r.agent.samplesPerSecond / 1e6, 3)} M samples/s)   null subscriber ${String(r.nullSubscriber.windowsPerSecond).padStart(7)} windows/s   ratio ${r.ratio}\n`;
  process.stdout.write(`MQTT ingest benchmark: median of ${runs}; JSON in ${values.json}\n${line(aedes, 'aedes (embedded)')}${line(mosquitto, 'Mosquitto')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) runMain(main);
