// The Plan tab: a patient (DESIGN.md's patient file) → POST /api/jobs {kind: "plan"} → progress
// → whether the patient is a candidate and why, the recommended course with its predicted
// improvement and 95% band, dated sessions, the other courses, the risks and the report.

import { runJob, showError, clearMessage, progressView, showMessage } from './api.js';
import { readNumber, showFlags, rangeText } from './form.js';
import { sideEffectItem } from './results.js';
import { state, on } from './state.js';
import { $, el, fmt, pct, titleCase, linkOrText } from './util.js';

const TYPES = ['icepick', 'boxcar', 'rolling', 'hypertrophic'];
// the history's yes/no questions (src/plan/patient.c, docs/plan.md's screening table)
const HISTORY = [
  ['active_acne', 'Active acne (new inflamed spots)'],
  ['skin_infection', 'A skin infection now'],
  ['active_eczema_or_rosacea', 'Eczema, psoriasis, rosacea or dermatitis, active'],
  ['pregnant', 'Pregnant'],
  ['breastfeeding', 'Breastfeeding'],
  ['bleeding_disorder', 'A bleeding disorder'],
  ['anticoagulants', 'Takes a blood thinner'],
  ['immunosuppressed', 'Immunosuppression, chemo- or radiotherapy'],
  ['uncontrolled_diabetes', 'Diabetes not under control'],
  ['photosensitivity', 'Photosensitivity, lupus or xeroderma pigmentosum'],
  ['keloid_history', 'Keloids or raised scars before'],
  ['herpes_history', 'Cold sores (herpes simplex) before'],
  ['pih_history', 'Dark marks after inflammation before (PIH)'],
];
let busy = false;

export function initPlan() {
  $('pt-history').replaceChildren(...HISTORY.map(([k, label]) => el('label', { className: 'check' }, el('input', { type: 'checkbox', id: `pt-h-${k}`, value: k }), ` ${label}`)));
  $('plan-form').addEventListener('submit', (e) => { e.preventDefault(); submit(false); });
  $('plan-screen').addEventListener('click', () => submit(true));
  $('pt-skin').addEventListener('change', skinChoice);
  $('plan-form').addEventListener('input', () => { if ($('plan-flags').childElementCount) readPatient(); });
  on('skin', skinChoice);
  skinChoice();
  if (!$('pt-start').value) $('pt-start').value = new Date().toISOString().slice(0, 10);
}

export function applyPlanOptions() {
  const o = state.options;
  if (!o) return;
  $('pt-region').replaceChildren(...o.regions.map((r) => el('option', { value: r.name }, titleCase(r.name))));
  $('pt-region').value = 'cheek';
  const showRegion = () => {
    const r = o.regions.find((x) => x.name === $('pt-region').value);
    $('pt-region-range').textContent = r && r.max_needle_mm != null ? `needles at most ${r.max_needle_mm} mm here` : '';
  };
  $('pt-region').addEventListener('change', showRegion);
  showRegion();
  $('pt-fitz-range').textContent = rangeText(o.fitzpatrick);
  $('pt-adjuncts').replaceChildren(...o.adjuncts.map((a) => el('label', { className: 'check' }, el('input', { type: 'checkbox', value: a.name, id: `pt-a-${a.name}` }), ` ${a.label || titleCase(a.name)}`)));
  if (o.sessions) $('pt-max-sessions').max = Math.max(1, o.sessions.max);
  const ps = o.plan;
  if (ps) {
    for (const [id, r] of [['pt-patients', ps.patients], ['pt-sweeps', ps.sweeps], ['pt-dx', ps.dx_um]]) {
      if (!r) continue;
      $(id).min = r.min; $(id).max = r.max;
    }
  }
}

/** Regions and adjuncts without /api/options: the names the patient reader accepts. */
export function applyPlanFallback(regions, adjuncts) {
  $('pt-region').replaceChildren(...regions.map((r) => el('option', { value: r.name }, titleCase(r.name))));
  $('pt-adjuncts').replaceChildren(...adjuncts.map((a) => el('label', { className: 'check' }, el('input', { type: 'checkbox', value: a.name, id: `pt-a-${a.name}` }), ` ${a.label}`)));
}

function skinChoice() {
  const s = state.skin;
  const opt = $('pt-skin').querySelector('option[value="upload"]');
  opt.disabled = !s;
  if (!s && $('pt-skin').value === 'upload') $('pt-skin').value = 'counts';
  const fromSkin = $('pt-skin').value === 'upload';
  $('pt-counts').disabled = fromSkin;
  $('pt-skin-note').textContent = fromSkin && s
    ? `exactly the ${s.scan.scars.length} scars of the Skin tab's ${s.kind === 'synth' ? 'synthetic skin' : 'surface'}`
    : s ? 'or the scars found on the Skin tab' : 'make or upload a skin to plan on its scars';
}

function readPatient() {
  const problems = [];
  const take = (id, rules) => {
    const r = readNumber($(id), rules);
    if (r.problem) problems.push({ level: 'error', text: r.problem });
    return r.value;
  };
  const o = state.options || { fitzpatrick: { min: 1, max: 6 } };
  const p = {};
  const name = $('pt-name').value.trim();
  if (name) p.name = name;
  p.age = take('pt-age', { label: 'age', min: 12, max: 100, unit: 'years' });
  p.fitzpatrick = take('pt-fitz', { label: 'Fitzpatrick type', min: o.fitzpatrick.min, max: o.fitzpatrick.max, integer: true });
  p.region = $('pt-region').value || 'cheek';
  const s = state.skin;
  if ($('pt-skin').value === 'upload' && s) {
    p.skin = s.kind === 'synth' && s.spec ? { synth: s.spec } : { surface: `upload:${s.upload}` };
  } else {
    const scars = {};
    for (const t of TYPES) {
      const v = take(`pt-${t}`, { label: `${t} scars`, min: 0, max: 1000, integer: true });
      if (v) scars[t] = v;
    }
    if (!Object.keys(scars).length && !problems.length) problems.push({ level: 'error', text: 'scars: at least one scar is needed for a plan' });
    p.skin = { scars };
  }
  const history = {};
  for (const [k] of HISTORY) history[k] = $(`pt-h-${k}`).checked;
  const iso = take('pt-isotretinoin', { label: 'isotretinoin months ago', min: 0, max: 1200, optional: true, unit: 'months' });
  history.isotretinoin_months_ago = iso;
  p.history = history;
  const prefs = { setting: $('pt-setting').value };
  prefs.max_sessions = take('pt-max-sessions', { label: 'most sessions', min: 1, max: 12, integer: true });
  if ($('pt-start').value) prefs.start_date = $('pt-start').value;
  prefs.adjuncts_ok = [...$('pt-adjuncts').querySelectorAll('input:checked')].map((i) => i.value);
  const dt = take('pt-downtime', { label: 'most downtime', min: 0, max: 365, optional: true, unit: 'days' });
  if (dt != null) prefs.max_downtime_days = dt;
  p.preferences = prefs;
  const pl = (state.options && state.options.plan) || { patients: { min: 2, max: 1000 }, sweeps: { min: 1, max: 10 }, dx_um: { min: 20, max: 200 } };
  const patients = take('pt-patients', { label: 'virtual patients', min: pl.patients.min, max: pl.patients.max, integer: true });
  const sweeps = take('pt-sweeps', { label: 'sweeps', min: pl.sweeps.min, max: pl.sweeps.max, integer: true });
  const dx = take('pt-dx', { label: 'grid voxel edge', min: pl.dx_um.min, max: pl.dx_um.max, unit: 'µm' });
  showFlags($('plan-flags'), problems);
  return { patient: p, patients, sweeps, dx, ok: !problems.length };
}

async function submit(screenOnly) {
  const slot = $('plan-msg');
  if (busy) { showMessage(slot, 'warn', 'A plan is already being made', 'Wait for it to finish.'); return; }
  const r = readPatient();
  if (!r.ok) return;
  busy = true;
  $('plan-go').disabled = $('plan-screen').disabled = true;
  clearMessage(slot);
  $('plan-result').hidden = true;
  const show = progressView($('plan-progress'), $('plan-bar'), $('plan-task'), $('plan-elapsed'));
  const body = { kind: 'plan', patient: r.patient, patients: r.patients, sweeps: r.sweeps, dx_um: r.dx };
  if (screenOnly) body.screen_only = true;
  try {
    const job = await runJob(body, show);
    show({ ...job, progress: 1, task: 'done' });
    state.plan = job;
    showPlan(job, screenOnly);
  } catch (e) {
    showError(slot, e, screenOnly ? 'The screening' : 'The plan');
  } finally {
    busy = false;
    $('plan-go').disabled = $('plan-screen').disabled = false;
    setTimeout(() => { if (!busy) $('plan-progress').hidden = true; }, 1500);
  }
}

const deviceLabel = (name) => {
  const d = state.options && state.options.devices.find((x) => x.name === name);
  return titleCase(d ? d.label : name);
};
const adjunctText = (list) => (list && list.length ? list.map((a) => {
  const d = state.options && state.options.adjuncts.find((x) => x.name === a);
  return d ? d.label : titleCase(a);
}).join(', ') : 'needling alone');
const band = (ci) => (Array.isArray(ci) && ci.length === 2 ? `${fmt(ci[0], 1)} to ${fmt(ci[1], 1)} %` : '–');

function reasonItem(r) {
  const li = el('li', { className: `reason reason-${r.level}`, dataset: { id: r.id || '' } },
    el('strong', {}, r.condition || r.id), ' ', el('span', { className: `level level-${r.level === 'contraindication' ? 'warning' : 'caution'}` }, r.level),
    el('p', {}, r.text || ''));
  if (r.not_before) li.append(el('p', {}, el('strong', {}, 'Not before: '), r.not_before));
  if (r.sources && r.sources.length) li.append(el('p', { className: 'source' }, 'Sources: ', ...r.sources.flatMap((s, i) => [i ? '; ' : '', linkOrText(s)])));
  return li;
}

function showPlan(job, screenOnly) {
  const res = job.result;
  const box = $('plan-result');
  box.hidden = false;
  box.replaceChildren();
  if (!res || typeof res.candidate !== 'boolean') {
    box.append(el('p', { className: 'msg msg-error' }, 'The finished plan job has no "candidate" in its result.'));
    return;
  }
  const who = res.patient && res.patient.name ? res.patient.name : 'This patient';
  const reasons = res.reasons || [];
  const banner = el('div', { className: `card verdict ${res.candidate ? 'verdict-yes' : 'verdict-no'}`, id: 'plan-verdict', dataset: { candidate: String(res.candidate) } },
    el('h3', {}, res.candidate ? `${who} can be treated with microneedling now` : `${who} should not be needled now`),
    el('p', {}, res.candidate
      ? (reasons.length ? 'With these cautions:' : 'Screening found no contraindication or caution.')
      : 'The reasons, each with what to do first:'));
  if (reasons.length) banner.append(el('ul', { className: 'reasons', id: 'plan-reasons' }, reasons.map(reasonItem)));
  box.append(banner);

  const lim = res.limits;
  if (lim && res.candidate) {
    box.append(el('div', { className: 'card' }, el('h4', {}, 'Limits the search kept to'),
      el('ul', { className: 'limits' },
        el('li', {}, `Devices: ${(lim.devices || []).map(deviceLabel).join(', ')}`),
        el('li', {}, `Needles at most ${fmt(lim.max_needle_mm, 2)} mm — ${lim.needle_why || ''} `, ...(lim.needle_sources || []).flatMap((s) => [' ', linkOrText(s)])),
        el('li', {}, `At least ${fmt(lim.min_interval_weeks, 0)} weeks between sessions — ${lim.interval_why || ''}`),
        el('li', {}, `Adjuncts: ${adjunctText(lim.adjuncts_ok)}`),
        lim.antiviral_cover ? el('li', {}, 'Antiviral cover: ask the doctor before the first session') : null)));
  }

  const plans = res.plans || [];
  const rec = Number.isInteger(res.recommended) ? plans[res.recommended] : plans.find((p) => p.recommended);
  if (rec) box.append(recommendedCard(rec));
  else if (res.candidate && !screenOnly) box.append(el('p', { className: 'hint' }, 'No protocol was recommended.'));
  if (screenOnly && res.candidate) box.append(el('p', { className: 'hint' }, 'Screened only: press "Plan a course" to search the protocols.'));

  if (plans.length) {
    const t = el('table', { className: 'data', id: 'plan-table' }, el('thead', {}, el('tr', {},
      ...['rank', 'device', 'needle (mm)', 'sessions', 'every (weeks)', 'adjuncts', 'predicted improvement', '95 % band', 'downtime (days)', 'risk', ''].map((h) => el('th', {}, h)))));
    const tb = el('tbody');
    for (const p of plans) {
      tb.append(el('tr', { className: p === rec ? 'recommended' : '' },
        el('td', { className: 'num' }, String(p.rank ?? '')), el('td', {}, deviceLabel(p.device)), el('td', { className: 'num' }, fmt(p.needle_mm, 2)),
        el('td', { className: 'num' }, String(p.sessions)), el('td', { className: 'num' }, fmt(p.interval_weeks, 0)), el('td', {}, adjunctText(p.adjuncts)),
        el('td', { className: 'num' }, pct(p.predicted_improvement_pct)), el('td', { className: 'num' }, band(p.ci95)),
        el('td', { className: 'num' }, fmt(p.total_downtime_days, 0)), el('td', {}, el('span', { className: `level level-${p.risk_level}` }, p.risk_level || '–')),
        el('td', {}, p === rec ? 'recommended' : p.within_noise_of_best ? 'as good as the best' : '')));
    }
    t.append(tb);
    box.append(el('div', { className: 'card' }, el('h4', {}, `All ${plans.length} courses evaluated`),
      res.search ? el('p', { className: 'hint' }, `Each on ${res.search.virtual_patients} virtual patients around ${who === 'This patient' ? 'the patient' : who}, ${fmt(res.search.dx_um, 0)} µm grid, ${fmt(res.search.seconds, 0)} s. ${res.search.method || ''}`) : null,
      el('div', { className: 'scroll' }, t)));
  }
  if (rec && rec.risks && rec.risks.length) {
    box.append(el('div', { className: 'card' }, el('h4', {}, 'Risks of the recommended course'), el('ul', { className: 'side-effects', id: 'plan-risks' }, rec.risks.map(sideEffectItem))));
  }
  const files = job.files || [];
  const links = el('ul', { className: 'files' });
  if (files.includes('report.html')) links.append(el('li', {}, el('a', { href: `/api/jobs/${encodeURIComponent(job.id)}/files/report.html`, target: '_blank', rel: 'noopener', className: 'report-link', id: 'plan-report' }, 'The printable report for the patient and the clinician (report.html)')));
  for (const f of files.filter((x) => x !== 'report.html')) links.append(el('li', {}, el('a', { href: `/api/jobs/${encodeURIComponent(job.id)}/files/${encodeURIComponent(f)}`, target: '_blank', rel: 'noopener' }, f)));
  box.append(el('div', { className: 'card' }, el('h4', {}, 'Files'), links));
}

function recommendedCard(p) {
  const card = el('div', { className: 'card recommended-card', id: 'plan-recommended' },
    el('h4', {}, 'Recommended course'),
    el('p', { className: 'big-line' }, `${deviceLabel(p.device)}, ${fmt(p.needle_mm, 2)} mm needles, ${p.sessions} sessions ${fmt(p.interval_weeks, 0)} weeks apart, ${adjunctText(p.adjuncts)}`),
    el('div', { className: 'big' }, el('span', { id: 'plan-improvement' }, pct(p.predicted_improvement_pct)),
      el('small', {}, `predicted fall of the scar volume, 95 % band ${band(p.ci95)} (${String(p.improvement_measure || '').replace(/`/g, '')})`)));
  const dl = el('dl', { className: 'grades' });
  const gbq = p.goodman_baron_quantitative, gbl = p.goodman_baron_qualitative;
  const rows = [
    ['Goodman-Baron quantitative', gbq ? `${fmt(gbq.before, 1)} → ${fmt(gbq.after, 1)}` : '–'],
    ['Goodman-Baron qualitative', gbl ? `${fmt(gbl.before, 1)} → ${fmt(gbl.after, 1)}` : '–'],
    ['Virtual patients one grade better', pct(p.responder_pct, 0)],
    ['Downtime per session', Array.isArray(p.downtime_days_per_session) ? `${p.downtime_days_per_session.map((d) => fmt(d, d < 1 ? 1 : 0)).join('-')} days` : '–'],
    ['Total downtime', `${fmt(p.total_downtime_days, 0)} days`],
    ['Risk level', p.risk_level || '–'],
  ];
  for (const [t, v] of rows) dl.append(el('dt', {}, t), el('dd', {}, v));
  card.append(dl);
  if (Array.isArray(p.schedule) && p.schedule.length) {
    card.append(el('h5', {}, 'Dates'), el('ol', { className: 'schedule', id: 'plan-schedule' },
      ...p.schedule.map((d, i) => el('li', {}, `Session ${i + 1}: `, el('time', { datetime: d }, d))),
      p.follow_up_date ? el('li', { className: 'follow' }, 'Evaluation: ', el('time', { datetime: p.follow_up_date }, p.follow_up_date)) : null));
  } else if (Array.isArray(p.session_days)) {
    card.append(el('p', {}, `Sessions on days ${p.session_days.join(', ')} (no start date given).`));
  }
  if (Array.isArray(p.evidence) && p.evidence.length) {
    card.append(el('h5', {}, 'Published arms behind it'), el('ul', { className: 'evidence' }, p.evidence.slice(0, 6).map((a) =>
      el('li', {}, `${a.study_id} (${a.arm}, ${a.n_patients ?? '?'} patients): ${a.result || '–'} — ${a.match || ''} `, a.source ? linkOrText(a.source) : ''))));
  }
  return card;
}

