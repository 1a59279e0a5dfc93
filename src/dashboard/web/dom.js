// DOM helpers shared by the views: element builders, state badges (colour AND text), tables.

/** Creates an element with optional text and class. */
export function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

/** A coloured badge that also says its state in words. */
export function badge(text, kind) {
  return el('span', text, 'badge s-' + kind);
}

/** A link to a hash route. */
export function link(text, href) {
  const a = el('a', text);
  a.href = href;
  return a;
}

/** A table with a caption and column headers; returns { table, body }. */
export function table(caption, headers) {
  const t = el('table');
  if (caption) t.appendChild(el('caption', caption));
  const tr = el('tr');
  for (const h of headers) { const th = el('th', h); th.scope = 'col'; tr.appendChild(th); }
  const thead = el('thead');
  thead.appendChild(tr);
  t.appendChild(thead);
  const body = el('tbody');
  t.appendChild(body);
  return { table: t, body };
}

/** Appends a row of cells: strings, numbers, nodes, or { text, cls }. */
export function addRow(body, cells) {
  const tr = el('tr');
  for (const c of cells) {
    const td = el('td');
    if (c && c.nodeType) td.appendChild(c);
    else if (c && typeof c === 'object') { td.textContent = c.text; td.className = c.cls || ''; }
    else td.textContent = c === undefined || c === null ? '—' : String(c);
    tr.appendChild(td);
  }
  body.appendChild(tr);
  return tr;
}

/** A full-width row saying there is nothing to show. */
export function emptyRow(body, cols, text) {
  const tr = addRow(body, [text]);
  tr.className = 'empty';
  tr.firstChild.colSpan = cols;
}

/** A panel (section) with a heading, labelled for assistive technology. */
export function panel(title, id) {
  const s = el('section');
  const h = el('h2', title);
  h.id = id + '-h';
  s.setAttribute('aria-labelledby', h.id);
  s.appendChild(h);
  return s;
}

/** A notice box (info or error) with role=status so screen readers announce it. */
export function notice(text, kind) {
  const d = el('p', text, 'notice ' + (kind || 'info'));
  d.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  return d;
}

/** GET a JSON API of this process; rejects with the server's message on an error status. */
export async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  // The session ended (expired, signed out elsewhere, server restarted): back to the login form.
  if (res.status === 401) { location.assign('login'); throw Object.assign(new Error('signed out'), { status: 401, code: 'unauthorized' }); }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(body.message || body.error || 'HTTP ' + res.status);
    err.status = res.status;
    err.code = body.error;
    throw err;
  }
  return body;
}
