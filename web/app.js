// scarsim's page: tabs, the server's health and options, and the four sections
// (js/skin.js, js/protocol.js, js/results.js, js/plan.js). See docs/web.md.

import { getJson, showMessage } from './js/api.js';
import { state, on } from './js/state.js';
import { $, titleCase } from './js/util.js';
import { initSkin, applySkinOptions } from './js/skin.js';
import { initProtocol, applyProtocolOptions, refresh as refreshProtocol } from './js/protocol.js';
import { initResults } from './js/results.js';
import { initPlan, applyPlanOptions, applyPlanFallback } from './js/plan.js';

const TABS = ['skin', 'protocol', 'run', 'plan'];

function selectTab(name, focus = false) {
  for (const t of TABS) {
    const tab = $(`tab-${t}`), panel = $(`panel-${t}`);
    const on = t === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    panel.hidden = !on;
    if (on && focus) tab.focus();
  }
  if (name === 'protocol') refreshProtocol();
  if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
  // views measured while hidden have no size: let them measure again
  window.dispatchEvent(new Event('resize'));
}

function initTabs() {
  TABS.forEach((t, i) => {
    const tab = $(`tab-${t}`);
    tab.addEventListener('click', () => selectTab(t));
    tab.addEventListener('keydown', (e) => {
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (d) { e.preventDefault(); selectTab(TABS[(i + d + TABS.length) % TABS.length], true); }
    });
  });
  on('tab', (t) => selectTab(t));
  const h = location.hash.replace('#', '');
  selectTab(TABS.includes(h) ? h : 'skin');
}

async function loadServer() {
  const status = $('server-status');
  try {
    state.health = await getJson('/api/health');
    const h = state.health;
    const j = h.jobs || {};
    status.textContent = `scarsim ${h.version || ''}${h.git ? ` (${h.git})` : ''} · server ok · jobs: ${j.running ?? 0} running, ${j.queued ?? 0} queued`;
    status.className = 'server-status ok';
    if (h.disclaimer) $('disclaimer').textContent = h.disclaimer;
  } catch (e) {
    status.textContent = `The scarsim server did not answer /api/health: ${e.message}`;
    status.className = 'server-status bad';
  }
  try {
    state.options = await getJson('/api/options');
  } catch (e) {
    state.options = null;
    showMessage($('skin-msg'), 'warn', 'The server did not give its options (/api/options)', `${e.message}. The forms use the limits documented for the scenario reader; the server still checks every value.`);
  }
  applySkinOptions(state.options);
  applyProtocolOptions();
  if (state.options) applyPlanOptions();
  else {
    applyPlanFallback(
      ['cheek', 'nasolabial', 'nose', 'upper_lip', 'forehead', 'temple', 'chin', 'jaw'].map((name) => ({ name })),
      ['prp_topical', 'prp_intradermal', 'serum_hyaluronic', 'serum_vitamin_c', 'serum_growth_factor', 'retinoid_topical', 'peel_glycolic', 'peel_tca', 'subcision'].map((name) => ({ name, label: titleCase(name) })),
    );
  }
}

initSkin();
initProtocol();
initResults();
initPlan();
initTabs();
loadServer().then(() => { document.body.dataset.ready = 'true'; });
