// topics.js: the Topics page — the list (kind filter, name filter, server-side pages), create,
// and one topic's route, queues, groups, update, delete and test message.
'use strict';
T.routes.topics = async (main, arg, params) => {
  const kind = params.kind || 'all';
  const filter = params.filter || '';
  const page = Number(params.page || 1);
  const data = await T.get('/api/topics', { kind, filter, page, size: 50 });
  const kinds = data.kinds || {};
  const opt = (k, label) =>
    `<option value="${k}" ${k === kind ? 'selected' : ''}>${label}${k === 'all' ? '' : ` (${T.fmtNum(kinds[k] || 0)})`}</option>`;
  main.innerHTML = `<h1>Topics</h1>
    <div class="toolbar">
      <select id="kind">${opt('all', 'all kinds')}${opt('normal', 'normal')}${opt('retry', 'retry')}${opt('dlq', 'DLQ')}${opt('system', 'system')}</select>
      <input id="filter" placeholder="filter by name" value="${T.h(filter)}">
      <button id="search" class="secondary">Search</button>
    </div>
    <div id="list"></div>
    <h2>Create or update a topic</h2>${T.readOnlyNote()}
    <form class="panel" id="create-topic">
      <label>Topic <input name="topic" required pattern="[%\\|a-zA-Z0-9_\\-]{1,127}"></label>
      <label>Read queues <input name="readQueueNums" type="number" min="1" max="1024" value="8"></label>
      <label>Write queues <input name="writeQueueNums" type="number" min="1" max="1024" value="8"></label>
      <label>Perm <select name="perm"><option value="6">RW (6)</option><option value="4">R (4)</option><option value="2">W (2)</option></select></label>
      <label><input name="order" type="checkbox"> ordered</label>
      <button type="submit">Save</button>
    </form>`;
  const rows = data.items.map(
    (t) => `<tr class="topic-row"><td><a href="#/topic/${encodeURIComponent(t.topic)}">${T.h(t.topic)}</a></td>
      <td><span class="tag">${T.h(t.kind)}</span></td><td class="num">${t.readQueues}</td>
      <td class="num">${t.writeQueues}</td><td class="num">${t.perm}</td><td>${t.order ? 'yes' : ''}</td>
      <td>${T.h(t.brokers.join(', '))}</td></tr>`
  );
  const list = document.getElementById('list');
  list.innerHTML = T.table(['Topic', 'Kind', '#Read', '#Write', '#Perm', 'Order', 'Brokers'], rows);
  list.appendChild(T.pager(data, (p) => T.go('topics', '', { kind, filter, page: p })));
  const search = () =>
    T.go('topics', '', { kind: document.getElementById('kind').value, filter: document.getElementById('filter').value, page: 1 });
  document.getElementById('search').addEventListener('click', search);
  document.getElementById('kind').addEventListener('change', search);
  document.getElementById('filter').addEventListener('keydown', (e) => e.key === 'Enter' && search());
  document.getElementById('create-topic').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const r = await T.write('Save topic ' + f.get('topic'), '/api/topic', {
      topic: f.get('topic'),
      readQueueNums: Number(f.get('readQueueNums')),
      writeQueueNums: Number(f.get('writeQueueNums')),
      perm: Number(f.get('perm')),
      order: f.get('order') === 'on',
    });
    if (r) T.go('topic', f.get('topic'));
  });
};

T.routes.topic = async (main, topic) => {
  const t = await T.get('/api/topic', { topic });
  const queues = t.queues.map(
    (q) => `<tr class="queue-row"><td>${T.h(q.brokerName)}</td><td class="num">${q.queueId}</td>
      <td class="num">${T.fmtNum(q.minOffset)}</td><td class="num">${T.fmtNum(q.maxOffset)}</td>
      <td>${T.fmtTime(q.lastUpdateTimestamp)}</td></tr>`
  );
  const brokers = t.route.brokers.map(
    (b) => `<tr><td>${T.h(b.cluster)}</td><td>${T.h(b.brokerName)}</td><td>${T.h(
      Object.entries(b.addrs).map(([id, a]) => id + ': ' + a).join(', ')
    )}</td></tr>`
  );
  const qd = t.route.queues.map(
    (q) => `<tr><td>${T.h(q.brokerName)}</td><td class="num">${q.readQueueNums}</td><td class="num">${q.writeQueueNums}</td><td class="num">${q.perm}</td></tr>`
  );
  const groups = t.groups.map(
    (g) => `<tr class="group-row"><td><a href="#/consumer/${encodeURIComponent(g)}">${T.h(g)}</a></td></tr>`
  );
  main.innerHTML = `<h1>Topic ${T.h(t.topic)} <span class="tag">${T.h(t.kind)}</span></h1>
    <div class="cards"><div class="card"><div class="k">Messages stored</div><div class="v" id="total">${T.fmtNum(t.totalMessages)}</div></div>
    <div class="card"><div class="k">Queues</div><div class="v">${t.queues.length}</div></div>
    <div class="card"><div class="k">Consumer groups</div><div class="v">${t.groups.length}</div></div></div>
    <p><a href="#/messages?topic=${encodeURIComponent(t.topic)}">Browse messages</a></p>
    <h2>Route</h2>${T.table(['Cluster', 'Broker', 'Addresses'], brokers)}
    ${T.table(['Broker', '#Read queues', '#Write queues', '#Perm'], qd)}
    <h2>Queues</h2>${T.table(['Broker', '#Queue', '#Min offset', '#Max offset', 'Last message'], queues)}
    <h2>Consumer groups</h2>${T.table(['Group'], groups)}
    <h2>Send a test message</h2>${T.readOnlyNote()}
    <form class="panel" id="send-form">
      <label>Tag <input name="tag"></label>
      <label>Keys <input name="keys" placeholder="space separated"></label>
      <textarea name="body" placeholder="message body">Hello from the Tern dashboard</textarea>
      <button type="submit">Send</button> <span id="send-result"></span>
    </form>
    <h2>Update or delete</h2>
    <form class="panel" id="update-form">
      <label>Read queues <input name="readQueueNums" type="number" min="1" max="1024" value="${t.route.queues[0] ? t.route.queues[0].readQueueNums : 8}"></label>
      <label>Write queues <input name="writeQueueNums" type="number" min="1" max="1024" value="${t.route.queues[0] ? t.route.queues[0].writeQueueNums : 8}"></label>
      <label>Perm <input name="perm" type="number" min="0" max="7" value="${t.route.queues[0] ? t.route.queues[0].perm : 6}"></label>
      <button type="submit">Update</button>
      <button type="button" class="danger" id="delete-topic">Delete topic</button>
    </form>`;
  document.getElementById('send-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const r = await T.write('Send message', '/api/topic/send', {
      topic: t.topic, tag: f.get('tag'), keys: f.get('keys'), body: f.get('body'),
    });
    if (r) {
      document.getElementById('send-result').innerHTML = `${T.h(r.status)}: msgId <a href="#/message?topic=${encodeURIComponent(
        t.topic
      )}&id=${encodeURIComponent(r.msgId)}">${T.h(r.msgId)}</a> (queue ${r.queueId}, offset ${r.queueOffset})`;
    }
  });
  document.getElementById('update-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    if (await T.write('Update topic', '/api/topic', {
      topic: t.topic, readQueueNums: Number(f.get('readQueueNums')),
      writeQueueNums: Number(f.get('writeQueueNums')), perm: Number(f.get('perm')),
    })) T.render();
  });
  document.getElementById('delete-topic').addEventListener('click', async () => {
    if (!confirm('Delete topic ' + t.topic + ' and its messages?')) return;
    if (await T.write('Delete topic ' + t.topic, '/api/topic/delete', { topic: t.topic })) T.go('topics');
  });
};
