// producers.js: the Producers page — the connections of a producer group on a topic's brokers.
'use strict';
T.routes.producers = async (main, arg, params) => {
  main.innerHTML = `<h1>Producers</h1>
    <form class="toolbar" id="producer-form">
      <input name="topic" placeholder="topic" required value="${T.h(params.topic || '')}">
      <input name="group" placeholder="producer group" required value="${T.h(params.group || '')}">
      <button type="submit">Show connections</button>
    </form><div id="list"></div>`;
  document.getElementById('producer-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    T.go('producers', '', { topic: f.get('topic'), group: f.get('group') });
  });
  if (!params.topic || !params.group) return;
  const r = await T.get('/api/producers', { topic: params.topic, group: params.group });
  document.getElementById('list').innerHTML = T.table(
    ['Client id', 'Address', 'Language', 'Version'],
    r.connections.map(
      (c) => `<tr class="producer-row"><td>${T.h(c.clientId)}</td><td>${T.h(c.clientAddr)}</td><td>${T.h(c.language)}</td><td>${T.h(c.version)}</td></tr>`
    )
  );
};
