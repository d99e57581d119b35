// core.js: the dashboard's shared helpers — API calls (with the CSRF header), escaping,
// formatting, the pager, the banner, the session and login form, and the hash router.
'use strict';
const T = (window.T = {});
T.state = { session: null };
T.routes = {};

T.h = (s) =>
  String(s === undefined || s === null ? '' : s).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);

T.qs = (params) =>
  new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')
  ).toString();

T.handle = async (r) => {
  let data;
  try {
    data = await r.json();
  } catch (e) {
    data = { error: 'HTTP ' + r.status };
  }
  if (!r.ok) {
    const err = new Error(data.error || 'HTTP ' + r.status);
    err.status = r.status;
    if (r.status === 401) T.showLogin();
    throw err;
  }
  return data;
};

T.get = async (path, params = {}) => {
  const q = T.qs(params);
  return T.handle(await fetch(path + (q ? '?' + q : ''), { credentials: 'same-origin' }));
};

T.post = async (path, body = {}) =>
  T.handle(
    await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        'X-Tern-Csrf': (T.state.session && T.state.session.csrf) || '',
      },
      body: JSON.stringify(body),
    })
  );

T.banner = (msg, ok) => {
  const b = document.getElementById('banner');
  if (!msg) {
    b.className = 'banner hidden';
    b.textContent = '';
    return;
  }
  b.className = 'banner' + (ok ? ' ok' : '');
  b.textContent = msg;
};

// Runs a write and reports the outcome in the banner (refusals included: 401, 403).
T.write = async (what, path, body) => {
  try {
    const r = await T.post(path, body);
    T.banner(what + ': done', true);
    return r;
  } catch (e) {
    const refused = e.status === 403 || e.status === 401;
    T.banner(what + (refused ? ' refused: ' : ' failed: ') + e.message);
    return null;
  }
};

T.fmtTime = (ms) => {
  if (!ms || ms <= 0) return '-';
  const d = new Date(Number(ms));
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(
    d.getMinutes()
  )}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
};
T.fmtNum = (n) => (n === undefined || n === null ? '-' : Number(n).toLocaleString('en-US'));
T.fmtRate = (n) => (n === undefined || n === null ? '-' : Number(n).toFixed(1));
T.fmtDuration = (ms) => {
  ms = Number(ms) || 0;
  if (ms <= 0) return '0';
  if (ms < 1000) return ms + ' ms';
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
};
// <input type="datetime-local"> value <-> epoch ms (local time).
T.toLocalInput = (ms) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 19);
};
T.fromLocalInput = (v) => (v ? new Date(v).getTime() : undefined);

// A pager under a list: "page p of n (total)" with previous/next buttons.
T.pager = (data, onPage) => {
  const div = document.createElement('div');
  div.className = 'pager';
  const pages = Math.max(1, Math.ceil(data.total / data.size));
  div.innerHTML = `<button class="secondary" data-go="prev">‹ Previous</button>
    <span class="pageinfo">page ${data.page} of ${pages} (${T.fmtNum(data.total)} in all)</span>
    <button class="secondary" data-go="next">Next ›</button>`;
  const [prev, next] = div.querySelectorAll('button');
  prev.disabled = data.page <= 1;
  next.disabled = data.page >= pages;
  prev.addEventListener('click', () => onPage(data.page - 1));
  next.addEventListener('click', () => onPage(data.page + 1));
  return div;
};

T.table = (headers, rows) =>
  `<table><thead><tr>${headers
    .map((h) => (h.startsWith('#') ? `<th class="num">${T.h(h.slice(1))}</th>` : `<th>${T.h(h)}</th>`))
    .join('')}</tr></thead><tbody>${rows.join('') || `<tr><td colspan="${headers.length}" class="muted">none</td></tr>`}</tbody></table>`;

T.readOnlyNote = () =>
  T.state.session && !T.state.session.canWrite
    ? `<p class="muted readonly-note">You are logged in with the read-only role: write actions will be refused.</p>`
    : '';

T.loadSession = async () => {
  T.state.session = await T.get('/api/session');
  const who = document.getElementById('who');
  const s = T.state.session;
  if (s.authRequired && s.loggedIn) {
    who.innerHTML = `${T.h(s.user)} <span class="tag">${T.h(s.role)}</span><button class="secondary" id="logout">Log out</button>`;
    document.getElementById('logout').addEventListener('click', async () => {
      await T.post('/api/logout');
      await T.loadSession();
      T.render();
    });
  } else if (s.authRequired) {
    who.textContent = 'not logged in';
  } else {
    who.textContent = 'no login configured (dashboardUsers)';
  }
  if (s.adminError) T.banner(s.adminError);
  return s;
};

T.showLogin = () => {
  const main = document.getElementById('main');
  main.innerHTML = `<h1>Log in</h1>
    <form class="panel" id="login-form">
      <label>User <input name="user" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Log in</button>
    </form>`;
  document.getElementById('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    try {
      await T.post('/api/login', { user: f.get('user'), password: f.get('password') });
      T.banner('');
      await T.loadSession();
      T.render();
    } catch (e) {
      T.banner('Login failed: ' + e.message);
    }
  });
};

// "#/page/arg?x=1" -> {page, arg, params}
T.parseHash = () => {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const parts = path.split('/');
  return {
    page: parts[0] || 'cluster',
    arg: parts.slice(1).map(decodeURIComponent).join('/'),
    params: Object.fromEntries(new URLSearchParams(query || '')),
  };
};
T.go = (page, arg, params) => {
  T.keepBanner = true;
  location.hash =
    '#/' + page + (arg ? '/' + encodeURIComponent(arg) : '') + (params ? '?' + T.qs(params) : '');
};

T.render = async () => {
  const { page, arg, params } = T.parseHash();
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.page === page || a.dataset.page + 's' === page);
  }
  if (T.timer) {
    clearInterval(T.timer);
    T.timer = null;
  }
  const s = T.state.session;
  if (s && s.authRequired && !s.loggedIn) return T.showLogin();
  const main = document.getElementById('main');
  const fn = T.routes[page];
  if (!fn) {
    main.innerHTML = '<p>Unknown page.</p>';
    return;
  }
  try {
    await fn(main, arg, params);
  } catch (e) {
    if (e.status !== 401) main.innerHTML = `<p class="banner">${T.h(e.message)}</p>`;
  }
};
