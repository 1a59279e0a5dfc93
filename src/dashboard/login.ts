// The dashboard's door: every data route and the event stream need a session; the login page
// takes a token (or a one-time link's code) and sets the session cookie. A browser that asks for
// the page without a session is sent to /login; an API call or event stream gets 401.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../core/index.ts';
import { clearedCookie, cookieValue, SESSION_COOKIE, SESSION_TTL_MS, sessionCookie, type Session, type SessionStore } from './auth.ts';

/** Paths anyone may fetch: the login itself and static, data-free assets. */
function isPublic(method: string, path: string): boolean {
  if (path === '/login' || path === '/logout' || path === '/favicon.ico') return true;
  return method === 'GET' && path.startsWith('/assets/');
}

/** Largest login form accepted (bytes): a token is well under this. */
const FORM_LIMIT_BYTES = 4096;

const sessions = new WeakMap<FastifyRequest, Session>();

/** The session of a request that passed the guard (null on public routes). */
export function sessionOf(req: FastifyRequest): Session | null {
  return sessions.get(req) ?? null;
}

const MESSAGES = {
  none: '',
  bad: 'That token is not valid. Ask whoever runs this dashboard for one (DASHBOARD_TOKENS).',
  used: 'This login link was already used or has expired. Sign in with a token, or ask for a new link.',
  out: 'You are signed out.',
  cross: 'The login form must be sent from this dashboard.',
} as const;

/** The login page (static apart from one fixed message: nothing user-supplied is echoed). */
export function loginPage(msg: keyof typeof MESSAGES = 'none'): string {
  const m = MESSAGES[msg];
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>edge-pdm — sign in</title><link rel="stylesheet" href="assets/style.css"></head>
<body>
<header><h1>edge-pdm</h1></header>
<main id="login">
<section aria-labelledby="login-h"><h2 id="login-h">Sign in to the dashboard</h2>
${m ? `<p class="notice ${msg === 'out' ? 'info' : 'error'}" role="${msg === 'out' ? 'status' : 'alert'}">${m}</p>` : ''}
<form method="post" action="login">
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required minlength="8" maxlength="512" autofocus>
<button type="submit">Sign in</button>
</form>
<p class="hint">The demo prints a one-time login link at start; tokens come from DASHBOARD_TOKENS or DASHBOARD_TOKENS_FILE.</p>
</section>
</main>
</body>
</html>`;
}

/** Installs the guard and the /login, /logout and /api/session routes on `app`. */
export function registerLogin(app: FastifyInstance, store: SessionStore, log: Logger): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    const s = store.get(cookieValue(req.headers.cookie, SESSION_COOKIE));
    if (s) {
      sessions.set(req, s);
      return;
    }
    if (isPublic(req.method, path)) return;
    // A person opening the page goes to the login form; scripts and the event stream get 401.
    if (req.method === 'GET' && path === '/') return reply.code(303).header('location', 'login').header('cache-control', 'no-store').send();
    return reply.code(401).header('cache-control', 'no-store').send({ error: 'unauthorized', message: 'sign in first: /login' });
  });

  const page = (reply: FastifyReply, code: number, msg: keyof typeof MESSAGES) =>
    reply.code(code).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(loginPage(msg));
  const secure = (req: FastifyRequest) => req.protocol === 'https';
  const enter = (req: FastifyRequest, reply: FastifyReply, role: Session['role']) =>
    reply.code(303).header('set-cookie', sessionCookie(store.open(role), SESSION_TTL_MS, secure(req))).header('location', './').header('cache-control', 'no-store').send();
  /** A form post from another site (login CSRF) is refused; browsers always send Origin on POST. */
  const sameOrigin = (req: FastifyRequest) => {
    const origin = req.headers.origin;
    if (!origin || origin === 'null') return origin === undefined;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  };

  app.get('/login', async (req, reply) => {
    const code = (req.query as { code?: unknown }).code;
    if (typeof code !== 'string' || code.length === 0) {
      if (sessionOf(req)) return reply.code(303).header('location', './').send();
      return page(reply, 200, (req.query as { out?: unknown }).out ? 'out' : 'none');
    }
    const role = code.length <= 200 ? store.redeem(code) : null;
    if (!role) {
      log.warn({ ip: req.ip }, 'dashboard login link refused (used, expired or unknown)');
      return page(reply, 401, 'used');
    }
    log.info({ role }, 'dashboard login by one-time link');
    return enter(req, reply, role);
  });

  app.post('/login', async (req, reply) => {
    if (!sameOrigin(req)) return page(reply, 403, 'cross');
    const token = (req.body as { token?: unknown } | null)?.token;
    const role = typeof token === 'string' && token.length <= 512 ? store.roleOf(token) : null;
    if (!role) {
      log.warn({ ip: req.ip }, 'dashboard login refused');
      return page(reply, 401, 'bad');
    }
    log.info({ role }, 'dashboard login');
    return enter(req, reply, role);
  });

  app.post('/logout', async (req, reply) => {
    if (!sameOrigin(req)) return page(reply, 403, 'cross');
    store.close(cookieValue(req.headers.cookie, SESSION_COOKIE));
    return reply.code(303).header('set-cookie', clearedCookie(secure(req))).header('location', 'login?out=1').send();
  });

  app.get('/api/session', async (req) => {
    const s = sessionOf(req)!;
    return { role: s.role, canAct: s.role === 'planner', expiresAtMs: s.expiresAtMs };
  });
}
