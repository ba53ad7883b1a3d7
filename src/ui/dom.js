// @ts-check
// The DOM helpers and styles every UI of jit-permissions shares (the pre-prompt, src/ui/prompt.js; the recovery help,
// recovery.js; the controls panel, panel.js; the in-use indicator, indicator.js): the open shadow host, the
// stylesheets it adopts, the capabilities' icons, text filling and the modal dialog the pre-prompt and the recovery
// help are. It goes with the pre-prompt (in the npm package it is part of tasks.js, which the other UIs import it
// from), so each other UI brings only its own code and styles.
//
// The rules every UI keeps:
// - Only the person decides. A choice counts only from an event with isTrusted === true (a real click, key press
//   or touch): element.click(), dispatchEvent() and synthetic cancel/close/keydown events are ignored, and a
//   dialog that script closes is shown again, since nobody chose anything. The same holds for every control.
// - Caller strings are text: they go into textContent, `alt` and `src`, never into markup.
// - Open shadow roots (assistive tools, auditors and the site's tests can reach in) that adopt constructed
//   stylesheets, so they work under `style-src 'self'` without 'unsafe-inline'. Themable with --jp-* custom
//   properties (--jp-dark-* for the dark scheme) and ::part() names.
// - Accessible: a modal <dialog> named by its title and described by its text, focus moved in and restored after,
//   operable by keyboard alone (Tab, Enter, Space, Esc); `lang` and `dir` of the strings' locale.
//
// Every view takes:
//   lang          the BCP 47 tag of `strings` (any tag: the `locale` option as given, else the built-in locale);
//                 goes on the dialog, panel and indicator as `lang`, and sets `dir` (rtl for Arabic, Hebrew, ...)
//   strings       the resolved strings table (built in, the locale's, the site's overrides)
//   headingLevel  1-6, the level of the dialogs' and the panel's headings (default 2)
// The colour scheme follows the page: its `color-scheme` (computed, else <meta name="color-scheme">), else the
// person's prefers-color-scheme.

/** @typedef {Record<string, string>} Strings The resolved strings table. */
/** @typedef {{ lang: string, strings: Strings, headingLevel?: number }} View What every view of the UI gets. */

/** The gated capabilities, in display order (the order of the runtime's statuses): the engine's names (codes.js). */
export { NAMES as CAPS } from '../runtime/codes.js';

/** Each colour: its custom property's name, the light default and the dark default (each checked for contrast). */
const COLOURS = [
  ['bg', '#fff', '#1f1f1f'], ['fg', '#1f1f1f', '#e3e3e3'], ['muted', '#474747', '#c4c7c5'],
  ['accent', '#0b57d0', '#a8c7fa'], ['accent-fg', '#fff', '#062e6f'], ['hover', '#e8eef8', '#2b3340'],
  ['border', '#747775', '#8e918f'], ['focus', '#0b57d0', '#a8c7fa'],
];
/**
 * The colours of one scheme: --jp-x for light, --jp-dark-x for dark, so that a site's value for one scheme never
 * reaches the other (an accent chosen for white would be unreadable on the dark background).
 * @param {boolean} dark
 */
const scheme = (dark) => `color-scheme:${dark ? 'dark' : 'light'};${
  COLOURS.map(([n, l, d]) => `--_${n}:var(--jp-${dark ? 'dark-' : ''}${n},${dark ? d : l})`).join(';')}`;

/** The stylesheet every shadow root adopts first (no <style>, no style attribute: CSP-safe); each UI adds its own. */
const CSS = `:host{all:initial;display:block;${scheme(false)};--_radius:var(--jp-radius,16px);
--_font:var(--jp-font,system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif)}
:host([data-scheme=dark]){${scheme(true)}}
@media (prefers-color-scheme:dark){:host([data-scheme=auto]){${scheme(true)}}}
[hidden]{display:none!important}
.jp-sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.jp-icons{display:flex;gap:.5rem}
.jp-icon{flex:none;width:2.5rem;height:2.5rem;color:var(--_accent);fill:none;stroke:currentColor;stroke-width:1.75;stroke-linecap:round;stroke-linejoin:round}
.jp-info{flex:1 1 10rem;display:flex;flex-direction:column}
.jp-name{font-weight:600}
.jp-detail{color:var(--_muted);font-size:.875rem}
.jp-choices{display:flex;flex-direction:column;gap:.5rem;margin-top:.5rem}
.jp-btn{box-sizing:border-box;min-height:44px;min-width:44px;padding:.5rem 1.25rem;border:1px solid var(--_border);border-radius:999px;
background:var(--_bg);color:var(--_accent);font:inherit;font-weight:600;text-align:center;cursor:pointer}
.jp-btn:hover,.jp-close:hover{background:var(--_hover)}
.jp-btn:active{background:var(--_accent);color:var(--_accent-fg)}
.jp-btn:focus-visible,.jp-close:focus-visible,.jp-switch:focus-visible{outline:3px solid var(--_focus);outline-offset:2px}
.jp-dialog{box-sizing:border-box;margin:auto;padding:0;width:min(26rem,calc(100vw - 2rem));max-height:calc(100vh - 2rem);overflow:auto;
border:1px solid var(--_border);border-radius:var(--_radius);background:var(--_bg);color:var(--_fg);
font:400 1rem/1.5 var(--_font);box-shadow:0 12px 40px rgb(0 0 0/.35)}
.jp-dialog::backdrop{background:var(--jp-backdrop,rgb(0 0 0/.5))}
.jp-body{position:relative;display:flex;flex-direction:column;gap:.75rem;padding:1.5rem}
.jp-title{margin:0;padding-inline-end:2rem;font-size:1.25rem;line-height:1.3;font-weight:600}
.jp-reason{margin:0;color:var(--_muted)}
.jp-close{position:absolute;top:.75rem;inset-inline-end:.75rem;width:44px;height:44px;padding:0;border:0;border-radius:50%;
background:var(--_bg);color:var(--_fg);font:400 1.75rem/1 var(--_font);cursor:pointer}`;

/** The capabilities' icons (24x24 strokes); a blocked one gets a slash. @type {Record<string, string>} */
const ICONS = {
  camera: 'M3 7h12v10H3zM15 10.5 21 7v10l-6-3.5',
  microphone: 'M9 6a3 3 0 0 1 6 0v5a3 3 0 0 1-6 0zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8',
  geolocation: 'M12 21s-7-7-7-12a7 7 0 0 1 14 0c0 5-7 12-7 12zM12 6.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z',
  notifications: 'M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 21h4',
};
const SLASH = 'M3 3l18 18';
const SVG = 'http://www.w3.org/2000/svg';

/**
 * The strings key of the words of a reason a capability is denied (`browser` -> `reasonBrowser`).
 * @param {string} reason
 */
export const reasonKey = (reason) => `reason${reason.charAt(0).toUpperCase()}${reason.slice(1)}`;

/** The constructed stylesheets, one per text, shared by every shadow root. @type {Map<string, CSSStyleSheet>} */
const sheets = new Map();

/**
 * The page's colour scheme where `parent` is: its `color-scheme` (computed, else the meta tag), else 'auto'.
 * @param {Element} parent
 */
export function pageScheme(parent) {
  let v = '';
  try { v = getComputedStyle(parent).colorScheme || ''; } catch { /* not an element in a document */ }
  if (!v || v === 'normal') v = document.querySelector('meta[name="color-scheme"]')?.getAttribute('content') || '';
  const light = /light/.test(v);
  const dark = /dark/.test(v);
  return light === dark ? 'auto' : dark ? 'dark' : 'light';
}

/**
 * A detached `<div data-jit-permissions="{kind}">` with an open shadow root, for `parent`.
 * @param {string} kind
 * @param {Element} parent
 * @returns {[HTMLDivElement, ShadowRoot]}
 */
export function shadowHost(kind, parent) {
  const host = document.createElement('div');
  host.setAttribute('data-jit-permissions', kind);
  host.setAttribute('data-scheme', pageScheme(parent));
  return [host, host.attachShadow({ mode: 'open' })];
}

/**
 * Puts `host` at the end of `parent`, then has its shadow root adopt the shared stylesheet and the UI's own `css`
 * (WebKit applies a sheet adopted while the host was detached only a moment after it is connected: its first layout
 * would be unstyled).
 * @param {Element} parent
 * @param {HTMLElement} host
 * @param {string} css
 */
export function attach(parent, host, css) {
  parent.append(host);
  try {
    /** @param {string} text */
    const sheet = (text) => {
      let s = sheets.get(text);
      if (!s) {
        s = new CSSStyleSheet();
        s.replaceSync(text);
        sheets.set(text, s);
      }
      return s;
    };
    /** @type {ShadowRoot} */ (host.shadowRoot).adoptedStyleSheets = [sheet(CSS), sheet(css)];
  } catch {
    // Without constructable stylesheets the native dialog still works, unstyled.
  }
}

/**
 * Appends `<tag>` with these attributes (null or undefined ones left out) and, if given, `text` as its text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {ParentNode} parent
 * @param {K} tag
 * @param {Record<string, string | number | null | undefined>} [attrs]
 * @param {string | null} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(parent, tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, String(v));
  if (text != null) e.textContent = text;
  parent.append(e);
  return e;
}

/**
 * Appends the capability's icon (decorative: hidden from assistive technology).
 * @param {ParentNode} parent
 * @param {string} cap
 * @param {boolean} [blocked]
 */
export function icon(parent, cap, blocked = false) {
  const svg = document.createElementNS(SVG, 'svg');
  const attrs = { viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false', class: 'jp-icon', part: 'icon' };
  for (const [k, v] of Object.entries(attrs)) svg.setAttribute(k, v);
  for (const d of blocked ? [ICONS[cap], SLASH] : [ICONS[cap]]) {
    svg.appendChild(document.createElementNS(SVG, 'path')).setAttribute('d', d);
  }
  parent.append(svg);
  return svg;
}

/**
 * The template with each `{key}` replaced by `values[key]` (as text: no `$` patterns); others stay.
 * @param {unknown} template
 * @param {Record<string, string | number>} values
 */
export const fill = (template, values) => String(template).replace(/\{(\w+)\}/g, (m, k) => String(values[k] ?? m));

/**
 * `items` joined as a list in `lang` ("camera and microphone"); `type` 'disjunction' for "or".
 * @param {string[]} items
 * @param {string} lang
 * @param {'conjunction' | 'disjunction'} [type]
 */
export function list(items, lang, type = 'conjunction') {
  try {
    return new Intl.ListFormat(lang, { type }).format(items);
  } catch {
    return items.join(', ');
  }
}

/**
 * The writing direction of a language tag.
 * @param {string | null | undefined} tag
 */
export const dirOf = (tag) => (/^(ar|arc|ckb|dv|fa|he|iw|ks|ps|sd|syr|ug|ur|yi)(-|$)|-(arab|hebr|syrc|thaa|nkoo|adlm|rohg)(-|$)/i.test(tag || '') ? 'rtl' : 'ltr');

/**
 * The heading tag of a view ('h2' unless the site chose a level).
 * @param {View} v
 * @returns {'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6'}
 */
export const heading = (v) => /** @type {'h2'} */ (`h${v.headingLevel && v.headingLevel >= 1 && v.headingLevel <= 6 ? v.headingLevel | 0 : 2}`);

/**
 * Sets an attribute (removes it for null) only when it differs (no needless mutation, no flicker).
 * @param {Element} e
 * @param {string} name
 * @param {string | null} value
 */
export function setAttr(e, name, value) {
  if (e.getAttribute(name) !== value) {
    if (value == null) e.removeAttribute(name);
    else e.setAttribute(name, value);
  }
}

/** The focused element, looking into open shadow roots. */
function deepActiveElement() {
  let active = document.activeElement;
  while (active && active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

// ---- the modal dialog (the pre-prompt and the recovery help) -------------------------------------------------

/** The dialogs shown, the topmost last: Esc dismisses only the topmost. @type {Modal[]} */
const shown = [];
/** How long a dialog ignores clicks and keys after it shows (the browser's permission bubble waits as long). */
export const READY_MS = 500;

/**
 * A modal native <dialog> in the open shadow root of `<div data-jit-permissions="{kind}">`, named by its
 * `#jp-title` and described by its `#jp-reason` (and whatever the view adds), with the view's own `css`.
 */
export class Modal {
  /**
   * @param {string} kind
   * @param {string[]} names
   * @param {View} view
   * @param {string} css
   */
  constructor(kind, names, view, css) {
    const [host, root] = shadowHost(kind, document.body);
    this.host = host;
    this.root = root;
    this.view = view;
    this.css = css;
    this.dialog = el(this.root, 'dialog', {
      class: 'jp-dialog', part: 'dialog', 'data-capability': names.join(' '), lang: view.lang, dir: dirOf(view.lang),
      'aria-labelledby': 'jp-title', 'aria-describedby': 'jp-reason',
    });
    this.body = el(this.dialog, 'div', { class: 'jp-body', part: 'body' });
    this.settled = false;
    /** What each button of the dialog chooses, bound in code. @type {Map<Element, string>} */
    this.choices = new Map();
    /** @type {Element | null} */
    this.restore = null;
    /** @type {AbortController | null} */
    this.listening = null;
    /** @type {((choice: string) => void) | null} */
    this.resolve = null;
  }

  /**
   * The title and the description, as text.
   * @param {string} title
   * @param {string} reason
   */
  heading(title, reason) {
    return [
      el(this.body, heading(this.view), { id: 'jp-title', class: 'jp-title', part: 'title' }, title),
      el(this.body, 'p', { id: 'jp-reason', class: 'jp-reason', part: 'reason' }, reason),
    ];
  }

  /**
   * A button (`data-choice` or `data-action`) in `parent`. What it chooses is bound here, in code: the attribute is
   * for styles and tests only, and never read back (a script that rewrites it cannot turn × into Allow).
   * @param {ParentNode} parent
   * @param {string} attr
   * @param {string} value
   * @param {string} text
   */
  button(parent, attr, value, text) {
    return this.bind(el(parent, 'button', { type: 'button', class: 'jp-btn', part: `button ${value}`, [attr]: value }, text), value);
  }

  /**
   * Binds what a button of this dialog chooses.
   * @param {HTMLButtonElement} button
   * @param {string} value
   */
  bind(button, value) {
    this.choices.set(button, value);
    return button;
  }

  /**
   * Shows the dialog modally and moves focus to `first`. Resolves with the person's choice: what a button of it is
   * bound to, or 'dismiss' for Esc or a click on the backdrop. Only trusted events count, and none within
   * READY_MS of showing (as the browser's permission bubble): a double click or a held key meant for the page
   * cannot answer it. The dialog carries `data-ready` once it takes input (for tests that drive it).
   * @param {HTMLElement} first
   * @returns {Promise<string>}
   */
  show(first) {
    this.restore = deepActiveElement();
    const { dialog } = this;
    const stop = (this.listening = new AbortController());
    /**
     * @template {Event} E
     * @param {EventTarget} target
     * @param {string} type
     * @param {(e: E) => void} fn
     * @param {boolean} [capture]
     */
    const on = (target, type, fn, capture = false) => target.addEventListener(type, /** @type {EventListener} */ (fn), { signal: stop.signal, capture });
    const shownAt = performance.now();
    // Keys pressed down after the dialog became ready: a repeat of a key held from before never counts.
    const down = new Set();
    const early = () => performance.now() - shownAt < READY_MS;
    /** @param {Event} e */
    const ignore = (e) => { e.preventDefault(); e.stopImmediatePropagation(); };
    on(window, 'keydown', /** @param {KeyboardEvent} e */ (e) => {
      if (!dialog.open || shown[shown.length - 1] !== this) return;
      if (!e.repeat && !early()) down.add(e.key);
      else if (early() || !down.has(e.key)) ignore(e);
    }, true);
    on(window, 'keyup', /** @param {KeyboardEvent} e */ (e) => {
      if (dialog.open && shown[shown.length - 1] === this && !down.delete(e.key) && (e.key === ' ' || e.key === 'Enter')) ignore(e);
    }, true);
    const ready = setTimeout(() => dialog.setAttribute('data-ready', ''), READY_MS);
    stop.signal.addEventListener('abort', () => clearTimeout(ready));
    // A press that starts on the content and ends on the backdrop is not a dismissal.
    let pressedInside = false;
    on(dialog, 'mousedown', (e) => {
      if (e.isTrusted) pressedInside = e.target !== dialog;
    });
    on(dialog, 'click', /** @param {MouseEvent} e */ (e) => {
      if (!e.isTrusted || early()) return;
      let button = /** @type {Node | null} */ (e.target);
      while (button && button !== dialog && !this.choices.has(/** @type {Element} */ (button))) button = button.parentNode;
      const choice = button && button !== dialog && this.choices.get(/** @type {Element} */ (button));
      if (choice) {
        this.settle(choice);
      } else if (e.target === dialog && !pressedInside) {
        // The content fills the dialog's box, so a click on the dialog itself outside its box is on the backdrop.
        const r = dialog.getBoundingClientRect();
        const outside = e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom;
        if (outside) this.settle('dismiss');
      }
      pressedInside = false;
    });
    // Esc: the person's key press, seen before the browser acts on it. Cancelling it keeps the browser from also
    // closing a dialog of the site's underneath.
    on(window, 'keydown', /** @param {KeyboardEvent} e */ (e) => {
      if (e.isTrusted && e.key === 'Escape' && shown[shown.length - 1] === this) {
        e.preventDefault();
        this.settle('dismiss');
      }
    }, true);
    // `cancel` can come from script (dispatchEvent, requestClose()): the trusted Esc above is what counts.
    on(dialog, 'cancel', (e) => e.preventDefault());
    // Closed by anything but a choice (script calling close(), a cancel the browser would not let us prevent):
    // nobody chose anything, so the dialog is shown again.
    on(dialog, 'close', () => {
      if (!this.settled && this.host.isConnected) {
        dialog.showModal();
        first.focus();
      }
    });
    /** @type {Promise<string>} */
    const done = new Promise((resolve) => { this.resolve = resolve; });
    attach(document.body, this.host, this.css);
    dialog.showModal();
    shown.push(this);
    first.focus();
    return done;
  }

  /**
   * Closes the dialog with this choice (once): removes it and gives focus back to what had it before.
   * @param {string} choice
   */
  settle(choice) {
    if (this.settled) return;
    this.settled = true;
    this.listening?.abort();
    const i = shown.indexOf(this);
    if (i >= 0) shown.splice(i, 1);
    if (this.dialog.open) this.dialog.close();
    this.host.remove();
    if (this.restore && this.restore.isConnected) /** @type {HTMLElement} */ (this.restore).focus();
    this.resolve?.(choice);
  }
}
