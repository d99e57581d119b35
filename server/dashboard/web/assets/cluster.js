// cluster.js: the Cluster page — brokers (role, address, version, disk use, TPS) and the TPS
// in/out charts from the server-side history, refreshed every 5 s.
'use strict';
T.routes.cluster = async (main) => {
  main.innerHTML = `<h1>Cluster</h1><div id="cards" class="cards"></div>
    <h2>Messages per second (in / out)</h2><div id="tps"></div>
    <h2>Brokers</h2><div id="brokers"></div>`;
  const draw = async () => {
    const [c, tps] = await Promise.all([T.get('/api/cluster'), T.get('/api/cluster/tps')]);
    const brokers = c.brokers || [];
    const clusters = new Set(brokers.map((b) => b.cluster));
    const last = tps.points.length ? tps.points[tps.points.length - 1] : { in: 0, out: 0 };
    document.getElementById('cards').innerHTML = [
      ['Clusters', clusters.size],
      ['Brokers', brokers.length],
      ['Name servers', (c.namesrv || []).join(', ') || '-'],
      ['TPS in', T.fmtRate(last.in)],
      ['TPS out', T.fmtRate(last.out)],
    ]
      .map(([k, v]) => `<div class="card"><div class="k">${T.h(k)}</div><div class="v">${T.h(v)}</div></div>`)
      .join('');
    document.getElementById('tps').innerHTML = T.lineChart(tps.points, [
      { key: 'in', label: 'in (puts/s)', color: '#3d6fd8', cls: 'in' },
      { key: 'out', label: 'out (gets/s)', color: '#e07b00', cls: 'out' },
    ]);
    const rows = brokers.map((b) => {
      const disk = b.diskRatio === '' ? '-' : (Number(b.diskRatio) * 100).toFixed(1) + ' %';
      const size = Number(b.commitLogMaxOffset || 0) - Number(b.commitLogMinOffset || 0);
      return `<tr class="broker-row"><td>${T.h(b.cluster)}</td><td>${T.h(b.brokerName)}</td>
        <td>${T.h(b.brokerId)}</td><td><span class="tag ${b.role === 'MASTER' ? 'good' : ''}">${T.h(
        b.role
      )}</span></td><td>${T.h(b.addr)}</td><td>${T.h(b.version)}</td>
        <td class="num">${disk}</td><td class="num">${T.fmtNum(size)}</td>
        <td class="num">${T.fmtRate(b.putTps)}</td><td class="num">${T.fmtRate(b.getTps)}</td>
        <td class="num">${T.fmtNum(b.msgPutTotalTodayNow)}</td><td class="num">${T.fmtNum(
        b.msgGetTotalTodayNow
      )}</td><td>${T.h(b.runtime)}${b.error ? ` <span class="tag bad">${T.h(b.error)}</span>` : ''}</td></tr>`;
    });
    document.getElementById('brokers').innerHTML = T.table(
      ['Cluster', 'Broker', 'Id', 'Role', 'Address', 'Version', '#Disk used', '#CommitLog bytes',
        '#Put TPS', '#Get TPS', '#Put today', '#Get today', 'Up'],
      rows
    );
  };
  await draw();
  T.timer = setInterval(() => draw().catch((e) => T.banner(e.message)), 5000);
};
