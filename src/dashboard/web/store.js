// The page's copy of the fleet: machines, incidents and a bounded history per machine, updated
// from the event stream. Views subscribe and update only what an event touched.
import { machineKey, pushBounded } from './lib.js';

/** Points of live history the page keeps per machine (older ones are dropped). */
export const MAX_POINTS = 2000;

export const store = {
  machines: new Map(),
  incidents: new Map(),
  byMachine: new Map(), // machine key → Set of incident ids
  history: new Map(), // machine key → [{ t, wallMs, score, features }]
  stats: {},
  listeners: new Set(),
};

function indexIncident(i) {
  const k = machineKey(i.escalation);
  if (!store.byMachine.has(k)) store.byMachine.set(k, new Set());
  store.byMachine.get(k).add(i.escalation.id);
}

function record(m) {
  if (!m.status) return;
  const k = machineKey(m);
  if (!store.history.has(k)) store.history.set(k, []);
  const h = store.history.get(k);
  const last = h[h.length - 1];
  if (last && last.t >= m.status.ts) return; // a repeat or an out-of-order report
  pushBounded(h, { t: m.status.ts, wallMs: typeof m.lastSeenMs === 'number' ? m.lastSeenMs : null, score: m.status.score, features: m.status.features || {} }, MAX_POINTS);
}

/** Applies one stream event and tells the listeners what changed. */
export function apply(type, data) {
  if (type === 'snapshot') {
    store.machines.clear(); store.incidents.clear(); store.byMachine.clear();
    for (const m of data.machines) { store.machines.set(machineKey(m), m); record(m); }
    for (const i of data.incidents) { store.incidents.set(i.escalation.id, i); indexIncident(i); }
    store.stats = data.stats || {};
  } else if (type === 'status') {
    store.machines.set(machineKey(data.machine), data.machine);
    record(data.machine);
  } else if (data && data.incident) {
    store.incidents.set(data.incident.escalation.id, data.incident);
    indexIncident(data.incident);
  }
  for (const l of store.listeners) l(type, data);
}

/** Calls `fn(type, data)` after every applied event; returns the unsubscribe function. */
export function onChange(fn) {
  store.listeners.add(fn);
  return () => store.listeners.delete(fn);
}

/** Merges server-kept history (older points) in front of what the page has seen live. */
export function mergeHistory(key, points) {
  const live = store.history.get(key) || [];
  const firstLive = live.length ? live[0].t : Infinity;
  const merged = points.filter((p) => p.t < firstLive).concat(live);
  store.history.set(key, merged.slice(-MAX_POINTS));
}

/** Incidents of a machine, newest first. */
export function incidentsOf(key) {
  const ids = store.byMachine.get(key);
  if (!ids) return [];
  return [...ids].map((id) => store.incidents.get(id)).filter(Boolean).sort((a, b) => b.escalation.openedAt - a.escalation.openedAt);
}
