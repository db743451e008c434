// Small helpers shared by the page's modules.

/** el('td', {className: 'num'}, 'text', child, ...) */
export function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v == null || v === false) continue;
      if (k === 'className') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k in e && typeof v !== 'string') e[k] = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const kid of kids.flat()) {
    if (kid == null || kid === false) continue;
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
}

export const $ = (id) => document.getElementById(id);

/** A number with `digits` significant-looking decimals; '–' for missing. */
export function fmt(v, digits = 2) {
  if (v == null || Number.isNaN(Number(v))) return '–';
  const n = Number(v);
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return n.toFixed(0);
  return n.toFixed(digits);
}

/** A percentage; below 1 % in size with two decimals, so that 0.04 % does not read as 0. */
export function pct(v, digits) {
  if (v == null || Number.isNaN(Number(v))) return '–';
  const n = Number(v);
  return `${n.toFixed(digits ?? (Math.abs(n) < 1 && n !== 0 ? 2 : 1))} %`;
}

export const ROMAN = ['', 'I', 'II', 'III', 'IV', 'V', 'VI'];

/** A definition list from [term, value, title?] rows. */
export function fillDl(dl, rows) {
  dl.replaceChildren();
  for (const [term, value, title] of rows) {
    const dt = el('dt', { text: term });
    const dd = el('dd', { text: value });
    if (title) dd.title = title;
    dl.append(dt, dd);
  }
}

/** Is `s` an http(s) link we may show as a link (sources are often plain citations)? */
export function linkOrText(s) {
  const text = String(s);
  if (/^https?:\/\/[^\s]+$/.test(text)) {
    return el('a', { href: text, rel: 'noopener noreferrer', target: '_blank' }, text);
  }
  const m = /^(10\.\d{4,}\/\S+?)( \(.*\))?$/.exec(text);
  if (m) {
    return el('span', {}, el('a', { href: `https://doi.org/${m[1]}`, rel: 'noopener noreferrer', target: '_blank' }, m[1]), m[2] || '');
  }
  return document.createTextNode(text);
}

export function titleCase(s) {
  return String(s).replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
