import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import type { DashboardState, Incident } from '../core/index.ts';
import { dashboardPage } from './server.ts';
import { sampleIncident } from './incident.test-support.ts';

/** Just enough DOM to run the page's script: elements with children, text and classes. */
class FakeElement {
  children: FakeElement[] = [];
  className = '';
  colSpan = 1;
  private text = '';
  constructor(readonly tagName: string) {}
  get nodeType() { return 1; }
  get firstChild(): FakeElement | null { return this.children[0] ?? null; }
  set textContent(t: string) { this.text = t; this.children = []; }
  get textContent(): string { return this.text + this.children.map((c) => c.textContent).join(' '); }
  appendChild(c: FakeElement) { this.children.push(c); return c; }
  replaceChildren() { this.children = []; }
}

class FakeEventSource {
  static OPEN = 1;
  static CLOSED = 2;
  static last: FakeEventSource | undefined;
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, (ev: { data: string }) => void>();
  constructor(readonly url: string) { FakeEventSource.last = this; }
  addEventListener(type: string, fn: (ev: { data: string }) => void) { this.listeners.set(type, fn); }
  close() { this.readyState = 2; }
  emit(type: string, data: unknown) { this.listeners.get(type)!({ data: JSON.stringify(data) }); }
}

function loadPage() {
  const byId = new Map<string, FakeElement>();
  const document = {
    getElementById(id: string) {
      if (!byId.has(id)) byId.set(id, new FakeElement('div'));
      return byId.get(id)!;
    },
    createElement: (tag: string) => new FakeElement(tag),
  };
  const script = /<script>([\s\S]*?)<\/script>/.exec(dashboardPage())![1]!;
  runInNewContext(script, {
    document,
    EventSource: FakeEventSource,
    requestAnimationFrame: (fn: () => void) => fn(),
    setInterval: () => 0,
    setTimeout: () => 0,
    fetch: () => new Promise(() => undefined),
    console,
  });
  return { text: (id: string) => document.getElementById(id).textContent, conn: () => document.getElementById('conn'), es: FakeEventSource.last! };
}

const incident: Incident = sampleIncident(0.91);

test('dashboard - page script renders the snapshot and applies live events', () => {
  const page = loadPage();
  const state: DashboardState = {
    generatedAtMs: 1,
    machines: [{ site: 'site-a', line: 'line-1', machine: 'pump-7', machineType: 'centrifugal-pump', status: { v: 1, site: 'site-a', line: 'line-1', machine: 'pump-7', machineType: 'centrifugal-pump', ts: 1000, state: 'alarm', score: 9.5, windows: 10 }, lastSeenMs: 2000, openIncidents: [] }],
    incidents: [],
    stats: { 'cloud.intake.received': 3 },
  };
  page.es.readyState = 1;
  page.es.onopen!();
  assert.equal(page.conn().textContent, 'Live');
  page.es.emit('snapshot', state);
  assert.match(page.text('machines'), /pump-7.*alarm.*9\.50/);
  assert.match(page.text('incidents'), /No incidents/);
  assert.match(page.text('stats'), /intake\.received 3/);

  page.es.emit('diagnosis', { type: 'diagnosis', incident });
  assert.match(page.text('incidents'), /bearing-outer-race.*91 %.*3\.58x shaft speed/);
  assert.match(page.text('orders'), /No maintenance orders/);

  const request = { v: 1, incidentId: incident.escalation.id, site: 'site-a', line: 'line-1', machine: 'pump-7', machineType: 'centrifugal-pump', faultType: 'bearing-outer-race', component: 'drive-end-bearing', priority: 'urgent', dueBy: 5000, detectedAt: 900, explanation: 'x' };
  const outcome = { incidentId: incident.escalation.id, notificationId: 'N-42', purchaseOrderId: 'PO-7', materialId: 'MAT-6205', workOrderId: 'WO-9', movedProductionOrders: ['PRD-1', 'PRD-2'], created: true };
  page.es.emit('decision', { type: 'decision', incident: { ...incident, request, outcome, decidedAtMs: 990 } });
  assert.match(page.text('orders'), /urgent.*N-42.*PO-7 \(MAT-6205\).*WO-9.*PRD-1, PRD-2/);

  page.es.emit('status', { type: 'status', machine: { ...state.machines[0], status: { ...state.machines[0]!.status, state: 'normal', score: 0.4 } } });
  assert.match(page.text('machines'), /normal.*0\.40/);

  page.es.readyState = 0;
  page.es.onerror!();
  assert.match(page.conn().textContent, /Disconnected — reconnecting/);
  assert.match(page.conn().className, /down/);
});
