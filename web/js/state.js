// What the page knows, shared by its modules.
export const state = {
  health: null, // GET /api/health
  options: null, // GET /api/options (null when the server did not give it)
  skin: null, // {kind: 'synth'|'upload', spec?, upload, name, scan, surface, picture, truth?}
  run: null, // the finished run job
  plan: null, // the finished plan job
};

/** Listeners for 'skin' (a new skin) and 'options'. */
const listeners = {};
export function on(ev, fn) {
  (listeners[ev] ||= []).push(fn);
}
export function emit(ev, arg) {
  for (const fn of listeners[ev] || []) fn(arg);
}
