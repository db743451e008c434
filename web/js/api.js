// Talking to `scarsim serve` (docs/web.md, the API contract): fetch wrappers, the error
// object every failure becomes, job polling, and the message box that shows an error.

/** An answer that was not 2xx, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(status, body, fallback) {
    const line = body && typeof body.error === 'string' ? body.error : fallback;
    super(line);
    this.status = status;
    this.body = body || {};
  }
}

async function readJson(res) {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    // not JSON (a proxy's or an old server's page): keep one short plain-text line, never HTML
    const line = text.trim().split('\n')[0].slice(0, 300);
    return /^</.test(line) ? null : { error: line };
  }
}

/** fetch + JSON; throws ApiError on a network failure or a non-2xx answer. */
export async function api(path, opts = {}) {
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new ApiError(0, null, 'the scarsim server did not answer (is `scarsim serve` still running?)');
  }
  const body = await readJson(res);
  if (!res.ok) throw new ApiError(res.status, body, `${res.status} ${res.statusText}`);
  return body;
}

export const getJson = (path) => api(path);
export const postJson = (path, obj) =>
  api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(obj) });

/** What each status code means to the person at the page; the server's own line follows. */
const STATUS_TEXT = {
  0: 'No answer from the server.',
  400: 'The server refused the input.',
  404: 'Not found on the server.',
  405: 'The server does not accept this request.',
  413: 'The file is larger than the server accepts.',
  415: 'The server did not recognise the surface format.',
  422: 'The simulation grid is too large for this server: use a coarser grid (a larger voxel edge) or a smaller skin.',
  503: 'The server is busy (too many jobs queued). Try again in a moment.',
};

export function statusText(status) {
  if (STATUS_TEXT[status]) return STATUS_TEXT[status];
  if (status >= 500) return 'The server failed while answering.';
  return `The server answered ${status}.`;
}

/** Replace the content of `slot` with a message box. kind: error | warn | info | ok. */
export function showMessage(slot, kind, title, line, details) {
  slot.replaceChildren();
  const box = document.createElement('div');
  box.className = `msg msg-${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const h = document.createElement('strong');
  h.textContent = title;
  box.append(h);
  if (line) {
    const p = document.createElement('p');
    p.className = 'msg-line';
    p.textContent = line;
    box.append(p);
  }
  if (details) {
    const p = document.createElement('p');
    p.className = 'msg-details';
    p.textContent = details;
    box.append(p);
  }
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'msg-close';
  close.setAttribute('aria-label', 'Dismiss this message');
  close.textContent = '×';
  close.addEventListener('click', () => box.remove());
  box.append(close);
  slot.append(box);
  return box;
}

/** Show an ApiError (or any error) with the server's `error` line verbatim. */
export function showError(slot, err, what) {
  if (!(err instanceof ApiError)) {
    showMessage(slot, 'error', what ? `${what}: something went wrong in the page.` : 'Something went wrong in the page.', String(err && err.message || err));
    console.warn(err);
    return;
  }
  const b = err.body || {};
  const where = [];
  if (b.field) where.push(`field ${b.field}`);
  if (b.line) where.push(`line ${b.line}${b.col ? `, column ${b.col}` : ''}`);
  if (b.file) where.push(`in ${b.file}`);
  const title = `${what ? what + ': ' : ''}${statusText(err.status)}${err.status ? ` (HTTP ${err.status})` : ''}`;
  showMessage(slot, 'error', title, err.message, where.length ? where.join(' · ') : '');
}

export function clearMessage(slot) {
  slot.replaceChildren();
}

/**
 * Submit a job and poll it (every ~500 ms) until done or failed.
 * onProgress({state, progress, task, elapsed_s}) is called on each poll.
 * Resolves with the finished job (state "done"); rejects with ApiError otherwise.
 */
export async function runJob(body, onProgress, signal) {
  const accepted = await postJson('/api/jobs', body);
  const url = accepted.url || `/api/jobs/${encodeURIComponent(accepted.id)}`;
  onProgress({ state: accepted.state || 'queued', progress: 0, task: 'queued', elapsed_s: 0, id: accepted.id });
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    if (signal && signal.aborted) throw new ApiError(0, null, 'stopped');
    const job = await getJson(url);
    onProgress(job);
    if (job.state === 'done') return job;
    if (job.state === 'failed') {
      const e = new ApiError(200, { error: job.error || 'the job failed without saying why', status: 'job' }, 'the job failed');
      e.job = job;
      throw e;
    }
  }
}

/** Shown while a job runs: the bar, the task and the time. */
export function progressView(box, bar, task, elapsed) {
  return (job) => {
    box.hidden = false;
    const p = Math.max(0, Math.min(1, Number(job.progress) || 0));
    bar.style.width = `${(p * 100).toFixed(1)}%`;
    bar.parentElement.setAttribute('role', 'progressbar');
    bar.parentElement.setAttribute('aria-valuemin', '0');
    bar.parentElement.setAttribute('aria-valuemax', '100');
    bar.parentElement.setAttribute('aria-valuenow', String(Math.round(p * 100)));
    const state = job.state === 'queued' ? 'Waiting in the queue' : job.task || job.state || '';
    task.textContent = `${state}${job.state === 'running' ? ` — ${Math.round(p * 100)}%` : ''}`;
    elapsed.textContent = job.elapsed_s != null ? `(${Number(job.elapsed_s).toFixed(1)} s)` : '';
  };
}
