// The Run tab: POST /api/jobs {kind: "run"}, progress, then the results of the finished job:
// the headline numbers, before/after maps with a slider over the sessions, the time course,
// the scar table, the side effects with their sources and the run's files.

import { runJob, getJson, showError, clearMessage, progressView, showMessage } from './api.js';
import { drawHeightMap, zRange } from './heightmap.js';
import { SurfaceView } from './view3d.js';
import { lineChart } from './chart.js';
import { state, on } from './state.js';
import { $, el, fmt, pct, linkOrText, titleCase } from './util.js';

let view = null;
let busy = false;
let current = null; // {job, stages: [{name, label, numbers}], cache: Map, range, scenario}

export function initResults() {
  view = new SurfaceView($('res-3d'));
  on('run', startRun);
  $('res-stage').addEventListener('input', () => showStage(Number($('res-stage').value)));
  $('res-exag').addEventListener('input', () => {
    $('res-exag-out').textContent = `${$('res-exag').value}×`;
    view.setExaggeration($('res-exag').value);
  });
}

async function startRun(scenario) {
  const slot = $('run-msg');
  if (busy) {
    showMessage(slot, 'warn', 'A course is already running', 'Wait for it to finish; its results will show here.');
    return;
  }
  busy = true;
  $('run-go').disabled = true;
  $('run-empty').hidden = true;
  clearMessage(slot);
  const show = progressView($('run-progress'), $('run-bar'), $('run-task'), $('run-elapsed'));
  try {
    const job = await runJob({ kind: 'run', scenario }, show);
    show({ ...job, progress: 1, task: 'done' });
    state.run = job;
    await showResults(job, scenario);
  } catch (e) {
    showError(slot, e, 'The run');
    if (!state.run) $('run-empty').hidden = false;
  } finally {
    busy = false;
    $('run-go').disabled = false;
    setTimeout(() => { if (!busy) $('run-progress').hidden = true; }, 1500);
  }
}

const jobUrl = (job, kind, name) => `/api/jobs/${encodeURIComponent(job.id)}/${kind}/${encodeURIComponent(name)}`;

/** The stages the slider runs over, from the job's .gsf files. */
function stagesOf(job, res) {
  const names = (job.files || []).filter((f) => /^surface_.*\.gsf$/.test(f)).map((f) => f.replace(/\.gsf$/, ''));
  const sessions = res.sessions || [];
  const stages = [];
  if (names.includes('surface_start')) stages.push({ name: 'surface_start', label: 'Start (day 0)', numbers: res.baseline });
  const after = names.map((n) => /^surface_session(\d+)_after$/.exec(n)).filter(Boolean).map((m) => Number(m[1])).sort((a, b) => a - b);
  for (const k of after) {
    const s = sessions.find((x) => x.session === k) || sessions[k - 1];
    stages.push({ name: `surface_session${k}_after`, label: `After session ${k}${s ? ` (day ${fmt(s.day, 0)})` : ''}`, numbers: s });
  }
  if (names.includes('surface_end')) stages.push({ name: 'surface_end', label: `End of follow-up${res.final ? ` (day ${fmt(res.final.day, 0)})` : ''}`, numbers: res.final });
  return stages;
}

async function surface(name) {
  if (!current.cache.has(name)) current.cache.set(name, getJson(jobUrl(current.job, 'surface', name)));
  return current.cache.get(name);
}

async function showResults(job, scenario) {
  const res = job.result;
  if (!res || !res.final) throw new Error('the finished job has no result with "final"');
  $('run-result').hidden = false;
  current = { job, scenario, cache: new Map(), stages: stagesOf(job, res) };

  // headline
  const b = res.baseline || {}, f = res.final;
  $('res-improvement').textContent = pct(f.improvement_pct);
  const dl = $('res-summary');
  dl.replaceChildren();
  const rows = [
    ['Scars', `${b.scars ?? '–'} → ${f.scars ?? '–'}`],
    ['Mean depth', `${fmt(b.mean_depth_mm, 3)} → ${fmt(f.mean_depth_mm, 3)} mm`],
    ['Scar volume', `${fmt(b.volume_mm3, 3)} → ${fmt(f.volume_mm3, 3)} mm³`],
    ['Goodman-Baron quantitative', `${b.goodman_baron_quantitative ?? '–'} → ${f.goodman_baron_quantitative ?? '–'}`],
    ['Goodman-Baron qualitative', `${b.goodman_baron_qualitative ?? '–'} → ${f.goodman_baron_qualitative ?? '–'}`],
    ['ECCA', `${b.ecca ?? '–'} → ${f.ecca ?? '–'}`],
    ['Redness after a session', `${fmt(f.erythema_days, 1)} days (model)`],
    ['Collagen change', pct(res.collagen_change_pct, 2)],
    ['Simulated on', res.grid ? `${res.grid.nx} × ${res.grid.ny} × ${res.grid.nz} voxels of ${fmt(res.grid.dx_um, 0)} µm` : '–'],
    ['Computed in', res.performance ? `${fmt(res.performance.seconds, 1)} s` : '–'],
  ];
  for (const [t, v] of rows) dl.append(el('dt', {}, t), el('dd', {}, v));

  // slider over the stages
  const slider = $('res-stage');
  slider.max = String(Math.max(0, current.stages.length - 1));
  slider.disabled = current.stages.length < 2;
  slider.dataset.stages = current.stages.map((st) => st.name).join(',');
  if (current.stages.length) {
    const start = await surface(current.stages[0].name);
    current.range = zRange(start);
    drawHeightMap($('res-map-before'), start, { range: current.range, bar: $('res-map-bar') });
    $('res-map-before').dataset.surface = current.stages[0].name;
    slider.value = slider.max;
    await showStage(current.stages.length - 1);
  } else {
    $('res-stage-name').textContent = 'the job has no surfaces';
  }

  drawCharts(res, scenario);
  scarTable(res.scars || []);
  sideEffects(res.side_effects);
  fileList(job);
}

async function showStage(i) {
  if (!current || !current.stages[i]) return;
  const st = current.stages[i];
  $('res-stage-name').textContent = st.label;
  $('res-map-after-cap').textContent = st.label;
  const n = st.numbers;
  $('res-stage-numbers').textContent = n
    ? `Scars ${n.scars ?? '–'}, mean depth ${fmt(n.mean_depth_mm, 3)} mm, volume ${fmt(n.volume_mm3, 3)} mm³, improvement ${pct(n.improvement_pct)}, Goodman-Baron ${n.goodman_baron_quantitative ?? '–'}.`
    : '';
  try {
    const s = await surface(st.name);
    if ($('res-stage').value !== String(i)) return; // moved on meanwhile
    drawHeightMap($('res-map-after'), s, { range: current.range });
    $('res-map-after').dataset.surface = st.name;
    view.exaggeration = Number($('res-exag').value);
    await view.show({ ...s, name: st.name }, current.range);
  } catch (e) {
    showError($('run-msg'), e, `The surface ${st.name}`);
  }
}

function drawCharts(res, scenario) {
  const pts = [];
  if (res.baseline) pts.push({ ...res.baseline, label: 'before' });
  for (const s of res.sessions || []) pts.push({ ...s, label: `after session ${s.session}` });
  const last = pts[pts.length - 1];
  if (res.final && (!last || res.final.day !== last.day)) pts.push({ ...res.final, label: 'end' });
  const p = scenario && scenario.protocol;
  const marks = [];
  if (p && Number.isInteger(p.sessions) && Number(p.interval_weeks) > 0) {
    for (let k = 0; k < p.sessions; k++) marks.push(k * p.interval_weeks * 7);
  }
  lineChart($('chart-depth'), { points: pts.map((q) => ({ x: q.day, y: q.mean_depth_mm, label: q.label })), yLabel: 'mean depth (mm)', yUnit: 'mm', xLabel: 'day (dashed: sessions)', marks, colour: '#6b3d5a', title: 'Mean scar depth against day' });
  lineChart($('chart-improvement'), { points: pts.map((q) => ({ x: q.day, y: q.improvement_pct, label: q.label })), yLabel: 'improvement (%)', yUnit: '%', xLabel: 'day (dashed: sessions)', marks, colour: '#1e7b4f', zeroLine: true, title: 'Improvement of scar volume against day' });
}

function scarTable(scars) {
  const tb = $('res-scars').tBodies[0];
  tb.replaceChildren(...scars.map((s) => el('tr', { dataset: { type: s.type } },
    el('td', {}, el('span', { className: `chip chip-${s.type}` }, s.type)),
    el('td', { className: 'num' }, `${fmt(s.x_mm)}, ${fmt(s.y_mm)}`),
    el('td', { className: 'num' }, fmt(s.width_mm)),
    el('td', { className: 'num' }, `${fmt(s.depth_before_mm, 3)} → ${fmt(s.depth_after_mm, 3)}`),
    el('td', { className: 'num' }, `${fmt(s.volume_before_mm3, 3)} → ${fmt(s.volume_after_mm3, 3)}`),
    el('td', { className: 'num' }, pct(s.improvement_pct)),
    el('td', {}, s.found_after === false ? 'no (gone)' : s.found_after ? 'yes' : '–'),
  )));
  if (!scars.length) tb.append(el('tr', {}, el('td', { colSpan: 7 }, 'The run reported no scars.')));
}

export function sideEffectItem(it) {
  const li = el('li', { className: `se se-${it.level}`, dataset: { id: it.id || '' } },
    el('h5', {}, it.title || (it.id === 'pih' ? 'PIH' : titleCase(it.id || '')), ' ', el('span', { className: `level level-${it.level}` }, it.level)),
    el('p', {}, it.text || ''));
  if (it.trigger) li.append(el('p', { className: 'hint' }, `Why shown: ${it.trigger}`));
  if (it.numbers && it.numbers.length) {
    const t = el('table', { className: 'data small' }, el('thead', {}, el('tr', {}, el('th', {}, 'what'), el('th', {}, 'value'), el('th', {}, 'population'), el('th', {}, 'source'))));
    const tb = el('tbody');
    for (const n of it.numbers) {
      tb.append(el('tr', {}, el('td', {}, n.what || ''), el('td', { className: 'num' }, `${n.value ?? ''} ${n.unit || ''}`), el('td', {}, n.population || ''), el('td', { className: 'source' }, linkOrText(n.source || ''))));
    }
    t.append(tb);
    li.append(el('details', {}, el('summary', {}, `Published numbers (${it.numbers.length})`), t));
  }
  if (it.source) li.append(el('p', { className: 'source' }, 'Source: ', linkOrText(it.source)));
  return li;
}

function sideEffects(se) {
  const ul = $('res-side-effects');
  if (!se || !Array.isArray(se.items)) {
    ul.replaceChildren(el('li', {}, 'The run did not report side effects.'));
    $('res-se-level').textContent = '';
    return;
  }
  $('res-se-level').textContent = se.worst_level ? `worst: ${se.worst_level}` : '';
  $('res-se-level').className = `level level-${se.worst_level || 'info'}`;
  $('res-se-note').textContent = se.note || '';
  ul.replaceChildren(...se.items.map(sideEffectItem));
}

function fileList(job) {
  const files = job.files || [];
  const order = (f) => (f === 'report.html' ? 0 : /\.(svg|png)$/.test(f) ? 2 : /\.gsf$/.test(f) ? 4 : 1);
  const sorted = [...files].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  $('res-files').replaceChildren(...sorted.map((f) => el('li', {}, el('a', { href: jobUrl(job, 'files', f), target: '_blank', rel: 'noopener', className: f === 'report.html' ? 'report-link' : '' }, f === 'report.html' ? 'The full report (report.html, printable)' : f))));
  if (!files.length) $('res-files').append(el('li', {}, 'The job listed no files.'));
}
