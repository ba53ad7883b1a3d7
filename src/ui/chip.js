// @ts-check
// The chip of jit-permissions: what a polyfilled call made without user activation (on page load, from a timer)
// gets instead of a modal pre-prompt (SPEC.md, "The polyfill: the whole page"; seeds 000 and 001: ask in context,
// never on load). A small, non-modal control in a corner of the page that names what the site asks for; the call
// waits until the person opens it (then the pre-prompt follows, with the activation of that click) or dismisses it
// (a dismissal, as the pre-prompt's ×). Loaded on first need, like each UI.
//
// As in the other UIs (src/ui/dom.js): only trusted events count; the caller's words are text; an open shadow root that adopts one
// constructed stylesheet (strict CSP); themable with the same --jp-* custom properties (--jp-dark-* for the dark
// scheme) and ::part() names (chip, open, dismiss); the colour scheme follows the page; announced through a
// role="status" region without taking focus.
//
// chip(request) -> Promise<boolean>
//   request   as ui.prePrompt's (lang, strings, capabilities, title): its title, else the built-in title of the
//             capability (or of several), is the chip's text
//   resolves  true when the person opened it (a real click, Enter or Space on its button), false when dismissed
//             (its × or Esc)

/** @typedef {Pick<import('./prompt.js').PromptRequest, 'capabilities' | 'title'> & { lang?: string, strings?: Record<string, string> }} ChipRequest */

const CSS = `:host{all:initial;position:fixed;z-index:2147483646;inset-block-end:1rem;inset-inline-start:1rem;
--_bg:var(--jp-bg,#fff);--_fg:var(--jp-fg,#1f1f1f);--_accent:var(--jp-accent,#0b57d0);--_border:var(--jp-border,#747775);
--_hover:var(--jp-hover,#e8eef8);--_focus:var(--jp-focus,#0b57d0);color-scheme:light}
:host([data-scheme=dark]){--_bg:var(--jp-dark-bg,#1f1f1f);--_fg:var(--jp-dark-fg,#e3e3e3);--_accent:var(--jp-dark-accent,#a8c7fa);
--_border:var(--jp-dark-border,#8e918f);--_hover:var(--jp-dark-hover,#2b3340);--_focus:var(--jp-dark-focus,#a8c7fa);color-scheme:dark}
.jp-chip{display:flex;align-items:center;gap:.25rem;padding:0 .25rem 0 0;border:1px solid var(--_border);border-radius:999px;
background:var(--_bg);color:var(--_fg);font:600 .9375rem/1.4 var(--jp-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);
box-shadow:0 2px 10px rgb(0 0 0/.25)}
button{box-sizing:border-box;min-height:44px;min-width:44px;border:0;border-radius:999px;background:transparent;color:inherit;font:inherit;cursor:pointer}
.jp-open{display:flex;align-items:center;gap:.5rem;padding:.5rem 1rem;color:var(--_accent)}
.jp-open::before{content:"";width:.625rem;height:.625rem;border-radius:50%;background:currentColor}
.jp-dismiss{font-size:1.5rem;line-height:1}
button:hover{background:var(--_hover)}
button:focus-visible{outline:3px solid var(--_focus);outline-offset:2px}
.jp-sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}`;

/** @type {CSSStyleSheet | null} */
let sheet = null;

/** @param {string | undefined} tag */
const rtl = (tag) => /^(ar|fa|he|iw|ps|ur|yi|dv|ckb|sd|ug)(-|$)/i.test(tag || '');

/**
 * The chip's text: the site's title, else the built-in title of the capability, or of several.
 * @param {ChipRequest} request
 */
function label(request) {
  const s = request.strings || {};
  if (typeof request.title === 'string' && request.title.trim()) return request.title;
  const asked = (request.capabilities || []).filter((c) => !c.state || c.state === 'prompt').map((c) => c.name);
  if (asked.length === 1) return s[`${asked[0]}Title`] || asked[0];
  const nouns = asked.map((n) => s[`${n}Noun`] || n);
  let names;
  try { names = new Intl.ListFormat(request.lang, { type: 'conjunction' }).format(nouns); } catch { names = nouns.join(', '); }
  return String(s.manyTitle || '{names}').replace('{names}', names);
}

function dark() {
  const meta = document.querySelector('meta[name="color-scheme"]')?.getAttribute('content') || '';
  const page = getComputedStyle(document.documentElement).colorScheme || meta;
  if (/\bdark\b/.test(page) && !/\blight\b/.test(page)) return true;
  if (/\blight\b/.test(page) && !/\bdark\b/.test(page)) return false;
  return matchMedia('(prefers-color-scheme: dark)').matches;
}

/**
 * Shows the chip (see the top of this file).
 * @param {ChipRequest} request
 * @returns {Promise<boolean>}
 */
export function chip(request) {
  const host = document.createElement('div');
  host.setAttribute('data-jit-permissions', 'chip');
  host.setAttribute('data-scheme', dark() ? 'dark' : 'light');
  const root = host.attachShadow({ mode: 'open' });
  if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
  root.adoptedStyleSheets = [sheet];
  const text = label(request);
  const box = document.createElement('div');
  box.className = 'jp-chip';
  box.setAttribute('part', 'chip');
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', text);
  box.lang = request.lang || 'en';
  box.dir = rtl(request.lang) ? 'rtl' : 'ltr';
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'jp-open';
  open.setAttribute('part', 'open');
  open.setAttribute('aria-haspopup', 'dialog');
  open.textContent = text;
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.className = 'jp-dismiss';
  dismiss.setAttribute('part', 'dismiss');
  dismiss.setAttribute('aria-label', (request.strings && request.strings.close) || 'Close');
  dismiss.textContent = '×';
  const status = document.createElement('div');
  status.className = 'jp-sr';
  status.setAttribute('role', 'status');
  box.append(open, dismiss);
  root.append(box, status);
  (document.body || document.documentElement).append(host);
  // Filled after insertion, so that screen readers announce it.
  setTimeout(() => { status.textContent = text; }, 50);
  return new Promise((resolve) => {
    /** @param {boolean} opened */
    const done = (opened) => /** @param {Event} e */ (e) => {
      if (!e.isTrusted) return;
      if (e instanceof KeyboardEvent && e.key !== 'Escape') return;
      host.remove();
      resolve(opened);
    };
    open.addEventListener('click', done(true));
    dismiss.addEventListener('click', done(false));
    box.addEventListener('keydown', done(false));
  });
}
