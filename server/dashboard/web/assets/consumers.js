// consumers.js: the Consumers page — groups sorted by lag (server-side pages), and one group:
// per-queue lag and lag time, clients and their subscriptions (inconsistent ones flagged),
// reset offset by time.
'use strict';
T.routes.consumers = async (main, arg, params) => {
  const kind = params.kind || 'normal';
  const sort = params.sort || 'lag';
  const filter = params.filter || '';
  const page = Number(params.page || 1);
  const data = await T.get('/api/consumers', { kind, sort, filter, page, size: 50 });
  const sel = (v, cur, label) => `<option value="${v}" ${v === cur ? 'selected' : ''}>${label}</option>`;
  main.innerHTML = `<h1>Consumer groups</h1>
    <div class="toolbar">
      <select id="kind">${sel('normal', kind, 'user groups')}${sel('system', kind, 'system groups')}${sel('all', kind, 'all groups')}</select>
      <select id="sort">${sel('lag', sort, 'by lag')}${sel('tps', sort, 'by TPS')}${sel('name', sort, 'by name')}</select>
      <input id="filter" placeholder="filter by name" value="${T.h(filter)}">
      <button id="search" class="secondary">Search</button>
    </div><div id="list"></div>`;
  const rows = data.items.map((g) => {
    const online = g.online === undefined || g.online < 0 ? '?' : g.online;
    return `<tr class="consumer-row"><td><a href="#/consumer/${encodeURIComponent(g.group)}">${T.h(g.group)}</a>
      ${g.inconsistent ? '<span class="tag bad">inconsistent subscriptions</span>' : ''}</td>
      <td class="num">${T.fmtNum(g.lag)}</td><td class="num">${T.fmtDuration(g.lagTimeMs)}</td>
      <td class="num">${T.fmtRate(g.tps)}</td><td class="num">${online}</td><td>${T.h(g.messageModel || '')}</td>
      <td>${T.h(g.topics.join(', '))}</td></tr>`;
  });
  const list = document.getElementById('list');
  list.innerHTML = T.table(['Group', '#Lag', '#Lag time', '#TPS', '#Clients', 'Model', 'Topics'], rows);
  list.appendChild(T.pager(data, (p) => T.go('consumers', '', { kind, sort, filter, page: p })));
  const search = () =>
    T.go('consumers', '', {
      kind: document.getElementById('kind').value,
      sort: document.getElementById('sort').value,
      filter: document.getElementById('filter').value,
      page: 1,
    });
  document.getElementById('search').addEventListener('click', search);
  document.getElementById('kind').addEventListener('change', search);
  document.getElementById('sort').addEventListener('change', search);
  document.getElementById('filter').addEventListener('keydown', (e) => e.key === 'Enter' && search());
};

T.routes.consumer = async (main, group) => {
  const g = await T.get('/api/consumer', { group });
  const topics = [...new Set(g.queues.map((q) => q.topic).concat(g.subscriptions.map((s) => s.topic)))].filter(
    (t) => !t.startsWith('%RETRY%')
  );
  const clients = g.clients.map(
    (c) => `<tr class="client-row"><td>${T.h(c.clientId)} ${c.inconsistent ? '<span class="tag bad">inconsistent</span>' : ''}</td>
      <td>${T.h(c.clientAddr)}</td><td>${T.h(c.language)}</td><td>${T.h(c.version)}</td>
      <td>${c.subscriptions.map((s) => `<span class="tag">${T.h(s.topic)}: ${T.h(s.subString)}</span>`).join('')}
      ${c.runningInfoError ? `<span class="muted">${T.h(c.runningInfoError)}</span>` : ''}</td></tr>`
  );
  const queues = g.queues.map(
    (q) => `<tr class="queue-row"><td>${T.h(q.topic)}</td><td>${T.h(q.brokerName)}</td><td class="num">${q.queueId}</td>
      <td class="num">${T.fmtNum(q.brokerOffset)}</td><td class="num">${T.fmtNum(q.consumerOffset)}</td>
      <td class="num">${T.fmtNum(q.lag)}</td><td class="num">${T.fmtDuration(q.lagTimeMs)}</td>
      <td>${T.h(q.client)}</td></tr>`
  );
  const subs = g.subscriptions.map(
    (s) => `<tr><td>${T.h(s.topic)}</td><td>${T.h(s.expressionType)}</td><td>${T.h(s.subString)}</td></tr>`
  );
  main.innerHTML = `<h1>Group ${T.h(g.group)} ${g.inconsistent ? '<span class="tag bad">inconsistent subscriptions</span>' : ''}</h1>
    <div class="cards">
      <div class="card"><div class="k">Lag (messages)</div><div class="v" id="lag">${T.fmtNum(g.lag)}</div></div>
      <div class="card"><div class="k">Lag time (oldest unconsumed)</div><div class="v">${T.fmtDuration(g.lagTimeMs)}</div></div>
      <div class="card"><div class="k">Consume TPS</div><div class="v">${T.fmtRate(g.tps)}</div></div>
      <div class="card"><div class="k">Online</div><div class="v">${g.online ? 'yes' : 'no'}</div></div>
      <div class="card"><div class="k">Model</div><div class="v">${T.h(g.messageModel || '-')}</div></div>
    </div>
    ${g.inconsistent ? '<p class="banner">Members of this group subscribe differently: each member filters the queues it is given by its own subscription, so messages are lost (RocketMQ #2836). Give every member the same subscriptions.</p>' : ''}
    <h2>Clients</h2>${T.table(['Client id', 'Address', 'Language', 'Version', 'Subscriptions'], clients)}
    <h2>Group subscriptions</h2>${T.table(['Topic', 'Type', 'Expression'], subs)}
    <h2>Queues</h2>${T.table(['Topic', 'Broker', '#Queue', '#Broker offset', '#Consumer offset', '#Lag', '#Lag time', 'Client'], queues)}
    <h2>Reset offset by time</h2>${T.readOnlyNote()}
    <form class="panel" id="reset-form">
      <label>Topic <select name="topic">${topics.map((t) => `<option>${T.h(t)}</option>`).join('')}</select></label>
      <label>Time <input name="time" type="datetime-local" step="1" value="${T.toLocalInput(Date.now() - 3600 * 1000)}"></label>
      <button type="submit">Reset</button> <span id="reset-result"></span>
    </form>`;
  document.getElementById('reset-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const r = await T.write('Reset offset of ' + group, '/api/consumer/reset', {
      group, topic: f.get('topic'), timestamp: T.fromLocalInput(f.get('time')), force: true,
    });
    if (r) document.getElementById('reset-result').textContent = `${r.mode}: ${r.queues.length} queues reset`;
  });
};
