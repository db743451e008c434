// The Skin tab: a synthetic skin (POST /api/synth) or an uploaded surface (POST /api/scan),
// shown as a 2-D map with the scars outlined, in 3-D, with the grades and the scar table.

import { api, postJson, showError, showMessage, clearMessage, ApiError } from './api.js';
import { drawHeightMap } from './heightmap.js';
import { SurfaceView } from './view3d.js';
import { readNumber, showFlags } from './form.js';
import { state, emit } from './state.js';
import { $, el, fmt, fillDl } from './util.js';

const TYPES = ['icepick', 'boxcar', 'rolling', 'hypertrophic'];
const GB_QUAL = { 0: 'no scars', 1: 'grade 1, macular (flat marks)', 2: 'grade 2, mild', 3: 'grade 3, moderate', 4: 'grade 4, severe' };
let view = null;

export function initSkin() {
  view = new SurfaceView($('skin-3d'));
  $('synth-form').addEventListener('submit', (e) => { e.preventDefault(); makeSynth(); });
  $('upload-form').addEventListener('submit', (e) => { e.preventDefault(); upload(); });
  $('skin-exag').addEventListener('input', () => {
    $('skin-exag-out').textContent = `${$('skin-exag').value}×`;
    view.setExaggeration($('skin-exag').value);
  });
  $('skin-show-picture').addEventListener('change', () => {
    const pic = $('skin-show-picture').checked;
    $('skin-picture').hidden = !pic;
    $('skin-map').parentElement.hidden = pic;
    $('skin-map-bar').hidden = pic;
  });
  $('skin-use').addEventListener('click', () => emit('tab', 'protocol'));
}

/** The limits of GET /api/options for the synthetic skin. */
export function applySkinOptions(o) {
  const sy = o && o.synth;
  if (sy) {
    for (const t of TYPES) $(`synth-${t}`).max = sy.max_scars_per_type;
    for (const id of ['synth-w', 'synth-h']) { $(id).min = sy.size_mm.min; $(id).max = sy.size_mm.max; }
    $('synth-px').min = sy.px_um.min; $('synth-px').max = sy.px_um.max;
    $('synth-range').textContent = `Up to ${sy.max_scars_per_type} scars of each type; size ${sy.size_mm.min}-${sy.size_mm.max} mm a side; pixel ${sy.px_um.min}-${sy.px_um.max} µm (default ${sy.px_um.default}). Small fields hold few scars: the server says when they do not fit.`;
  }
  const lim = state.health && state.health.limits;
  if (lim && lim.max_upload_bytes) $('upload-limit').textContent = `Files up to ${(lim.max_upload_bytes / 1048576).toFixed(0)} MiB.`;
}

function synthSpec() {
  const sy = (state.options && state.options.synth) || {};
  const problems = [];
  const scars = {};
  for (const t of TYPES) {
    const r = readNumber($(`synth-${t}`), { label: `${t} scars`, min: 0, max: sy.max_scars_per_type, integer: true });
    if (r.problem) problems.push(r.problem);
    else if (r.value > 0) scars[t] = r.value;
  }
  const size = ['synth-w', 'synth-h'].map((id, i) => {
    const r = readNumber($(id), { label: i ? 'height' : 'width', min: sy.size_mm ? sy.size_mm.min : 1, max: sy.size_mm ? sy.size_mm.max : 100, unit: 'mm' });
    if (r.problem) problems.push(r.problem);
    return r.value;
  });
  const px = readNumber($('synth-px'), { label: 'pixel', min: sy.px_um ? sy.px_um.min : 1, max: sy.px_um ? sy.px_um.max : 1000, unit: 'µm' });
  if (px.problem) problems.push(px.problem);
  const seed = readNumber($('synth-seed'), { label: 'seed', min: 0, integer: true });
  if (seed.problem) problems.push(seed.problem);
  if (!problems.length && !Object.keys(scars).length) problems.push('at least one scar is needed');
  return { spec: { scars, size_mm: size, px_um: px.value, seed: seed.value }, problems };
}

async function makeSynth() {
  const slot = $('skin-msg');
  const { spec, problems } = synthSpec();
  if (problems.length) {
    showMessage(slot, 'error', 'Please check the synthetic skin', problems.join('; '));
    return;
  }
  const btn = $('synth-go');
  btn.disabled = true;
  showMessage(slot, 'info', 'Making and scanning the skin…');
  try {
    const ans = await postJson('/api/synth', spec);
    clearMessage(slot);
    await showSkin(ans, 'synth', spec);
  } catch (e) {
    showError(slot, e, 'Synthetic skin');
  } finally {
    btn.disabled = false;
  }
}

async function upload() {
  const slot = $('skin-msg');
  const file = $('upload-file').files[0];
  if (!file) {
    showMessage(slot, 'error', 'Choose a surface file first', 'A .gsf, .x3p, 16-bit .png or .csv height map.');
    return;
  }
  const lim = state.health && state.health.limits;
  if (lim && lim.max_upload_bytes && file.size > lim.max_upload_bytes) {
    showMessage(slot, 'error', 'The file is larger than the server accepts', `${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; the limit is ${(lim.max_upload_bytes / 1048576).toFixed(0)} MiB (scarsim serve --max-upload-mb).`);
    return;
  }
  const q = new URLSearchParams({ name: file.name });
  const problems = [];
  const px = readNumber($('upload-px'), { label: 'pixel', min: 0, optional: true, unit: 'µm' });
  const zs = readNumber($('upload-zstep'), { label: 'height step', min: 0, optional: true, unit: 'µm' });
  for (const r of [px, zs]) if (r.problem) problems.push(r.problem);
  if (problems.length) { showMessage(slot, 'error', 'Please check the scale', problems.join('; ')); return; }
  if (px.value != null) q.set('px_um', px.value);
  if (zs.value != null) q.set('z_step_um', zs.value);
  if ($('upload-zunit').value) q.set('z_unit', $('upload-zunit').value);
  const btn = $('upload-go');
  btn.disabled = true;
  showMessage(slot, 'info', `Uploading and scanning ${file.name}…`);
  try {
    const ans = await api(`/api/scan?${q}`, { method: 'POST', body: file, headers: { 'Content-Type': 'application/octet-stream' } });
    clearMessage(slot);
    await showSkin(ans, 'upload', null);
  } catch (e) {
    showError(slot, e, `Upload of ${file.name}`);
  } finally {
    btn.disabled = false;
  }
}

/** Show a /api/scan or /api/synth answer. */
export async function showSkin(ans, kind, spec) {
  if (!ans || !ans.scan || !ans.surface) throw new ApiError(200, { error: 'the server answered without "scan" and "surface"' }, '');
  const scan = ans.scan;
  state.skin = { kind, spec, upload: ans.upload, name: ans.name, scan, surface: ans.surface, picture: ans.picture, truth: ans.truth };
  $('skin-result').hidden = false;
  const f = scan.field || {};
  const title = kind === 'synth'
    ? `Synthetic skin, ${fmt(f.width_mm, 1)} × ${fmt(f.height_mm, 1)} mm at ${fmt(f.px_um, 0)} µm`
    : `${ans.name || 'Uploaded surface'}, ${fmt(f.width_mm, 1)} × ${fmt(f.height_mm, 1)} mm at ${fmt(f.px_um, 1)} µm`;
  $('skin-title').textContent = `${title} — ${scan.scars.length} scar${scan.scars.length === 1 ? '' : 's'} found`;

  drawHeightMap($('skin-map'), ans.surface, { scars: scan.scars, bar: $('skin-map-bar') });
  if (ans.picture && /^data:image\/png;base64,/.test(ans.picture)) {
    $('skin-picture').src = ans.picture;
    $('skin-show-picture').disabled = false;
  } else {
    $('skin-show-picture').checked = false;
    $('skin-show-picture').disabled = true;
    $('skin-picture').hidden = true;
  }

  const gb = scan.goodman_baron || {};
  const iso = scan.iso25178 || {};
  const counts = scan.counts || {};
  fillDl($('skin-grades'), [
    ['Goodman-Baron qualitative', gb.qualitative_grade != null ? GB_QUAL[gb.qualitative_grade] || String(gb.qualitative_grade) : '–'],
    ['Goodman-Baron quantitative', gb.quantitative_score != null ? `${gb.quantitative_score} points` : '–', 'the sum over scar types of count band × type weight'],
    ['ECCA', scan.ecca != null ? `${scan.ecca}` : '–', 'échelle d\'évaluation clinique des cicatrices d\'acné'],
    ['Sa (mean height deviation)', `${fmt(iso.Sa_um, 1)} µm`],
    ['Sq (root mean square)', `${fmt(iso.Sq_um, 1)} µm`],
    ['Sz (highest peak to deepest pit)', `${fmt(iso.Sz_um, 0)} µm`],
    ['Scarred area', scan.scarred_area_fraction != null ? `${(scan.scarred_area_fraction * 100).toFixed(1)} %` : '–'],
    ['Scars by type', TYPES.map((t) => `${counts[t] || 0} ${t}`).join(', ')],
  ]);

  const tb = $('skin-scars').tBodies[0];
  tb.replaceChildren(...scan.scars.map((s, n) => el('tr', { dataset: { type: s.type } },
    el('td', {}, String(s.id ?? n + 1)),
    el('td', {}, el('span', { className: `chip chip-${s.type}` }, s.type), s.deep ? ' (deep)' : ''),
    el('td', { className: 'num' }, `${fmt(s.x_mm)}, ${fmt(s.y_mm)}`),
    el('td', { className: 'num' }, `${fmt(s.width_mm)} × ${fmt(s.length_mm)}`),
    el('td', { className: 'num' }, fmt(s.depth_mm, 3)),
    el('td', { className: 'num' }, fmt(s.area_mm2)),
    el('td', { className: 'num' }, fmt(s.volume_mm3, 3)),
  )));
  if (!scan.scars.length) tb.append(el('tr', {}, el('td', { colSpan: 7 }, 'No scar was found on this surface.')));

  view.exaggeration = Number($('skin-exag').value);
  await view.show(ans.surface);
  emit('skin', state.skin);
}
