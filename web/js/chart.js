// A small SVG line chart of our own: one series against days, session days marked.

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text != null) e.textContent = text;
  return e;
}

/** Round tick steps: 1, 2, 2.5, 5 × 10^k, about `n` ticks over [lo, hi]. */
export function ticks(lo, hi, n = 5) {
  if (!(hi > lo)) { hi = lo + 1; }
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((m) => m >= raw) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(+v.toPrecision(12));
  return out;
}

/**
 * lineChart(box, {points: [{x, y, label}], xLabel, yLabel, yUnit, marks: [x...], colour, zeroLine})
 * Draws into `box` (replacing its content). The svg gets data-points for tests.
 */
export function lineChart(box, o) {
  const W = 520, H = 240, L = 68, R = 16, T = 14, B = 42;
  const pts = o.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': o.title || o.yLabel, class: 'chart-svg' });
  svg.dataset.points = String(pts.length);
  if (!pts.length) {
    svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'axis' }, 'no data'));
    box.replaceChildren(svg);
    return svg;
  }
  let x0 = Math.min(...pts.map((p) => p.x)), x1 = Math.max(...pts.map((p) => p.x));
  let y0 = Math.min(...pts.map((p) => p.y)), y1 = Math.max(...pts.map((p) => p.y));
  if (o.zeroLine) { y0 = Math.min(0, y0); y1 = Math.max(0, y1); }
  if (x1 === x0) x1 = x0 + 1;
  const pad = (y1 - y0) * 0.08 || Math.abs(y1) * 0.1 || 1;
  y0 -= pad; y1 += pad;
  const xt = ticks(x0, x1, 6), yt = ticks(y0, y1, 5);
  x0 = Math.min(x0, xt[0]); x1 = Math.max(x1, xt[xt.length - 1]);
  const X = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const Y = (y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);

  const g = s('g', { class: 'axis' });
  for (const v of yt) {
    if (v < y0 || v > y1) continue;
    g.append(s('line', { x1: L, x2: W - R, y1: Y(v), y2: Y(v), class: 'grid' }));
    g.append(s('text', { x: L - 6, y: Y(v) + 4, 'text-anchor': 'end' }, `${+v.toPrecision(4)}`));
  }
  for (const v of xt) {
    g.append(s('line', { x1: X(v), x2: X(v), y1: H - B, y2: H - B + 4 }));
    g.append(s('text', { x: X(v), y: H - B + 16, 'text-anchor': 'middle' }, `${+v.toPrecision(4)}`));
  }
  g.append(s('line', { x1: L, x2: W - R, y1: H - B, y2: H - B }));
  g.append(s('line', { x1: L, x2: L, y1: T, y2: H - B }));
  g.append(s('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, o.xLabel || 'day'));
  g.append(s('text', { x: 12, y: (T + H - B) / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${(T + H - B) / 2})` }, o.yLabel));
  if (o.zeroLine && y0 < 0 && y1 > 0) g.append(s('line', { x1: L, x2: W - R, y1: Y(0), y2: Y(0), class: 'zero' }));
  svg.append(g);

  for (const m of o.marks || []) {
    svg.append(s('line', { x1: X(m), x2: X(m), y1: T, y2: H - B, class: 'mark' }));
  }
  const colour = o.colour || '#1f5fa8';
  svg.append(s('polyline', { points: pts.map((p) => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2.2 }));
  for (const p of pts) {
    const c = s('circle', { cx: X(p.x), cy: Y(p.y), r: 4, fill: '#fff', stroke: colour, 'stroke-width': 2 });
    c.append(s('title', {}, `${p.label ? p.label + ': ' : ''}day ${+p.x.toFixed(1)}, ${+p.y.toPrecision(4)}${o.yUnit ? ' ' + o.yUnit : ''}`));
    svg.append(c);
  }
  box.replaceChildren(svg);
  return svg;
}
