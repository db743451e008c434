// A bounded load test of `scarsim serve` on loopback.
//
//   SCARSIM=build/scarsim node tests/web/load.mjs      (make check-web does this)
//   LOAD_REQUESTS=400 LOAD_CONCURRENCY=16 (the defaults)
//
// Starts the server on a free port, sends LOAD_REQUESTS requests, LOAD_CONCURRENCY at a time, of
// every kind a page or a careless client sends (health, options, static files, malformed JSON,
// unknown paths, a path climbing out of web/, a wrong method, an upload announcing more bytes
// than the limit, cheap screening jobs), then checks: every request got an answer, none was a
// 5xx other than 503, each kind got the status the contract gives it, and the server still
// answers /api/health. Prints requests/s. Exit 1 on any failure.

import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = resolve(ROOT, process.env.SCARSIM || 'build/scarsim');
const N = Number(process.env.LOAD_REQUESTS || 400);
const C = Number(process.env.LOAD_CONCURRENCY || 16);
let failures = 0;
const line = (okay, text) => { if (!okay) failures++; console.log(`${okay ? 'ok  ' : 'FAIL'} ${text}`); return okay; };

const work = mkdtempSync(join(tmpdir(), 'scarsim-load-'));
const server = spawn(BIN, ['serve', '--port', '0', '--web', join(ROOT, 'web'), '--work', work, '--threads', '2', '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
let exited = null;
server.on('exit', (code, sig) => { exited = { code, sig }; });
const BASE = await new Promise((res, rej) => {
  let buf = '';
  const t = setTimeout(() => rej(new Error('no URL line within 20 s')), 20000);
  server.stdout.on('data', (d) => { buf += d; const m = /^(http:\/\/[^\s]+\/)\s*$/m.exec(buf); if (m) { clearTimeout(t); res(m[1]); } });
  server.on('exit', (c) => { clearTimeout(t); rej(new Error(`server exited (${c}) before its URL`)); });
  server.on('error', (e) => { clearTimeout(t); rej(e); });
}).catch((e) => { console.log(`FAIL server starts: ${e.message} (${BIN})`); process.exit(1); });
const { hostname, port } = new URL(BASE);
const agent = new http.Agent({ keepAlive: true, maxSockets: C });

/** One request; resolves {status, headers, body, ms} or {status: 0, error}. Never rejects. */
function request({ method = 'GET', path, body, headers = {}, partial = false }) {
  return new Promise((res) => {
    const t0 = performance.now();
    let done = false;
    const finish = (r) => { if (!done) { done = true; clearTimeout(timer); res({ ...r, ms: performance.now() - t0 }); } };
    const req = http.request({ hostname, port, method, path, headers, agent: partial ? false : agent }, (resp) => {
      const chunks = [];
      resp.on('data', (c) => chunks.push(c));
      resp.on('end', () => finish({ status: resp.statusCode, headers: resp.headers, body: Buffer.concat(chunks).toString('utf8') }));
      resp.on('error', (e) => finish({ status: resp.statusCode, headers: resp.headers, body: '', error: e.message }));
      if (partial) resp.on('close', () => req.destroy());
    });
    const timer = setTimeout(() => { req.destroy(); finish({ status: 0, error: 'no answer within 10 s' }); }, 10000);
    req.on('error', (e) => finish({ status: 0, error: e.message }));
    if (partial) {
      // announce far more than the limit, send a little, and wait: the answer must come from
      // the Content-Length alone (the contract: checked before reading)
      req.write(body);
    } else {
      req.end(body);
    }
  });
}

const J = { 'Content-Type': 'application/json' };
const KINDS = [
  { name: 'GET /api/health', req: { path: '/api/health' }, want: [200], json: true },
  { name: 'GET /api/options', req: { path: '/api/options' }, want: [200], json: true },
  { name: 'GET /', req: { path: '/' }, want: [200] },
  { name: 'GET /style.css', req: { path: '/style.css' }, want: [200] },
  { name: 'GET /app.js', req: { path: '/app.js' }, want: [200] },
  { name: 'GET /js/api.js', req: { path: '/js/api.js' }, want: [200] },
  { name: 'GET /api/jobs', req: { path: '/api/jobs' }, want: [200], json: true },
  { name: 'POST /api/jobs malformed JSON', req: { method: 'POST', path: '/api/jobs', headers: J, body: '{"kind": "run", "scenario": {' }, want: [400], json: true },
  { name: 'POST /api/jobs unknown kind', req: { method: 'POST', path: '/api/jobs', headers: J, body: '{"kind": "bake"}' }, want: [400], json: true },
  { name: 'POST /api/synth malformed JSON', req: { method: 'POST', path: '/api/synth', headers: J, body: '{"scars": [1,' }, want: [400], json: true },
  { name: 'POST /api/run skin.surface a server file', req: { method: 'POST', path: '/api/run', headers: J, body: JSON.stringify({ skin: { surface: '/etc/passwd', fitzpatrick: 3 }, protocol: { device: 'pen', needle_mm: 1, sessions: 1 } }) }, want: [400], json: true },
  { name: 'GET /api/nope', req: { path: '/api/nope' }, want: [404], json: true },
  { name: 'GET /nope.html', req: { path: '/nope.html' }, want: [404] },
  { name: 'GET /api/jobs/999999', req: { path: '/api/jobs/999999' }, want: [404], json: true },
  { name: 'GET /api/jobs/999999/files/report.html', req: { path: '/api/jobs/999999/files/report.html' }, want: [404], json: true },
  { name: 'GET /%2e%2e/Makefile (climbing out)', req: { path: '/%2e%2e/%2e%2e/Makefile' }, want: [400, 403, 404], forbid: /\$\(BIN\)|^# /m },
  { name: 'GET /../../etc/passwd (raw)', req: { path: '/../../etc/passwd' }, want: [400, 403, 404], forbid: /root:/ },
  { name: 'DELETE /api/health', req: { method: 'DELETE', path: '/api/health' }, want: [405], allow: true },
  { name: 'POST /api/scan 200 MiB announced', req: { method: 'POST', path: '/api/scan?name=big.gsf', headers: { 'Content-Length': String(200 * 1048576), 'Content-Type': 'application/octet-stream' }, body: 'Gwyddion Simple Field 1.0\n', partial: true }, want: [413], json: true },
  { name: 'POST /api/jobs screen-only plan', req: { method: 'POST', path: '/api/jobs', headers: J, body: JSON.stringify({ kind: 'plan', screen_only: true, patient: { age: 30, fitzpatrick: 3, skin: { scars: { boxcar: 2 } }, history: { active_acne: true } } }) }, want: [202, 503], json: true },
];

const stats = new Map(KINDS.map((k) => [k.name, { n: 0, status: {}, ms: [], bad: [] }]));
let next = 0, fiveHundreds = 0, noAnswer = 0;
const t0 = performance.now();
async function worker() {
  for (;;) {
    const i = next++;
    if (i >= N) return;
    const k = KINDS[i % KINDS.length];
    const r = await request(k.req);
    const s = stats.get(k.name);
    s.n++;
    s.status[r.status] = (s.status[r.status] || 0) + 1;
    s.ms.push(r.ms);
    if (r.status === 0) { noAnswer++; s.bad.push(r.error); continue; }
    if (r.status >= 500 && r.status !== 503) fiveHundreds++;
    if (!k.want.includes(r.status)) s.bad.push(`status ${r.status}: ${String(r.body).slice(0, 160)}`);
    if (k.json) {
      const ct = r.headers['content-type'] || '';
      let body = null;
      try { body = JSON.parse(r.body); } catch { /* checked below */ }
      if (!/application\/json/.test(ct) || body === null) s.bad.push(`not JSON (${ct}): ${String(r.body).slice(0, 80)}`);
      else if (r.status >= 400 && (typeof body.error !== 'string' || !body.error || /\n/.test(body.error))) s.bad.push(`error answer without one "error" line: ${r.body.slice(0, 160)}`);
    }
    if (k.forbid && k.forbid.test(r.body)) s.bad.push(`answered a file outside web/: ${r.body.slice(0, 80)}`);
    if (k.allow && !r.headers.allow) s.bad.push('405 without an Allow header');
    if (r.headers['x-content-type-options'] !== 'nosniff') s.bad.push('no X-Content-Type-Options: nosniff');
  }
}
await Promise.all(Array.from({ length: C }, worker));
const secs = (performance.now() - t0) / 1000;
agent.destroy();

const q = (a, p) => { const b = [...a].sort((x, y) => x - y); return b.length ? b[Math.min(b.length - 1, Math.floor(p * b.length))] : NaN; };
for (const k of KINDS) {
  const s = stats.get(k.name);
  const uniq = [...new Set(s.bad)];
  line(!uniq.length, `${k.name}: ${s.n} requests, statuses ${JSON.stringify(s.status)}, p50 ${q(s.ms, 0.5).toFixed(1)} ms, p95 ${q(s.ms, 0.95).toFixed(1)} ms${uniq.length ? ` — want ${k.want.join('/')}; ${uniq.slice(0, 3).join(' | ')}` : ''}`);
}
line(noAnswer === 0, `every request answered (${noAnswer} without an answer)`);
line(fiveHundreds === 0, `no 5xx other than 503 (${fiveHundreds})`);
const h = await request({ path: '/api/health' });
let hb = null;
try { hb = JSON.parse(h.body); } catch { /* */ }
line(h.status === 200 && hb && hb.status === 'ok' && !exited, `server still up and healthy after the load (${h.status}${exited ? `, exited ${JSON.stringify(exited)}` : ''})`);
console.log(`load: ${N} requests, ${C} at a time, in ${secs.toFixed(2)} s = ${(N / secs).toFixed(0)} requests/s`);

server.kill('SIGTERM');
const code = await new Promise((r) => {
  if (exited) return r(exited);
  const t = setTimeout(() => { server.kill('SIGKILL'); r({ code: null, sig: 'SIGKILL after 10 s' }); }, 10000);
  server.on('exit', (c, s) => { clearTimeout(t); r({ code: c, sig: s }); });
});
line(code.code === 0, `server exits 0 on SIGTERM (${JSON.stringify(code)})`);
rmSync(work, { recursive: true, force: true });
console.log(failures ? `FAILED: ${failures} checks failed` : 'PASSED');
process.exit(failures ? 1 : 0);
