// The 2-D height map: a colour map of `surface.z_um` with hill shading, each scar outlined and
// labelled with its number and type, a scale bar and a colour bar. Coordinates follow
// DESIGN.md: x along a row, y down the rows, scar centres and sizes in mm.

import { el } from './util.js';

// deep (scar floor) → skin surface → raised; calm, ordered in lightness
const STOPS = [
  [0.0, [45, 30, 62]],
  [0.25, [107, 61, 90]],
  [0.5, [176, 106, 94]],
  [0.75, [224, 168, 130]],
  [1.0, [251, 233, 215]],
];

export const SCAR_COLOURS = {
  icepick: '#c0392b',
  boxcar: '#1f5fa8',
  rolling: '#1e7b4f',
  hypertrophic: '#b9770e',
};

export function colourAt(t) {
  t = Math.max(0, Math.min(1, t));
  for (let i = 1; i < STOPS.length; i++) {
    if (t <= STOPS[i][0]) {
      const [t0, c0] = STOPS[i - 1];
      const [t1, c1] = STOPS[i];
      const f = (t - t0) / (t1 - t0);
      return [0, 1, 2].map((k) => c0[k] + f * (c1[k] - c0[k]));
    }
  }
  return STOPS[STOPS.length - 1][1];
}

/** The height range drawn: robust (0.2 % .. 99.8 %) so one spike does not flatten the rest. */
export function zRange(surface) {
  const z = surface.z_um;
  const n = z.length;
  if (!n) return { zmin: 0, zmax: 1 };
  const step = Math.max(1, Math.floor(n / 20000));
  const sample = [];
  for (let i = 0; i < n; i += step) if (Number.isFinite(z[i])) sample.push(z[i]);
  sample.sort((a, b) => a - b);
  let zmin = sample[Math.floor(0.002 * (sample.length - 1))];
  let zmax = sample[Math.ceil(0.998 * (sample.length - 1))];
  if (!(zmax > zmin)) { zmin -= 1; zmax += 1; }
  return { zmin, zmax };
}

/** Check the shape of a surface answer before drawing it. */
export function checkSurface(s) {
  if (!s || !Number.isInteger(s.nx) || !Number.isInteger(s.ny) || s.nx < 2 || s.ny < 2 ||
      !Array.isArray(s.z_um) || s.z_um.length !== s.nx * s.ny || !(s.dx_um > 0)) {
    throw new Error('the server sent a surface without nx, ny, dx_um and nx·ny heights');
  }
  return s;
}

/**
 * Draw `surface` into `canvas`; returns {zmin, zmax}.
 * opts: {range: {zmin, zmax}, scars: [...scan scars], bar: element for the colour bar}
 */
export function drawHeightMap(canvas, surface, opts = {}) {
  checkSurface(surface);
  const { nx, ny } = surface;
  const dx = surface.dx_um, dy = surface.dy_um || surface.dx_um;
  const z = surface.z_um;
  const { zmin, zmax } = opts.range || zRange(surface);
  const widthMm = (nx * dx) / 1000, heightMm = (ny * dy) / 1000;

  // the picture at one pixel per sample
  const img = new ImageData(nx, ny);
  const span = zmax - zmin;
  // light from the upper left, heights exaggerated so that shading reads at any size
  const lx = -0.6, ly = -0.6, lz = 0.55;
  const EX = 2; // slope exaggeration of the shading only
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      const v = z[k];
      const c = colourAt((v - zmin) / span);
      const zl = z[j * nx + Math.max(0, i - 1)], zr = z[j * nx + Math.min(nx - 1, i + 1)];
      const zu = z[Math.max(0, j - 1) * nx + i], zd = z[Math.min(ny - 1, j + 1) * nx + i];
      const gx = ((zr - zl) / (2 * dx)) * EX, gy = ((zd - zu) / (2 * dy)) * EX;
      const norm = Math.hypot(gx, gy, 1);
      const shade = Math.max(0, (-gx * lx - gy * ly + lz) / norm / Math.hypot(lx, ly, lz));
      const f = 0.72 + 0.38 * shade;
      img.data[4 * k] = Math.min(255, c[0] * f);
      img.data[4 * k + 1] = Math.min(255, c[1] * f);
      img.data[4 * k + 2] = Math.min(255, c[2] * f);
      img.data[4 * k + 3] = 255;
    }
  }
  const off = document.createElement('canvas');
  off.width = nx;
  off.height = ny;
  off.getContext('2d').putImageData(img, 0, 0);

  // the canvas keeps its width; its height follows the field's aspect
  const W = canvas.width;
  const H = Math.max(40, Math.round((W * heightMm) / widthMm));
  if (canvas.height !== H) canvas.height = H;
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = true;
  ctx.clearRect(0, 0, W, H);
  ctx.drawImage(off, 0, 0, W, H);
  const sx = W / widthMm, sy = H / heightMm; // px per mm

  // scars: an ellipse of the measured length and width along the major axis
  const scars = opts.scars || [];
  ctx.lineWidth = 2;
  ctx.font = '600 12px system-ui, sans-serif';
  scars.forEach((s, n) => {
    const colour = SCAR_COLOURS[s.type] || '#222';
    const cx = s.x_mm * sx, cy = s.y_mm * sy;
    const a = Math.max(2, ((s.length_mm || s.width_mm || 0.5) / 2) * sx);
    const b = Math.max(2, ((s.width_mm || 0.5) / 2) * sy);
    const rot = ((s.orientation_deg || 0) * Math.PI) / 180;
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.lineWidth = 4;
    ctx.beginPath();
    ctx.ellipse(cx, cy, a, b, rot, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.stroke();
    const label = `${s.id ?? n + 1} ${s.type}`;
    const tw = ctx.measureText(label).width;
    let lxp = cx - tw / 2, lyp = cy - Math.max(a, b) - 6;
    if (lyp < 14) lyp = cy + Math.max(a, b) + 16;
    lxp = Math.max(2, Math.min(W - tw - 2, lxp));
    ctx.fillStyle = 'rgba(255,255,255,0.85)';
    ctx.fillRect(lxp - 3, lyp - 12, tw + 6, 16);
    ctx.fillStyle = colour;
    ctx.fillText(label, lxp, lyp);
  });

  // scale bar: 1 mm (or 0.5/2/5 mm to stay 40-160 px)
  let bar = 1;
  for (const c of [0.5, 1, 2, 5, 10, 20]) { if (c * sx >= 40) { bar = c; break; } }
  const bx = 10, by = H - 12;
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(bx - 4, by - 16, bar * sx + 8, 22);
  ctx.fillStyle = '#222';
  ctx.fillRect(bx, by, bar * sx, 4);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText(`${bar} mm`, bx, by - 4);

  canvas.dataset.nx = String(nx);
  canvas.dataset.ny = String(ny);
  canvas.dataset.scars = String(scars.length);
  canvas.dataset.zmin = zmin.toFixed(2);
  canvas.dataset.zmax = zmax.toFixed(2);
  canvas.setAttribute('aria-label', `Height map, ${widthMm.toFixed(1)} × ${heightMm.toFixed(1)} mm, heights ${zmin.toFixed(0)} to ${zmax.toFixed(0)} µm${scars.length ? `, ${scars.length} scars outlined` : ''}`);
  if (opts.bar) drawColourBar(opts.bar, zmin, zmax);
  return { zmin, zmax };
}

/** A horizontal colour bar with its ends and middle in µm. */
export function drawColourBar(box, zmin, zmax) {
  const c = el('canvas', { width: 256, height: 12, 'aria-hidden': 'true' });
  const ctx = c.getContext('2d');
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = colourAt(i / 255);
    ctx.fillStyle = `rgb(${r | 0},${g | 0},${b | 0})`;
    ctx.fillRect(i, 0, 1, 12);
  }
  box.replaceChildren(
    el('span', { className: 'cb-label' }, `${zmin.toFixed(0)} µm`),
    c,
    el('span', { className: 'cb-label' }, `${zmax.toFixed(0)} µm`),
    el('span', { className: 'hint' }, ' height; scars are the low, dark areas'),
  );
}
