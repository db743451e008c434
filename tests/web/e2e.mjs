// The page of `scarsim serve` in a real browser (Debian's chromium through playwright-core).
//
//   SCARSIM=build/scarsim node tests/web/e2e.mjs      (make check-web does this)
//
// Starts the server on a free port with a fresh work folder, opens the page and checks what a
// user sees against what the server answers: one line per check, screenshots in
// build/web-artifacts/, exit 1 on any failure. E2E_PLAN=0 leaves out the tiny plan search.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { chromium } = await import(join(ROOT, 'web/node_modules/playwright-core/index.mjs'));
const BIN = resolve(ROOT, process.env.SCARSIM || 'build/scarsim');
const ART = join(ROOT, 'build/web-artifacts');
const PLAN = process.env.E2E_PLAN !== '0';
const T0 = Date.now();
mkdirSync(ART, { recursive: true });

let failures = 0, passes = 0;
function ok(name, t0) {
  passes++;
  console.log(`ok   ${name}${t0 ? ` (${((Date.now() - t0) / 1000).toFixed(1)} s)` : ''}`);
}
function fail(name, why) {
  failures++;
  console.log(`FAIL ${name}: ${why}`);
}
function check(name, cond, why, t0) {
  if (cond) ok(name, t0);
  else fail(name, why);
  return cond;
}

// ------------------------------------------------------------------ the server
const work = mkdtempSync(join(tmpdir(), 'scarsim-e2e-'));
const log = createWriteStream(join(ART, 'server.log'));
const server = spawn(BIN, ['serve', '--port', '0', '--web', join(ROOT, 'web'), '--work', work, '--threads', '2'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
server.stderr.pipe(log);
let serverExit = null;
server.on('exit', (code, sig) => { serverExit = { code, sig }; });
const BASE = await new Promise((res, rej) => {
  let buf = '';
  const timer = setTimeout(() => rej(new Error('no URL line on stdout within 20 s')), 20000);
  server.stdout.on('data', (d) => {
    buf += d;
    const m = /^(http:\/\/[^\s]+\/)\s*$/m.exec(buf);
    if (m) { clearTimeout(timer); res(m[1]); }
  });
  server.on('error', (e) => { clearTimeout(timer); rej(e); });
  server.on('exit', (c) => { clearTimeout(timer); rej(new Error(`the server exited (${c}) before printing its URL`)); });
}).catch((e) => { console.log(`FAIL server starts: ${e.message} (${BIN})`); process.exit(1); });
ok(`server starts: ${BASE}`);

async function api(path, opts) {
  const r = await fetch(new URL(path, BASE), opts);
  const text = await r.text();
  let body = null;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: r.status, body, headers: r.headers };
}
const options = (await api('/api/options')).body;
check('GET /api/options answers the forms\' ranges', options && Array.isArray(options.devices) && Array.isArray(options.regions), `got ${JSON.stringify(options).slice(0, 200)}`);

// ------------------------------------------------------------------ the browser
const profile = mkdtempSync(join(tmpdir(), 'scarsim-chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
const host = new URL(BASE).host;
const foreign = [];
let step = 'load';
const consoleErrors = [];
ctx.on('request', (r) => {
  const u = new URL(r.url());
  if (u.protocol === 'data:' || u.protocol === 'blob:') return;
  if (u.host !== host) foreign.push(r.url());
});
// what a step may see in the console: the browser's note on a 4xx the step provoked
const allowed = { load: [], skin: [], protocol: [], run: [], bad: [/Failed to load resource: the server responded with a status of 4\d\d/], plan: [], vendor: [/Failed to load resource: the server responded with a status of 404/, /Failed to fetch dynamically imported module/] };
function watch(page) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const t = m.text();
    if (!(allowed[step] || []).some((re) => re.test(t))) consoleErrors.push(`[${step}] ${t}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`[${step}] uncaught: ${e.message}`));
}
const page = ctx.pages()[0] || (await ctx.newPage());
watch(page);
const shot = (name) => page.screenshot({ path: join(ART, name), fullPage: true });

/** How many distinct colours a canvas shows (a blank or one-colour canvas gives 1). */
const canvasColours = (sel) => page.evaluate((sel) => {
  const c = document.querySelector(sel);
  if (!c) return -1;
  const t = document.createElement('canvas');
  t.width = Math.min(200, c.width); t.height = Math.min(200, c.height);
  const g = t.getContext('2d');
  g.drawImage(c, 0, 0, t.width, t.height);
  const d = g.getImageData(0, 0, t.width, t.height).data;
  const seen = new Set();
  for (let i = 0; i < d.length; i += 4) seen.add((d[i] >> 3) << 10 | (d[i + 1] >> 3) << 5 | (d[i + 2] >> 3));
  return seen.size;
}, sel);

const pctText = (v) => `${Number(v).toFixed(Math.abs(v) < 1 && v !== 0 ? 2 : 1)} %`;
const DISCLAIMER = "scarsim is a research and education tool, not a substitute for a dermatologist's examination.";
const vendorBuilt = existsSync(join(ROOT, 'web/vendor/three.module.min.js'));

try {
  // ---------------------------------------------------------------- 1. page loads
  let t0 = Date.now();
  const resp = await page.goto(BASE);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  check('page loads (200, text/html, CSP)', resp.status() === 200 && /text\/html/.test(resp.headers()['content-type'] || '') && /default-src 'self'/.test(resp.headers()['content-security-policy'] || ''),
    `status ${resp.status()}, content-type ${resp.headers()['content-type']}, csp ${resp.headers()['content-security-policy']}`, t0);
  check('disclaimer visible', (await page.locator('#disclaimer').innerText()).trim() === DISCLAIMER && await page.locator('#disclaimer').isVisible(), await page.locator('#disclaimer').innerText());
  const status = await page.locator('#server-status').innerText();
  check('server status from /api/health', /server ok/.test(status), status);
  check('no console errors while loading', consoleErrors.length === 0, consoleErrors.join(' | '));
  await shot('01-loaded.png');

  // ---------------------------------------------------------------- 2. synthetic skin
  step = 'skin';
  t0 = Date.now();
  await page.fill('#synth-icepick', '1');
  await page.fill('#synth-boxcar', '1');
  await page.fill('#synth-rolling', '1');
  await page.fill('#synth-hypertrophic', '0');
  await page.fill('#synth-w', '10');
  await page.fill('#synth-h', '10');
  await page.fill('#synth-px', '50');
  const [synthResp] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/synth'), { timeout: 60000 }),
    page.click('#synth-go'),
  ]);
  const synth = await synthResp.json();
  await page.waitForSelector('#skin-result:not([hidden])', { timeout: 30000 });
  const nScars = synth.scan && synth.scan.scars ? synth.scan.scars.length : -1;
  check('POST /api/synth answers scan, surface, upload', synthResp.status() === 200 && nScars >= 1 && synth.surface && synth.surface.z_um && typeof synth.upload === 'string',
    `status ${synthResp.status()}, ${JSON.stringify(synth).slice(0, 200)}`, t0);
  const rows = await page.$$eval('#skin-scars tbody tr', (trs) => trs.map((tr) => tr.dataset.type));
  check('scar table lists the scars the server found', rows.length === nScars && rows.every((t, i) => t === synth.scan.scars[i].type),
    `table ${JSON.stringify(rows)} vs scan ${JSON.stringify(synth.scan.scars.map((s) => s.type))}`);
  check('three scar types found on the synthetic skin', ['icepick', 'boxcar', 'rolling'].every((t) => rows.includes(t)), JSON.stringify(rows));
  const grades = await page.locator('#skin-grades').innerText();
  const gb = synth.scan.goodman_baron;
  check('grades shown: Goodman-Baron, ECCA, Sa, Sq', grades.includes(`${gb.quantitative_score} points`) && new RegExp(`ECCA\\s+${synth.scan.ecca}\\b`).test(grades) &&
    grades.includes(`${synth.scan.iso25178.Sa_um.toFixed(1)} µm`) && grades.includes(`${synth.scan.iso25178.Sq_um.toFixed(1)} µm`), grades.replace(/\n/g, ' | '));
  const mapScars = await page.getAttribute('#skin-map', 'data-scars');
  const mapColours = await canvasColours('#skin-map');
  check('2-D map drawn with each scar outlined', mapScars === String(nScars) && mapColours > 50, `data-scars ${mapScars}, ${mapColours} colours`);
  if (vendorBuilt) {
    await page.waitForSelector('#skin-3d[data-state="ready"]', { timeout: 20000 });
    const verts = await page.getAttribute('#skin-3d', 'data-vertices');
    const c3 = await canvasColours('#skin-3d canvas');
    check('3-D view: a mesh of every sample, drawn', verts === String(synth.surface.nx * synth.surface.ny) && c3 > 20, `vertices ${verts} (want ${synth.surface.nx * synth.surface.ny}), ${c3} colours`);
    // turning it: a drag changes the picture
    const before = await page.$eval('#skin-3d canvas', (c) => c.toDataURL());
    const box = await page.locator('#skin-3d canvas').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 30, { steps: 6 });
    await page.mouse.up();
    await page.fill('#skin-exag', '10');
    await page.dispatchEvent('#skin-exag', 'input');
    const after = await page.$eval('#skin-3d canvas', (c) => c.toDataURL());
    check('3-D view turns with a drag and the exaggeration control', before !== after && (await page.getAttribute('#skin-3d', 'data-exaggeration')) === '10', 'the picture did not change');
  } else {
    fail('3-D view', 'web/vendor/ is missing: run make web first');
  }
  check('no console errors (skin)', consoleErrors.length === 0, consoleErrors.join(' | '));
  await shot('02-skin.png');

  // the small skin the run uses
  t0 = Date.now();
  await page.fill('#synth-boxcar', '0');
  await page.fill('#synth-rolling', '0');
  await page.fill('#synth-w', '4');
  await page.fill('#synth-h', '4');
  const [small] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/synth'), { timeout: 60000 }), page.click('#synth-go')]);
  await page.waitForFunction(() => /4\.0 × 4\.0 mm/.test(document.getElementById('skin-title').textContent), null, { timeout: 20000 });
  check('a 4 x 4 mm skin for the run', small.status() === 200, `status ${small.status()}`, t0);

  // ---------------------------------------------------------------- 3. protocol form
  step = 'protocol';
  await page.click('#skin-use');
  await page.waitForSelector('#panel-protocol:not([hidden])');
  await page.selectOption('#p-device', 'pen');
  const pen = options.devices.find((d) => d.name === 'pen');
  const needleRange = await page.locator('#p-needle-range').innerText();
  check('safe needle range of the device shown', needleRange.includes(`${pen.needle_mm.min}-${pen.needle_mm.max} mm`), `"${needleRange}" vs ${JSON.stringify(pen.needle_mm)}`);
  await page.selectOption('#p-region', 'cheek');
  const cheek = options.regions.find((r) => r.name === 'cheek');
  const regionRange = await page.locator('#p-region-range').innerText();
  check('region\'s maximum needle with its source shown', regionRange.includes(`${cheek.max_needle_mm} mm`) && regionRange.includes(String(cheek.source).slice(0, 20)), `"${regionRange}" vs ${JSON.stringify(cheek)}`);
  await page.fill('#p-needle', String(pen.needle_mm.max + 1));
  await page.dispatchEvent('#p-needle', 'input');
  const flags = await page.locator('#protocol-flags').innerText();
  check('needle out of the device\'s range flagged before sending', (await page.getAttribute('#p-needle', 'aria-invalid')) === 'true' && /needle length/.test(flags) && /above the safe range/.test(flags), `flags "${flags}"`);
  const jobsBefore = (await api('/api/jobs')).body.jobs.length;
  await page.click('#run-go');
  await page.waitForTimeout(700);
  check('an out-of-range form is not sent', (await api('/api/jobs')).body.jobs.length === jobsBefore && !(await page.locator('#panel-protocol').isHidden()), 'a job was submitted');
  await shot('03-protocol-flagged.png');
  await page.fill('#p-needle', '0.5');
  await page.fill('#p-passes', String(pen.passes_default || 4));
  await page.fill('#p-sessions', '2');
  await page.fill('#p-interval', '1');
  await page.fill('#p-followup', '1');
  await page.fill('#p-fitz', '3');
  await page.fill('#p-dx', '100');
  await page.dispatchEvent('#p-dx', 'input');
  const scenario = JSON.parse(await page.locator('#scenario-json').inputValue());
  check('scenario JSON follows the form', scenario.protocol.needle_mm === 0.5 && scenario.protocol.sessions === 2 && scenario.grid.dx_um === 100 &&
    scenario.skin.synth && scenario.skin.synth.size_mm[0] === 4, JSON.stringify(scenario));
  check('no flags on a valid protocol', (await page.getAttribute('#protocol-flags', 'data-errors')) === '0', await page.locator('#protocol-flags').innerText());
  await shot('04-protocol.png');

  // ---------------------------------------------------------------- 4. a small run
  step = 'run';
  t0 = Date.now();
  const tasks = [];
  await page.exposeFunction('__task', (t) => tasks.push(t));
  await page.evaluate(() => new MutationObserver(() => window.__task(document.getElementById('run-task').textContent)).observe(document.getElementById('run-task'), { childList: true, characterData: true, subtree: true }));
  const [jobResp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/jobs') && r.request().method() === 'POST'), page.click('#run-go')]);
  const accepted = await jobResp.json();
  check('POST /api/jobs accepted the run (202)', jobResp.status() === 202 && accepted.id != null && accepted.kind === 'run', `${jobResp.status()} ${JSON.stringify(accepted)}`);
  await page.waitForSelector('#run-progress:not([hidden])', { timeout: 5000 });
  await shot('05-run-progress.png');
  await page.waitForSelector('#run-result:not([hidden])', { timeout: 180000 });
  await page.waitForFunction(() => document.getElementById('res-map-after').dataset.surface, null, { timeout: 30000 });
  const runSecs = (Date.now() - t0) / 1000;
  const job = (await api(`/api/jobs/${accepted.id}`)).body;
  check('progress bar showed the server\'s task text', tasks.length >= 1 && tasks.some((t) => t && !/^Waiting/.test(t) && t !== 'done'), JSON.stringify(tasks.slice(0, 8)));
  check('run finished', job.state === 'done' && job.result && job.result.final, JSON.stringify(job).slice(0, 300), t0);
  const res = job.result;
  const shown = await page.locator('#res-improvement').innerText();
  check('improvement shown is the server\'s', shown === pctText(res.final.improvement_pct), `page "${shown}" vs final.improvement_pct ${res.final.improvement_pct}`);
  const summary = await page.locator('#res-summary').innerText();
  check('depth before and after shown', summary.includes(`${res.baseline.mean_depth_mm.toFixed(3)} → ${res.final.mean_depth_mm.toFixed(3)} mm`), summary.replace(/\n/g, ' | '));
  // the slider over the stages
  const nStages = Number(await page.getAttribute('#res-stage', 'max')) + 1;
  const gsf = (job.files || []).filter((f) => /^surface_(start|end|session\d+_after)\.gsf$/.test(f)).length;
  check('slider runs over start, each session and the end', nStages === gsf && nStages >= 3, `slider ${nStages} stages, ${gsf} surfaces in ${JSON.stringify(job.files)}`);
  const seen = [];
  for (let i = 0; i < nStages; i++) {
    await page.fill('#res-stage', String(i));
    await page.dispatchEvent('#res-stage', 'input');
    await page.waitForFunction((i) => {
      const want = document.getElementById('res-stage').dataset.stages.split(',')[i];
      return document.getElementById('res-map-after').dataset.surface === want;
    }, i, { timeout: 15000 });
    seen.push([await page.getAttribute('#res-map-after', 'data-surface'), await page.locator('#res-stage-name').innerText()]);
  }
  const names = seen.map((s) => s[0]);
  check('slider shows each stage\'s surface', names[0] === 'surface_start' && names.includes('surface_session1_after') && names[names.length - 1] === 'surface_end' && new Set(names).size === nStages,
    JSON.stringify(seen));
  const stage1 = (await api(`/api/jobs/${accepted.id}/surface/surface_session1_after`)).body;
  check('GET /api/jobs/ID/surface/NAME answers a height map', stage1 && stage1.nx > 1 && stage1.z_um && stage1.z_um.length === stage1.nx * stage1.ny, JSON.stringify(stage1).slice(0, 200));
  const pts = await page.getAttribute('#chart-improvement svg', 'data-points');
  check('time course drawn from baseline and sessions', Number(pts) === 1 + res.sessions.length + (res.final.day !== res.sessions[res.sessions.length - 1].day ? 1 : 0), `${pts} points, ${res.sessions.length} sessions`);
  const scarRows = await page.$$eval('#res-scars tbody tr', (t) => t.map((r) => r.dataset.type));
  check('per-scar table', scarRows.length === res.scars.length && scarRows.every((t, i) => t === res.scars[i].type), `${JSON.stringify(scarRows)} vs ${JSON.stringify(res.scars.map((s) => s.type))}`);
  const se = await page.$$eval('#res-side-effects > li', (l) => l.map((x) => [x.dataset.id, x.querySelector('h5').textContent, x.querySelector('.source') ? x.querySelector('.source').textContent : '']));
  const items = res.side_effects.items;
  check('side effects listed with their sources', se.length === items.length && items.length > 0 && se.every((s, i) => s[0] === items[i].id && s[1].startsWith(items[i].title) && (!items[i].source || s[2].includes(String(items[i].source).slice(0, 15)))),
    `${se.length} shown vs ${items.length}: ${JSON.stringify(se.slice(0, 2))}`);
  const href = await page.getAttribute('#res-files a.report-link', 'href');
  const rep = href ? await api(href) : { status: 0, body: '' };
  check('link to the full report opens it', rep.status === 200 && /text\/html/.test(rep.headers.get('content-type') || '') && String(rep.body).includes('not a substitute'), `${href}: ${rep.status}`);
  check('no console errors (run)', consoleErrors.length === 0, consoleErrors.join(' | '));
  await page.fill('#res-stage', String(nStages - 1));
  await page.dispatchEvent('#res-stage', 'input');
  await page.waitForTimeout(300);
  await shot('06-results.png');
  await page.emulateMedia({ media: 'print' });
  await shot('07-results-print.png');
  check('print view keeps the disclaimer and the results', await page.locator('#disclaimer').isVisible() && await page.locator('#res-improvement').isVisible() && await page.locator('#tab-run').isHidden(), 'print view');
  await page.emulateMedia({ media: 'screen' });

  // ---------------------------------------------------------------- 5. bad input
  step = 'bad';
  await page.click('#tab-protocol');
  await page.click('#advanced summary');
  const badScenario = JSON.parse(await page.locator('#scenario-json').inputValue());
  badScenario.protocol.needle_mm = 5;
  await page.fill('#scenario-json', JSON.stringify(badScenario, null, 2));
  const direct = await api('/api/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'run', scenario: badScenario }) });
  await page.click('#run-go');
  await page.waitForSelector('#run-msg .msg-error', { timeout: 10000 });
  const msg = await page.locator('#run-msg .msg-error').innerText();
  check('needle out of range in the advanced JSON: the server\'s error shown', direct.status === 400 && direct.body.error && msg.includes(direct.body.error) && /needle_mm/.test(msg) && /HTTP 400/.test(msg),
    `server ${direct.status} "${direct.body.error}", page "${msg.replace(/\n/g, ' | ')}"`);
  await shot('08-bad-needle.png');
  await page.click('#tab-protocol');
  await page.click('#scenario-reset');

  await page.click('#tab-skin');
  const corrupt = join(work, 'corrupt.gsf');
  writeFileSync(corrupt, 'Gwyddion Simple Field 1.0\nXRes = 4\nYRes = banana\n\0\0\0\0garbage');
  const directUp = await api('/api/scan?name=corrupt.gsf', { method: 'POST', body: 'Gwyddion Simple Field 1.0\nXRes = 4\nYRes = banana\n\0\0\0\0garbage' });
  // each upload gets its own id (u3, u4, ...), which the server's line may name
  const norm = (t) => String(t).replace(/\bu\d+\b/g, 'uN');
  await page.setInputFiles('#upload-file', corrupt);
  await page.click('#upload-go');
  await page.waitForSelector('#skin-msg .msg-error', { timeout: 10000 });
  const upMsg = await page.locator('#skin-msg .msg-error').innerText();
  check('corrupt upload: the server\'s error shown', directUp.status >= 400 && directUp.status < 500 && directUp.body.error && norm(upMsg).includes(norm(directUp.body.error)) && upMsg.includes(`HTTP ${directUp.status}`),
    `server ${directUp.status} "${directUp.body && directUp.body.error}", page "${upMsg.replace(/\n/g, ' | ')}"`);
  await shot('09-bad-upload.png');
  check('no unexpected console errors (bad input)', consoleErrors.length === 0, consoleErrors.join(' | '));

  // ---------------------------------------------------------------- 6. plan
  step = 'plan';
  t0 = Date.now();
  await page.click('#tab-plan');
  await page.fill('#pt-name', 'Test patient');
  await page.check('#pt-h-active_acne');
  await page.click('#plan-screen');
  await page.waitForSelector('#plan-verdict', { timeout: 60000 });
  const verdict = await page.getAttribute('#plan-verdict', 'data-candidate');
  const reasons = await page.$$eval('#plan-reasons > li', (l) => l.map((x) => [x.dataset.id, x.textContent]));
  check('active acne: not a candidate, with the reason', verdict === 'false' && reasons.some(([id, t]) => id === 'active_acne' && /acne/i.test(t) && /Sources:/.test(t)) && /should not be needled now/.test(await page.locator('#plan-verdict h3').innerText()),
    `candidate ${verdict}, reasons ${JSON.stringify(reasons).slice(0, 300)}`, t0);
  await shot('10-plan-not-candidate.png');

  if (PLAN) {
    t0 = Date.now();
    await page.uncheck('#pt-h-active_acne');
    await page.fill('#pt-icepick', '1'); await page.fill('#pt-boxcar', '1'); await page.fill('#pt-rolling', '1'); await page.fill('#pt-hypertrophic', '0');
    await page.fill('#pt-max-sessions', '3');
    await page.fill('#pt-start', '2027-01-11');
    await page.click('#plan-form details summary');
    await page.fill('#pt-patients', '2'); await page.fill('#pt-sweeps', '1'); await page.fill('#pt-dx', '200');
    const [planResp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/jobs') && r.request().method() === 'POST'), page.click('#plan-go')]);
    const planJob = await planResp.json();
    try {
      await page.waitForSelector('#plan-recommended', { timeout: 150000 });
      const pj = (await api(`/api/jobs/${planJob.id}`)).body;
      const rec = pj.result.plans[pj.result.recommended];
      const imp = await page.locator('#plan-improvement').innerText();
      const dates = await page.$$eval('#plan-schedule li:not(.follow) time', (t) => t.map((x) => x.getAttribute('datetime')));
      const rowsN = await page.$$eval('#plan-table tbody tr', (t) => t.length);
      const card = await page.locator('#plan-recommended').innerText();
      check(`tiny plan: recommended course, band, dates, table (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
        imp === pctText(rec.predicted_improvement_pct) && card.includes(`${rec.ci95[0].toFixed(1)} to ${rec.ci95[1].toFixed(1)} %`) &&
        JSON.stringify(dates) === JSON.stringify(rec.schedule) && dates[0] === '2027-01-11' && rowsN === pj.result.plans.length,
        `page ${imp} vs ${rec.predicted_improvement_pct}; dates ${JSON.stringify(dates)} vs ${JSON.stringify(rec.schedule)}; rows ${rowsN}`);
      const rhref = await page.getAttribute('#plan-report', 'href');
      const rr = await api(rhref);
      check('plan report link opens the printable report', rr.status === 200 && String(rr.body).includes('not a substitute'), `${rhref}: ${rr.status}`);
      await shot('11-plan.png');
    } catch (e) {
      const pj = (await api(`/api/jobs/${planJob.id}`)).body;
      fail('tiny plan', `${e.message.split('\n')[0]}; job ${JSON.stringify({ state: pj.state, progress: pj.progress, task: pj.task, error: pj.error })}`);
      await shot('11-plan.png');
    }
  }
  check('no console errors (plan)', consoleErrors.length === 0, consoleErrors.join(' | '));

  // ---------------------------------------------------------------- 7. without web/vendor
  step = 'vendor';
  const p2 = await ctx.newPage();
  watch(p2);
  await p2.route('**/vendor/**', (r) => r.fulfill({ status: 404, contentType: 'text/plain', body: 'not built' }));
  await p2.goto(BASE);
  await p2.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  await p2.fill('#synth-icepick', '1'); await p2.fill('#synth-boxcar', '0'); await p2.fill('#synth-rolling', '0');
  await p2.fill('#synth-w', '4'); await p2.fill('#synth-h', '4'); await p2.fill('#synth-px', '50');
  await p2.click('#synth-go');
  await p2.waitForSelector('#skin-3d[data-state="unavailable"]', { timeout: 30000 });
  const note = await p2.locator('#skin-3d').innerText();
  const rows2 = await p2.$$eval('#skin-scars tbody tr', (t) => t.length);
  check('without web/vendor: 2-D map and table work, 3-D says to run make web', /make web/.test(note) && rows2 >= 1 && (await p2.getAttribute('#skin-map', 'data-scars')) === String(rows2), `note "${note}", rows ${rows2}`);
  await p2.screenshot({ path: join(ART, '12-no-vendor.png'), fullPage: true });
  await p2.close();
} catch (e) {
  fail(`step ${step}`, e.stack || e.message);
  await shot(`error-${step}.png`).catch(() => {});
} finally {
  check('no request to a host other than the server', foreign.length === 0, foreign.slice(0, 5).join(', '));
  check('no console errors at all', consoleErrors.length === 0, consoleErrors.join(' | '));
  const h = await api('/api/health').catch((e) => ({ status: 0, body: e.message }));
  check('server still answers /api/health', h.status === 200 && h.body.status === 'ok', JSON.stringify(h.body).slice(0, 200));
  await ctx.close();
  server.kill('SIGTERM');
  const code = await new Promise((r) => {
    if (serverExit) return r(serverExit);
    const t = setTimeout(() => { server.kill('SIGKILL'); r({ code: null, sig: 'SIGKILL (no exit within 10 s)' }); }, 10000);
    server.on('exit', (c, s) => { clearTimeout(t); r({ code: c, sig: s }); });
  });
  check('server exits 0 on SIGTERM', code.code === 0, JSON.stringify(code));
  rmSync(profile, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  console.log(`${failures ? 'FAILED' : 'PASSED'}: ${passes} checks passed, ${failures} failed, ${((Date.now() - T0) / 1000).toFixed(1)} s; screenshots in ${ART}`);
  process.exit(failures ? 1 : 0);
}
