// Checking form values before they are sent: each field gets aria-invalid and a message, and the
// list of problems is shown next to the form. The server checks everything again; this only
// spares a round trip and shows the safe ranges where the values are typed.

import { el } from './util.js';

/**
 * Read a number input. rules: {label, min, max, integer, optional, unit, why}
 * Returns {value, problem} — value is null when empty and optional.
 */
export function readNumber(input, rules) {
  const raw = input.value.trim();
  const unit = rules.unit ? ` ${rules.unit}` : '';
  let problem = null, value = null;
  if (raw === '') {
    if (!rules.optional) problem = `${rules.label}: a number is needed`;
  } else {
    value = Number(raw);
    if (!Number.isFinite(value)) problem = `${rules.label}: "${raw}" is not a number`;
    else if (rules.integer && !Number.isInteger(value)) problem = `${rules.label}: a whole number is needed, found ${raw}`;
    else if (rules.min != null && value < rules.min) problem = `${rules.label}: ${raw}${unit} is below the safe range (at least ${rules.min}${unit}${rules.why ? ', ' + rules.why : ''})`;
    else if (rules.max != null && value > rules.max) problem = `${rules.label}: ${raw}${unit} is above the safe range (at most ${rules.max}${unit}${rules.why ? ', ' + rules.why : ''})`;
  }
  mark(input, problem);
  return { value, problem };
}

export function mark(input, problem, level = 'error') {
  if (problem) {
    input.setAttribute('aria-invalid', level === 'error' ? 'true' : 'false');
    input.classList.toggle('warn', level !== 'error');
    input.classList.toggle('bad', level === 'error');
    input.title = problem;
  } else {
    input.removeAttribute('aria-invalid');
    input.classList.remove('warn', 'bad');
    input.removeAttribute('title');
  }
}

/** Show problems: [{level: 'error'|'warn', text}] in a <ul>. Returns true when none is an error. */
export function showFlags(ul, problems) {
  ul.replaceChildren(...problems.map((p) => el('li', { className: `flag flag-${p.level}` }, p.level === 'error' ? 'Out of range — ' : 'Check — ', p.text)));
  ul.dataset.errors = String(problems.filter((p) => p.level === 'error').length);
  return !problems.some((p) => p.level === 'error');
}

/** A range as text: "0.25-2.5 mm (default 1.5)" */
export function rangeText(r, unit = '') {
  if (!r) return '';
  const u = unit ? ` ${unit}` : '';
  let t = `${r.min}-${r.max}${u}`;
  if (r.default != null) t += ` (default ${r.default}${u})`;
  return t;
}
