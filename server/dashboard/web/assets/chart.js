// chart.js: a small SVG line chart (no library, works offline) for the TPS history.
'use strict';
T.lineChart = (points, series) => {
  const W = 900;
  const H = 220;
  const L = 54;
  const B = 24;
  const R = 10;
  const top = 10;
  if (!points.length) return '<p class="muted">No samples yet.</p>';
  const t0 = points[0].t;
  const t1 = Math.max(points[points.length - 1].t, t0 + 1);
  let max = 1;
  for (const p of points) for (const s of series) max = Math.max(max, p[s.key] || 0);
  max = Math.ceil(max * 1.1);
  const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  const y = (v) => top + (1 - v / max) * (H - top - B);
  const lines = series
    .map((s) => {
      const d = points.map((p) => `${x(p.t).toFixed(1)},${y(p[s.key] || 0).toFixed(1)}`).join(' ');
      return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${d}"><title>${T.h(
        s.label
      )}</title></polyline>`;
    })
    .join('');
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = max * f;
      return `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e6ec"/>
        <text x="${L - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end" fill="#6b7385">${v.toFixed(
        v < 10 ? 1 : 0
      )}</text>`;
    })
    .join('');
  const tl = (t) => new Date(t).toTimeString().slice(0, 8);
  const axis = `<text x="${L}" y="${H - 6}" font-size="11" fill="#6b7385">${tl(t0)}</text>
    <text x="${W - R}" y="${H - 6}" font-size="11" text-anchor="end" fill="#6b7385">${tl(t1)}</text>`;
  const legend = series.map((s) => `<span class="${s.cls}">■ ${T.h(s.label)}</span>`).join('');
  return `<div class="chart"><div class="legend">${legend}</div>
    <svg viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="TPS">${grid}${axis}${lines}</svg></div>`;
};
