// The Protocol tab: the course's settings with the safe ranges of GET /api/options beside them,
// values out of range flagged before anything is sent, and the scenario JSON (editable).

import { readNumber, showFlags, mark, rangeText } from './form.js';
import { state, on, emit } from './state.js';
import { $, el, fmt, titleCase } from './util.js';
import { showMessage, clearMessage } from './api.js';

// What docs/scenario.md documents for the scenario reader, used only when the server did not
// answer /api/options (then the page says so and the server's checks remain the judge).
const READER_LIMITS = {
  devices: ['roller', 'pen', 'stamp', 'home_roller', 'rf_microneedle', 'fractional_laser'].map((name) => ({ name, label: titleCase(name), needle_mm: { min: name === 'home_roller' ? 0.1 : 0.1, max: name === 'home_roller' ? 0.5 : 3.0 } })),
  regions: ['cheek', 'nasolabial', 'nose', 'upper_lip', 'forehead', 'temple', 'chin', 'jaw'].map((name) => ({ name })),
  adjuncts: ['prp_topical', 'prp_intradermal', 'serum_hyaluronic', 'serum_vitamin_c', 'serum_growth_factor', 'retinoid_topical', 'peel_glycolic', 'peel_tca', 'subcision'].map((name) => ({ name, label: titleCase(name) })),
  fitzpatrick: { min: 1, max: 6 }, sessions: { min: 0, max: 12 }, interval_weeks: { min: 1, max: 26 },
  follow_up_weeks: { min: 0, max: 104 }, dx_um: { min: 10, max: 200, default: 25 },
};

let edited = false;
const opts = () => state.options || READER_LIMITS;

export function initProtocol() {
  const form = $('protocol-form');
  form.addEventListener('input', (e) => { if (e.target.id !== 'scenario-json') refresh(); });
  form.addEventListener('change', (e) => { if (e.target.id !== 'scenario-json') refresh(); });
  $('p-device').addEventListener('change', deviceChanged);
  $('scenario-json').addEventListener('input', () => {
    edited = true;
    $('scenario-edited').textContent = 'Edited by hand: the form\'s changes no longer apply to what is sent.';
  });
  $('scenario-reset').addEventListener('click', () => { edited = false; $('scenario-edited').textContent = ''; refresh(); });
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });
  on('skin', refresh);
}

export function applyProtocolOptions() {
  const o = opts();
  const dev = $('p-device');
  const was = dev.value || 'pen';
  dev.replaceChildren(...o.devices.map((d) => el('option', { value: d.name }, titleCase(d.label || d.name))));
  dev.value = o.devices.some((d) => d.name === was) ? was : o.devices[0].name;
  const reg = $('p-region');
  reg.replaceChildren(...o.regions.map((r) => el('option', { value: r.name }, titleCase(r.name))));
  reg.value = o.regions.some((r) => r.name === 'cheek') ? 'cheek' : o.regions[0].name;
  $('p-adjuncts').replaceChildren(...o.adjuncts.map((a) => el('label', { className: 'check' }, el('input', { type: 'checkbox', value: a.name, name: 'adjunct' }), ` ${a.label || titleCase(a.name)}`)));
  $('p-sessions-range').textContent = rangeText(o.sessions);
  $('p-interval-range').textContent = rangeText(o.interval_weeks, 'weeks');
  $('p-followup-range').textContent = rangeText(o.follow_up_weeks, 'weeks');
  $('p-fitz-range').textContent = rangeText(o.fitzpatrick);
  $('p-dx-range').textContent = `${rangeText(o.dx_um, 'µm')}; coarser is faster`;
  if (o.dx_um && o.dx_um.default != null) $('p-dx').value = o.dx_um.default;
  if (!state.options) $('p-device-range').textContent = 'The server did not give the safe ranges; the scenario reader\'s limits apply.';
  deviceChanged();
}

function device() {
  return opts().devices.find((d) => d.name === $('p-device').value) || opts().devices[0];
}
function region() {
  return opts().regions.find((r) => r.name === $('p-region').value) || opts().regions[0];
}

function deviceChanged() {
  const d = device();
  const n = d.needle_mm || {};
  const needle = Number($('p-needle').value);
  if (n.default != null && !(needle >= n.min && needle <= n.max)) $('p-needle').value = n.default;
  if (d.passes_default != null) $('p-passes').value = d.passes_default;
  refresh();
}

/** The skin part of the scenario: the Skin tab's skin, else its synthetic form. */
function skinPart() {
  const s = state.skin;
  if (s && s.kind === 'upload' && s.upload) return { surface: `upload:${s.upload}` };
  if (s && s.kind === 'synth' && s.spec) return { synth: s.spec };
  if (s && s.upload) return { surface: `upload:${s.upload}` };
  return null;
}

/** Read the form: {scenario, problems: [{level, text}]} */
function readForm() {
  const o = opts();
  const d = device();
  const r = region();
  const problems = [];
  const take = (id, rules, level = 'error') => {
    const res = readNumber($(id), rules);
    if (res.problem) problems.push({ level, text: res.problem });
    return res.value;
  };
  const n = d.needle_mm || {};
  const needle = take('p-needle', { label: 'needle length', min: n.min, max: n.max, unit: 'mm', why: `the ${d.label || d.name}'s range` });
  const passes = take('p-passes', { label: 'passes', min: 1, max: 50, integer: true });
  const sessions = take('p-sessions', { label: 'sessions', min: o.sessions.min, max: o.sessions.max, integer: true });
  const interval = take('p-interval', { label: 'interval', min: o.interval_weeks.min, max: o.interval_weeks.max, unit: 'weeks' });
  const follow = take('p-followup', { label: 'follow-up', min: o.follow_up_weeks.min, max: o.follow_up_weeks.max, unit: 'weeks' });
  const fitz = take('p-fitz', { label: 'Fitzpatrick type', min: o.fitzpatrick.min, max: o.fitzpatrick.max, integer: true });
  const age = take('p-age', { label: 'age', min: 12, max: 100, unit: 'years' });
  const dx = take('p-dx', { label: 'grid voxel edge', min: o.dx_um.min, max: o.dx_um.max, unit: 'µm' });
  // the region's safety chart: flagged, not refused (a researcher may simulate beyond it)
  if (needle != null && r.max_needle_mm != null && needle > r.max_needle_mm && !problems.some((p) => /needle/.test(p.text))) {
    const text = `needle length: ${needle} mm is longer than the safety chart's ${r.max_needle_mm} mm for the ${titleCase(r.name).toLowerCase()}${r.source ? ` (${r.source})` : ''}`;
    problems.push({ level: 'warn', text });
    mark($('p-needle'), text, 'warn');
  }
  const adjuncts = [...$('p-adjuncts').querySelectorAll('input:checked')].map((i) => i.value);
  let skin = skinPart();
  if (!skin) problems.push({ level: 'error', text: 'no skin yet: make a synthetic skin or upload a surface on the Skin tab' });
  const scenario = {
    skin: { ...(skin || {}), region: r.name, fitzpatrick: fitz, age },
    protocol: { device: d.name, needle_mm: needle, passes, sessions, interval_weeks: interval, adjuncts, follow_up_weeks: follow },
    grid: { dx_um: dx },
  };
  return { scenario, problems };
}

export function refresh() {
  const d = device();
  const r = region();
  if (d) {
    const n = d.needle_mm || {};
    $('p-device-range').textContent = d.home ? 'for use at home' : state.options ? 'clinic device' : $('p-device-range').textContent;
    $('p-needle-range').textContent = n.min != null ? `${titleCase(d.label || d.name)}: ${rangeText(n, 'mm')}` : '';
  }
  if (r) {
    $('p-region-range').textContent = r.max_needle_mm != null
      ? `needles at most ${r.max_needle_mm} mm here${r.chart ? ` (chart: ${r.chart} mm)` : ''} — ${r.source || 'source not given'}`
      : state.options ? 'the needle chart has no row for this region: the device\'s range applies' : '';
  }
  const s = state.skin;
  $('protocol-skin').textContent = s
    ? `Skin: ${s.kind === 'synth' ? 'the synthetic skin' : s.name || 'the uploaded surface'} of the Skin tab (${s.scan.scars.length} scar${s.scan.scars.length === 1 ? '' : 's'}${s.upload ? `, upload ${s.upload}` : ''}).`
    : 'Skin: none yet — make a synthetic skin or upload a surface on the Skin tab first.';
  const { scenario, problems } = readForm();
  showFlags($('protocol-flags'), problems);
  if (!edited) $('scenario-json').value = JSON.stringify(scenario, null, 2);
  return { scenario, problems };
}

function submit() {
  const slot = $('run-msg');
  let scenario;
  if (edited) {
    try {
      scenario = JSON.parse($('scenario-json').value);
    } catch (e) {
      showMessage($('protocol-msg'), 'error', 'The scenario in the advanced box is not valid JSON', e.message);
      $('advanced').open = true;
      return;
    }
  } else {
    const r = refresh();
    if (r.problems.some((p) => p.level === 'error')) {
      $('protocol-flags').scrollIntoView({ block: 'nearest' });
      return;
    }
    scenario = r.scenario;
  }
  clearMessage(slot);
  clearMessage($('protocol-msg'));
  emit('tab', 'run');
  emit('run', scenario);
}
