// The page's entry: live feed over server-sent events (with a clear disconnected state), hash
// routing between the views, the header counters and who is signed in.
import { apply, store } from './store.js';
import { getJson } from './dom.js';
import { mountFleet } from './fleet.js';
import { mountMachine } from './machine.js';
import { mountIncident } from './incident.js';
import { mountErp, mountSovereignty } from './enterprise.js';

const conn = document.getElementById('conn');
const view = document.getElementById('view');
const statsEl = document.getElementById('stats');
let config = { enterprise: false, sovereignty: false };
let unmount = () => {};

function setConn(kind, text) { conn.className = 'badge ' + kind; conn.textContent = text; }

function route(ev) {
  unmount();
  view.replaceChildren();
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  const [name, ...rest] = hash.split('/');
  const arg = rest.join('/');
  for (const a of document.querySelectorAll('nav a')) a.setAttribute('aria-current', a.dataset.view === (name || 'fleet') ? 'page' : 'false');
  if (name === 'machine' && arg) unmount = mountMachine(view, arg, config);
  else if (name === 'incident' && arg) unmount = mountIncident(view, arg, config);
  else if (name === 'erp') unmount = mountErp(view, config);
  else if (name === 'sovereignty') unmount = mountSovereignty(view, config);
  else unmount = mountFleet(view, config);
  document.title = 'edge-pdm — ' + (name || 'fleet');
  // Move focus to the new view on navigation (not on first load, so Tab starts at the top).
  if (ev) view.focus({ preventScroll: true });
}

function renderStats() {
  const parts = [];
  for (const k of Object.keys(store.stats)) if (store.stats[k]) parts.push(k.replace(/^cloud\./, '') + ' ' + store.stats[k]);
  statsEl.textContent = parts.slice(0, 6).join(' · ');
}

let source = null;
function connect() {
  setConn('connecting', 'Connecting…');
  source = new EventSource('events');
  source.onopen = () => setConn('live', 'Live');
  source.onerror = () => {
    setConn('down', 'Disconnected — reconnecting…');
    // EventSource retries by itself unless the server refused the stream (e.g. 401: the session
    // ended); then we check the session (getJson goes to the login form on 401) and retry.
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      getJson('api/session').then(() => setTimeout(connect, 3000), (e) => { if (e.status !== 401) setTimeout(connect, 3000); });
    }
  };
  for (const t of ['snapshot', 'status', 'escalation', 'diagnosis', 'decision']) {
    source.addEventListener(t, (ev) => {
      try { apply(t, JSON.parse(ev.data)); } catch (err) { console.error('bad event', t, err); }
      if (t === 'snapshot') renderStats();
    });
  }
}

async function start() {
  try {
    const who = await getJson('api/session');
    document.getElementById('who').textContent = 'Signed in: ' + who.role + (who.canAct ? '' : ' (read-only)');
  } catch (e) { if (e.status === 401) return; }
  try { config = await getJson('api/config'); } catch { /* keep defaults: the views say what is missing */ }
  document.getElementById('nav-sovereignty').hidden = !config.sovereignty;
  window.addEventListener('hashchange', route);
  route();
  connect();
  // Counters are not pushed as events: refresh them from the snapshot every 10 s while live.
  setInterval(() => {
    if (!source || source.readyState !== EventSource.OPEN) return;
    getJson('api/state').then((s) => { store.stats = s.stats || {}; renderStats(); }, () => {});
  }, 10_000);
}
start();
