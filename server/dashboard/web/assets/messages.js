// messages.js: the Messages page — by topic and time range (server-side pages), by key, by
// id, the DLQ of a group with resend; a message's detail (properties, body, consume status per
// group, resend) and its trace.
'use strict';
T.messageRows = (items, withResend) =>
  items.map(
    (m) => `<tr class="message-row"><td><a href="#/message?topic=${encodeURIComponent(m.topic)}&id=${encodeURIComponent(
      m.msgId
    )}">${T.h(m.msgId)}</a></td><td>${T.h(m.tags)}</td><td>${T.h(m.keys)}</td>
      <td class="num">${m.queueId}</td><td class="num">${m.queueOffset}</td>
      <td>${T.fmtTime(m.storeTimestamp)}</td><td class="num">${m.bodySize}</td>
      ${withResend ? `<td><button class="secondary resend" data-id="${T.h(m.msgId)}" data-topic="${T.h(m.topic)}">Resend</button></td>` : ''}</tr>`
  );

T.routes.messages = async (main, arg, params) => {
  const mode = params.mode || 'topic';
  const now = Date.now();
  const begin = Number(params.begin || now - 3600 * 1000);
  const end = Number(params.end || now);
  const tab = (m, label) => `<a href="#/messages?mode=${m}" class="${m === mode ? 'active' : ''}">${label}</a>`;
  const forms = {
    topic: `<input name="topic" placeholder="topic" required value="${T.h(params.topic || '')}">
      <label>from <input name="begin" type="datetime-local" step="1" value="${T.toLocalInput(begin)}"></label>
      <label>to <input name="end" type="datetime-local" step="1" value="${T.toLocalInput(end)}"></label>`,
    key: `<input name="topic" placeholder="topic" required value="${T.h(params.topic || '')}">
      <input name="key" placeholder="message key" required value="${T.h(params.key || '')}">`,
    id: `<input name="topic" placeholder="topic (optional for an offset id)" value="${T.h(params.topic || '')}">
      <input name="msgId" placeholder="message id" required value="${T.h(params.msgId || '')}">`,
    dlq: `<input name="group" placeholder="consumer group" required value="${T.h(params.group || '')}">
      <label>from <input name="begin" type="datetime-local" step="1" value="${T.toLocalInput(params.begin ? begin : now - 3 * 86400 * 1000)}"></label>
      <label>to <input name="end" type="datetime-local" step="1" value="${T.toLocalInput(end)}"></label>`,
  };
  main.innerHTML = `<h1>Messages</h1>
    <p class="tabs">${tab('topic', 'By topic and time')}${tab('key', 'By key')}${tab('id', 'By id')}${tab('dlq', 'Dead letters (DLQ)')}</p>
    <form class="toolbar" id="msg-form">${forms[mode] || forms.topic}<button type="submit">Search</button></form>
    <div id="list"></div>`;
  document.getElementById('msg-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const q = { mode, page: 1 };
    for (const [k, v] of f.entries()) q[k] = k === 'begin' || k === 'end' ? T.fromLocalInput(v) : v;
    T.go('messages', '', q);
  });
  const list = document.getElementById('list');
  const headers = ['Message id', 'Tags', 'Keys', '#Queue', '#Offset', 'Stored', '#Bytes'];
  if (mode === 'topic' && params.topic) {
    const page = Number(params.page || 1);
    const r = await T.get('/api/messages', { topic: params.topic, begin, end, page, size: 20 });
    list.innerHTML = T.table(headers, T.messageRows(r.items, false));
    list.appendChild(T.pager(r, (p) => T.go('messages', '', { ...params, page: p })));
  } else if (mode === 'key' && params.topic && params.key) {
    const r = await T.get('/api/messages', { topic: params.topic, key: params.key });
    list.innerHTML = T.table(headers, T.messageRows(r.items, false));
  } else if (mode === 'id' && params.msgId) {
    const r = await T.get('/api/messages', { topic: params.topic, msgId: params.msgId });
    list.innerHTML = T.table(headers, T.messageRows(r.items, false));
  } else if (mode === 'dlq' && params.group) {
    const page = Number(params.page || 1);
    const dlqBegin = Number(params.begin || now - 3 * 86400 * 1000);
    const r = await T.get('/api/messages', {
      topic: '%DLQ%' + params.group, begin: dlqBegin, end, page, size: 20, missingOk: 1,
    });
    if (!r.total) {
      list.innerHTML = `<p class="muted">${T.h(params.group)} has no dead letters in this time range.</p>`;
      return;
    }
    list.innerHTML = T.readOnlyNote() + T.table(headers.concat(['']), T.messageRows(r.items, true));
    list.appendChild(T.pager(r, (p) => T.go('messages', '', { ...params, page: p })));
    for (const b of list.querySelectorAll('button.resend')) {
      b.addEventListener('click', () =>
        T.write('Resend to ' + params.group, '/api/message/resend', {
          topic: b.dataset.topic, msgId: b.dataset.id, group: params.group, mode: 'retry',
        })
      );
    }
  }
};

T.routes.message = async (main, arg, params) => {
  const r = await T.get('/api/message', { topic: params.topic, msgId: params.id });
  const m = r.message;
  const kv = (pairs) => `<div class="kv">${pairs.map(([k, v]) => `<div>${T.h(k)}</div><div>${T.h(v)}</div>`).join('')}</div>`;
  const tracks = r.tracks.map(
    (t) => `<tr class="track-row"><td><a href="#/consumer/${encodeURIComponent(t.group)}">${T.h(t.group)}</a></td>
      <td><span class="tag ${t.trackType === 'CONSUMED' ? 'good' : t.trackType === 'NOT_CONSUME_YET' ? 'warn' : ''}">${T.h(t.trackType)}</span>
      ${t.exception ? T.h(t.exception) : ''}</td>
      <td><select class="resend-mode"><option value="direct">to an online client (consume directly)</option><option value="retry">as a copy on %RETRY%${T.h(t.group)}</option></select>
      <button class="secondary resend" data-group="${T.h(t.group)}">Resend</button></td></tr>`
  );
  main.innerHTML = `<h1>Message ${T.h(m.msgId)}</h1>
    <p><a href="#/trace?id=${encodeURIComponent(m.msgId)}">Message trace</a></p>
    <div class="panel">${kv([
      ['Topic', m.topic], ['Tags', m.tags], ['Keys', m.keys], ['Broker', m.brokerName],
      ['Queue', m.queueId], ['Queue offset', m.queueOffset], ['Offset message id', m.offsetMsgId],
      ['Born', T.fmtTime(m.bornTimestamp) + ' at ' + m.bornHost], ['Stored', T.fmtTime(m.storeTimestamp) + ' at ' + m.storeHost],
      ['Reconsume times', m.reconsumeTimes], ['Body bytes', m.bodySize],
    ])}</div>
    <h2>Properties</h2><div class="panel">${kv(Object.entries(m.properties))}</div>
    <h2>Body ${m.bodyEncoding === 'base64' ? '(binary, base64)' : ''}</h2><pre class="body">${T.h(m.body)}</pre>
    <h2>Consume status by group</h2>${T.readOnlyNote()}${T.table(['Group', 'Status', 'Resend'], tracks)}`;
  for (const b of main.querySelectorAll('button.resend')) {
    b.addEventListener('click', () => {
      const mode = b.parentElement.querySelector('select').value;
      T.write('Resend to ' + b.dataset.group, '/api/message/resend', {
        topic: m.topic, msgId: m.msgId, group: b.dataset.group, mode,
      });
    });
  }
};

T.routes.trace = async (main, arg, params) => {
  const r = await T.get('/api/trace', { msgId: params.id, traceTopic: params.traceTopic });
  const pub = r.pub && r.pub.traceType ? r.pub : null;
  const t0 = pub ? pub.timestamp : r.records.length ? r.records[0].timestamp : 0;
  let tEnd = t0 + 1;
  for (const g of r.groups) for (const c of g.consumes) tEnd = Math.max(tEnd, c.endTimestamp || c.beginTimestamp);
  if (pub) tEnd = Math.max(tEnd, pub.timestamp + pub.costTime);
  const W = 600;
  const bar = (from, to, failed) => {
    const x = ((from - t0) / (tEnd - t0)) * W;
    const w = Math.max(2, ((to - from) / (tEnd - t0)) * W);
    return `<svg viewBox="0 0 ${W} 18" width="100%" height="18" preserveAspectRatio="none"><rect x="0" y="0" width="${W}" height="18" fill="#f0f2f6"/><rect x="${x.toFixed(
      1
    )}" y="3" width="${w.toFixed(1)}" height="12" rx="3" fill="${failed ? '#c62828' : '#3d6fd8'}"/></svg>`;
  };
  const rows = [];
  if (pub) {
    rows.push(`<tr class="trace-row"><td>Send</td><td>${T.h(pub.groupName)}</td><td>${T.h(pub.clientHost || pub.storeHost)}</td>
      <td>${T.fmtTime(pub.timestamp)}</td><td class="num">${pub.costTime} ms</td><td>${T.h(pub.status)}</td>
      <td>${bar(pub.timestamp, pub.timestamp + pub.costTime, pub.status !== 'success')}</td></tr>`);
  }
  for (const g of r.groups) {
    for (const c of g.consumes) {
      rows.push(`<tr class="trace-row"><td>Consume${c.retryTimes ? ' (retry ' + c.retryTimes + ')' : ''}</td><td>${T.h(g.group)}</td>
        <td>${T.h(c.clientHost)}</td><td>${T.fmtTime(c.beginTimestamp)}</td><td class="num">${c.costTime} ms</td>
        <td>${T.h(c.status)}</td><td>${bar(c.beginTimestamp, c.endTimestamp || c.beginTimestamp, c.status === 'failed')}</td></tr>`);
    }
  }
  for (const x of r.transactions) {
    rows.push(`<tr class="trace-row"><td>End transaction (${T.h(x.transactionState)})</td><td>${T.h(x.groupName)}</td>
      <td>${T.h(x.storeHost)}</td><td>${T.fmtTime(x.timestamp)}</td><td></td><td>${x.fromTransactionCheck ? 'from check' : ''}</td><td></td></tr>`);
  }
  main.innerHTML = `<h1>Trace of ${T.h(r.msgId)}</h1>
    <p class="muted">From ${T.h(r.traceTopic)}: ${r.records.length} trace records${r.skipped ? `, ${r.skipped} malformed skipped` : ''}.</p>
    ${pub ? `<p>Topic ${T.h(pub.topic)}, tags ${T.h(pub.tags)}, keys ${T.h(pub.keys)}, ${T.h(pub.msgType)}, ${pub.bodyLength} bytes, stored at ${T.h(pub.storeHost)}</p>` : ''}
    ${T.table(['Step', 'Group', 'Client', 'Time', '#Cost', 'Status', 'Timeline'], rows)}`;
};
