// The UI of jit-permissions: the pre-prompt, the recovery help and the controls panel.
//
// Behaviour stays in Rust (src/web/): the runtime decides when to ask, records the answer and keeps the
// statuses. This module only renders and reports what the person chose, through `ui` at the end of this file,
// which the runtime calls (src/web/ui.rs binds it). It is loaded on first need: by a dynamic import() in the
// npm package (a gated call or controls() starts it), as a wasm-bindgen snippet in the Rust API.
//
// The rules it keeps:
// - Only the person decides. A choice counts only from an event with isTrusted === true (a real click, key press
//   or touch): element.click(), dispatchEvent() and synthetic cancel/close/keydown events are ignored, and a
//   dialog that script closes is shown again, since nobody chose anything.
// - Caller strings are text: they go into textContent, `alt` and `src`, never into markup.
// - Open shadow roots (assistive tools, auditors and the site's tests can reach in) that adopt one constructed
//   stylesheet, so it works under `style-src 'self'` without 'unsafe-inline'. Themable with --jp-* custom
//   properties and ::part() names.
// - Accessible: a modal <dialog> named by its title and described by its text, focus moved in and restored
//   after, operable by keyboard alone (Tab, Enter, Space, Esc).

/** The gated capabilities, in display order (the order of the runtime's statuses). */
const CAPS = ['camera', 'microphone', 'geolocation', 'notifications'];

/**
 * English, the built-in fallback. Every key can be overridden with install({strings}) and is translated in
 * ./locales/*.js. Multi-line values are one step per line; `{name}` is the capability's name, `{time}` the time
 * left of a one-time grant.
 */
const en = {
  allowOnce: 'Allow this time',
  allowAlways: 'Allow on every visit',
  dontAllow: 'Don\'t allow',
  close: 'Close',
  cameraTitle: 'Use your camera?',
  cameraReason: 'This site asks to use your camera for what you are doing now. You can change your choice at any time.',
  microphoneTitle: 'Use your microphone?',
  microphoneReason: 'This site asks to use your microphone for what you are doing now. You can change your choice at any time.',
  geolocationTitle: 'Use your location?',
  geolocationReason: 'This site asks to know your location for what you are doing now. You can change your choice at any time.',
  notificationsTitle: 'Show notifications?',
  notificationsReason: 'This site asks to send you notifications. You can change your choice at any time.',
  cameraName: 'Camera',
  microphoneName: 'Microphone',
  geolocationName: 'Location',
  notificationsName: 'Notifications',
  cameraBlocked: 'Your browser blocks the camera for this site',
  microphoneBlocked: 'Your browser blocks the microphone for this site',
  geolocationBlocked: 'Your browser blocks your location for this site',
  notificationsBlocked: 'Your browser blocks notifications for this site',
  recoveryIntro: 'To allow it again:',
  stepsChromium: 'Click the site information icon to the left of the address bar.\nTurn on “{name}”, or set it to “Allow”.\nReload the page if your browser asks you to.',
  stepsFirefox: 'Click the crossed-out permission icon (or the padlock) in the address bar.\nNext to “{name}”, click × to clear the block.\nReload the page and try again.',
  stepsSafari: 'In the menu bar, choose Safari > Settings, then click Websites.\nSelect “{name}” in the list on the left.\nSet this website to “Allow”.\nReload the page.',
  stepsOther: 'Open your browser’s settings for this site (often through the icon next to the address).\nAllow “{name}”.\nReload the page.',
  panelTitle: 'Site permissions',
  stateGranted: 'Allowed',
  stateDenied: 'Blocked',
  statePrompt: 'Ask',
  grantOneTime: 'This time',
  grantPersistent: 'Every visit',
  reasonBrowser: 'Blocked in your browser',
  reasonUser: 'You chose Don\'t allow',
  reasonEmbargo: 'Paused after repeated dismissals',
  revoke: 'Revoke',
  reset: 'Reset',
  help: 'How to unblock',
  revokeLabel: 'Revoke {name}',
  resetLabel: 'Reset {name}',
  helpLabel: 'How to unblock {name}',
  expiresIn: 'Expires in {time}',
};

/** The stylesheet every shadow root adopts (no <style>, no style attribute: CSP-safe). */
const CSS = `:host{all:initial;display:block;color-scheme:light dark;
--_bg:var(--jp-bg,#fff);--_fg:var(--jp-fg,#1f1f1f);--_muted:var(--jp-muted,#474747);
--_accent:var(--jp-accent,#0b57d0);--_accent-fg:var(--jp-accent-fg,#fff);--_hover:var(--jp-hover,#e8eef8);
--_border:var(--jp-border,#747775);--_focus:var(--jp-focus,#0b57d0);--_radius:var(--jp-radius,16px);
--_font:var(--jp-font,system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif)}
@media (prefers-color-scheme:dark){:host{
--_bg:var(--jp-bg,#1f1f1f);--_fg:var(--jp-fg,#e3e3e3);--_muted:var(--jp-muted,#c4c7c5);
--_accent:var(--jp-accent,#a8c7fa);--_accent-fg:var(--jp-accent-fg,#062e6f);--_hover:var(--jp-hover,#2b3340);
--_border:var(--jp-border,#8e918f);--_focus:var(--jp-focus,#a8c7fa)}}
[hidden]{display:none!important}
.jp-dialog{box-sizing:border-box;margin:auto;padding:0;width:min(26rem,calc(100vw - 2rem));max-height:calc(100vh - 2rem);overflow:auto;
border:1px solid var(--_border);border-radius:var(--_radius);background:var(--_bg);color:var(--_fg);
font:400 1rem/1.5 var(--_font);box-shadow:0 12px 40px rgb(0 0 0/.35)}
.jp-dialog::backdrop{background:var(--jp-backdrop,rgb(0 0 0/.5))}
.jp-body{position:relative;display:flex;flex-direction:column;gap:.75rem;padding:1.5rem}
.jp-icon{flex:none;width:2.5rem;height:2.5rem;color:var(--_accent);fill:none;stroke:currentColor;stroke-width:1.75;stroke-linecap:round;stroke-linejoin:round}
.jp-title{margin:0;font-size:1.25rem;line-height:1.3;font-weight:600}
.jp-reason{margin:0;color:var(--_muted)}
.jp-image{display:block;align-self:center;max-width:100%;max-height:14rem;height:auto;object-fit:contain;border-radius:calc(var(--_radius)/2)}
.jp-steps{margin:0;padding-inline-start:1.5rem;display:grid;gap:.5rem}
.jp-choices{display:flex;flex-direction:column;gap:.5rem;margin-top:.5rem}
.jp-btn{box-sizing:border-box;min-height:44px;min-width:44px;padding:.5rem 1.25rem;border:1px solid var(--_border);border-radius:999px;
background:var(--_bg);color:var(--_accent);font:inherit;font-weight:600;text-align:center;cursor:pointer}
.jp-btn:hover{background:var(--_hover)}
.jp-btn:active{background:var(--_accent);color:var(--_accent-fg)}
.jp-btn:focus-visible,.jp-close:focus-visible{outline:3px solid var(--_focus);outline-offset:2px}
.jp-btn[aria-disabled=true]{color:var(--_muted);border-style:dashed;background:var(--_bg);cursor:not-allowed}
.jp-close{position:absolute;top:.75rem;inset-inline-end:.75rem;width:44px;height:44px;padding:0;border:0;border-radius:50%;
background:var(--_bg);color:var(--_fg);font:400 1.75rem/1 var(--_font);cursor:pointer}
.jp-close:hover{background:var(--_hover)}
.jp-panel{box-sizing:border-box;padding:1rem 1.25rem;border:1px solid var(--_border);border-radius:var(--_radius);
background:var(--_bg);color:var(--_fg);font:400 1rem/1.5 var(--_font)}
.jp-panel-title{margin:0 0 .25rem;font-size:1.125rem;font-weight:600}
.jp-list{margin:0;padding:0;list-style:none}
.jp-row{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.75rem 0;border-top:1px solid var(--_border)}
.jp-row:first-child{border-top:0}
.jp-row .jp-icon{width:1.5rem;height:1.5rem}
.jp-info{flex:1 1 10rem;display:flex;flex-direction:column}
.jp-name{font-weight:600}
.jp-state,.jp-detail,.jp-time{color:var(--_muted);font-size:.875rem}
.jp-time{font-variant-numeric:tabular-nums}
.jp-actions{display:flex;flex-wrap:wrap;gap:.5rem}
.jp-actions .jp-btn{padding:.5rem 1rem}`;

/** The capabilities' icons (24x24 strokes); a blocked one gets a slash. */
const ICONS = {
  camera: 'M3 7h12v10H3zM15 10.5 21 7v10l-6-3.5',
  microphone: 'M9 6a3 3 0 0 1 6 0v5a3 3 0 0 1-6 0zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8',
  geolocation: 'M12 21s-7-7-7-12a7 7 0 0 1 14 0c0 5-7 12-7 12zM12 6.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z',
  notifications: 'M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 21h4',
};
const SLASH = 'M3 3l18 18';
const SVG = 'http://www.w3.org/2000/svg';

// ---- DOM helpers -------------------------------------------------------------------------------------------

let sheet = null;

/** A detached `<div data-jit-permissions="{kind}">` with an open shadow root that adopts the stylesheet. */
function shadowHost(kind) {
  const host = document.createElement('div');
  host.setAttribute('data-jit-permissions', kind);
  const root = host.attachShadow({ mode: 'open' });
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [sheet];
  } catch {
    // Without constructable stylesheets the native dialog still works, unstyled.
  }
  return [host, root];
}

/** Appends `<tag>` with these attributes (undefined ones left out) and, if given, `text` as its text. */
function el(parent, tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  parent.append(e);
  return e;
}

/** Appends the capability's icon (decorative: hidden from assistive technology). */
function icon(parent, cap, blocked = false) {
  const svg = document.createElementNS(SVG, 'svg');
  const attrs = { viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false', class: 'jp-icon', part: 'icon' };
  for (const [k, v] of Object.entries(attrs)) svg.setAttribute(k, v);
  for (const d of blocked ? [ICONS[cap], SLASH] : [ICONS[cap]]) {
    svg.appendChild(document.createElementNS(SVG, 'path')).setAttribute('d', d);
  }
  parent.append(svg);
  return svg;
}

/** The template with each `{placeholder}` replaced by `value` (as text: no `$` patterns). */
const fill = (template, value) => String(template).replace(/\{\w+\}/g, () => value);

/** Sets text or an attribute only when it differs (no needless mutation, no flicker). */
function setText(e, text) {
  if (e.textContent !== text) e.textContent = text;
}
function setAttr(e, name, value) {
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

/** Given text, unless missing or blank. */
const given = (s) => (typeof s === 'string' && s.trim() ? s : null);

// ---- the modal dialog --------------------------------------------------------------------------------------

/** The dialogs shown, the topmost last: Esc dismisses only the topmost. */
const shown = [];

/**
 * A modal native <dialog> in the open shadow root of `<div data-jit-permissions="{kind}">`, named by its
 * `#jp-title` and described by its `#jp-reason`.
 */
class Modal {
  constructor(kind, names, lang) {
    [this.host, this.root] = shadowHost(kind);
    this.dialog = el(this.root, 'dialog', {
      class: 'jp-dialog', part: 'dialog', 'data-capability': names.join(' '), lang,
      'aria-labelledby': 'jp-title', 'aria-describedby': 'jp-reason',
    });
    this.body = el(this.dialog, 'div', { class: 'jp-body', part: 'body' });
    this.settled = false;
  }

  /** The title and the description, as text. */
  heading(title, reason) {
    return [
      el(this.body, 'h2', { id: 'jp-title', class: 'jp-title', part: 'title' }, title),
      el(this.body, 'p', { id: 'jp-reason', class: 'jp-reason', part: 'reason' }, reason),
    ];
  }

  /**
   * Shows the dialog modally and moves focus to `first`. Resolves with the person's choice: the `data-choice` of
   * a button, or 'dismiss' for a `data-action` button, Esc or a click on the backdrop. Only trusted events count.
   */
  show(first) {
    this.restore = deepActiveElement();
    const { dialog } = this;
    const stop = (this.listening = new AbortController());
    const on = (target, type, fn, capture = false) => target.addEventListener(type, fn, { signal: stop.signal, capture });
    // A press that starts on the content and ends on the backdrop is not a dismissal.
    let pressedInside = false;
    on(dialog, 'mousedown', (e) => {
      if (e.isTrusted) pressedInside = e.target !== dialog;
    });
    on(dialog, 'click', (e) => {
      if (!e.isTrusted) return;
      const button = e.target.closest('[data-choice],[data-action]');
      if (button) {
        this.settle(button.getAttribute('data-choice') || 'dismiss');
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
    on(window, 'keydown', (e) => {
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
    this.done = new Promise((resolve) => { this.resolve = resolve; });
    document.body.append(this.host);
    dialog.showModal();
    shown.push(this);
    first.focus();
    return this.done;
  }

  /** Closes the dialog with this choice (once): removes it and gives focus back to what had it before. */
  settle(choice) {
    if (this.settled) return;
    this.settled = true;
    this.listening?.abort();
    const i = shown.indexOf(this);
    if (i >= 0) shown.splice(i, 1);
    if (this.dialog.open) this.dialog.close();
    this.host.remove();
    if (this.restore && this.restore.isConnected) this.restore.focus();
    this.resolve?.(choice);
  }
}

// ---- the pre-prompt ----------------------------------------------------------------------------------------

/**
 * Shows the pre-prompt and resolves with `{ choice, declined }` once the person has chosen: `choice` is
 * 'allow-once', 'allow-always', 'dont-allow' or 'dismiss' (×, Esc, backdrop); `declined` lists the optional
 * capabilities the person left out (none yet: every entry is asked for as a whole).
 *
 * request: {
 *   capabilities: [{ name, optional }]   what is asked, one pre-prompt for all of them (at least one)
 *   title, reason                        the site's own text (else the built-in text of the first capability)
 *   image: { src, alt }                  a picture of the task, optional
 *   lang                                 the language of `strings` (the dialog's lang attribute)
 *   strings                              the resolved strings table (built in, locale, the site's overrides)
 * }
 *
 * DOM:
 *   <div data-jit-permissions="pre-prompt">  #shadow-root (open)
 *     <dialog part="dialog" data-capability="camera" lang aria-labelledby="jp-title" aria-describedby="jp-reason">
 *       <div part="body"> <svg part="icon"> <h2 id="jp-title" part="title"> <p id="jp-reason" part="reason">
 *         <img part="image" alt src>   (only with a picture)
 *         <div part="choices"> <button data-choice="allow-once" part="button allow-once"> (allow-always, dont-allow)
 *         <button data-choice="dismiss" part="close" aria-label="Close">×
 */
function prePrompt({ capabilities, title, reason, image, lang, strings }) {
  const names = capabilities.map((c) => c.name);
  const [cap] = names;
  const m = new Modal('pre-prompt', names, lang);
  for (const name of names) icon(m.body, name);
  const [titleEl, reasonEl] = m.heading(strings[`${cap}Title`], strings[`${cap}Reason`]);
  // The dialog speaks the language of the built-in strings; the site's own text is marked with the page's
  // language, so that a screen reader pronounces each correctly.
  const pageLang = document.documentElement.getAttribute('lang') || null;
  const mark = (e) => { if (pageLang) e.setAttribute('lang', pageLang); };
  if (given(title)) { titleEl.textContent = title; mark(titleEl); }
  if (given(reason)) { reasonEl.textContent = reason; mark(reasonEl); }
  if (image && given(image.src)) {
    const img = el(m.body, 'img', { class: 'jp-image', part: 'image' });
    mark(img);
    img.alt = image.alt;
    img.src = image.src;
  }
  const choices = el(m.body, 'div', { class: 'jp-choices', part: 'choices' });
  const [first] = ['allowOnce', 'allowAlways', 'dontAllow'].map((key) => {
    const choice = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return el(choices, 'button', { type: 'button', class: 'jp-btn', part: `button ${choice}`, 'data-choice': choice }, strings[key]);
  });
  el(m.body, 'button', {
    type: 'button', class: 'jp-close', part: 'close', 'data-choice': 'dismiss', 'aria-label': strings.close,
  }, '\u00d7');
  return m.show(first).then((choice) => ({ choice, declined: [] }));
}

// ---- the recovery help -------------------------------------------------------------------------------------

/** The strings key of each browser family's steps. */
const STEPS = { chromium: 'stepsChromium', firefox: 'stepsFirefox', safari: 'stepsSafari', other: 'stepsOther' };

/**
 * What each cause of a block says: its title and its steps (one per line). `browser` is the browser's site
 * setting; other causes (the operating system, a busy device, a frame's policy) add an entry here.
 */
const CAUSES = {
  browser: (cap, browser, strings) => [strings[`${cap}Blocked`], strings[STEPS[browser] || STEPS.other]],
};

/**
 * Shows how to unblock a capability, and returns `{ closed, close() }`: `closed` resolves when the person closes
 * it (Close, Esc, backdrop) or `close()` is called (the runtime does once the capability is unblocked).
 *
 * request: { capability, cause ('browser'), browser ('chromium' | 'firefox' | 'safari' | 'other'), lang, strings }
 *
 * DOM: `<div data-jit-permissions="recovery">` with the same dialog as the pre-prompt, the icon crossed out,
 * an `<ol part="steps">` of `<li part="step">` and a `<button data-action="close" part="button close">`.
 */
function recovery({ capability, cause, browser, lang, strings }) {
  const m = new Modal('recovery', [capability], lang);
  icon(m.body, capability, true);
  const [title, steps] = (CAUSES[cause] || CAUSES.browser)(capability, browser, strings);
  m.heading(title, strings.recoveryIntro);
  const list = el(m.body, 'ol', { class: 'jp-steps', part: 'steps' });
  for (const step of String(steps).split('\n')) {
    if (step.trim()) el(list, 'li', { part: 'step' }, fill(step, strings[`${capability}Name`]));
  }
  const actions = el(m.body, 'div', { class: 'jp-choices', part: 'choices' });
  const close = el(actions, 'button', { type: 'button', class: 'jp-btn', part: 'button close', 'data-action': 'close' }, strings.close);
  const closed = m.show(close).then(() => undefined);
  return { closed, close: () => m.settle('dismiss') };
}

// ---- the controls panel ------------------------------------------------------------------------------------

/** Milliseconds left as H:MM:SS, rounded up to the second (57 599 000 -> 15:59:59). */
function timeLeft(ms) {
  const s = Math.ceil(Math.max(0, ms) / 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

const oneTimeExpiry = (s) => (s.state === 'granted' && s.grant === 'one-time' && s.expiresAt != null ? s.expiresAt : null);

/**
 * Mounts the controls panel at the end of `parent`: each capability with its state, grant kind, the time left of a
 * one-time grant, and Revoke, Reset and How to unblock. Returns `{ update(statuses), destroy() }`; `update` takes
 * the four statuses `{ name, state, grant, expiresAt, reason }` in CAPS order. Until the first update every
 * capability shows `prompt`.
 *
 * host: { revoke(name), reset(name), help(name), now() }: what the buttons do, and the runtime's clock (epoch
 * ms; Date.now when absent), by which a one-time grant counts down once a second.
 * view: { lang, strings }
 *
 * DOM:
 *   <div data-jit-permissions="controls">  #shadow-root (open)
 *     <section part="panel" lang aria-labelledby="jp-panel-title"> <h2 id="jp-panel-title" part="panel-title">
 *       <ul part="list" aria-labelledby="jp-panel-title">
 *         <li part="row" data-capability="camera" data-state="granted" data-grant="one-time" data-reason>
 *           <svg part="icon"> <span part="name"> <span part="state"> <span part="detail"> <span part="time-left">
 *           <button data-action="revoke" data-capability="camera" aria-label="Revoke Camera" part="button revoke">
 *           (reset, help)
 * A button that does not apply has aria-disabled="true" (it stays focusable, so focus is never lost while the
 * panel updates) and does nothing; the help button is hidden unless the browser blocks the capability.
 */
function panel(parent, host, { lang, strings }) {
  const [hostEl, root] = shadowHost('controls');
  const section = el(root, 'section', { class: 'jp-panel', part: 'panel', lang, 'aria-labelledby': 'jp-panel-title' });
  el(section, 'h2', { id: 'jp-panel-title', class: 'jp-panel-title', part: 'panel-title' }, strings.panelTitle);
  const list = el(section, 'ul', { class: 'jp-list', part: 'list', 'aria-labelledby': 'jp-panel-title' });
  const rows = CAPS.map((cap) => {
    const li = el(list, 'li', { class: 'jp-row', part: 'row', 'data-capability': cap });
    icon(li, cap);
    const info = el(li, 'div', { class: 'jp-info' });
    const name = strings[`${cap}Name`];
    el(info, 'span', { class: 'jp-name', part: 'name' }, name);
    const span = (cls, part) => el(info, 'span', { class: cls, part });
    const row = { li, state: span('jp-state', 'state'), detail: span('jp-detail', 'detail'), time: span('jp-time', 'time-left') };
    const actions = el(li, 'div', { class: 'jp-actions' });
    for (const action of ['revoke', 'reset', 'help']) {
      row[action] = el(actions, 'button', {
        type: 'button', class: 'jp-btn', part: `button ${action}`, 'data-action': action, 'data-capability': cap,
        'aria-label': fill(strings[`${action}Label`], name),
      }, strings[action]);
    }
    return row;
  });
  let statuses = CAPS.map((name) => ({ name, state: 'prompt', grant: null, expiresAt: null, reason: null }));
  let timer = null;
  const now = () => {
    const t = typeof host.now === 'function' ? Number(host.now()) : NaN;
    return Number.isFinite(t) && t > 0 ? t : Date.now();
  };

  const renderTime = (row, s, at) => {
    const expiry = oneTimeExpiry(s);
    setText(row.time, expiry == null ? '' : fill(strings.expiresIn, timeLeft(expiry - at)));
    setAttr(row.time, 'hidden', expiry == null ? '' : null);
  };

  const render = () => {
    const at = now();
    const focused = root.activeElement;
    rows.forEach((row, i) => {
      const s = statuses[i];
      const granted = s.state === 'granted';
      const deniedBy = s.state === 'denied' ? s.reason : null;
      setAttr(row.li, 'data-state', s.state);
      setAttr(row.li, 'data-grant', granted ? s.grant : null);
      setAttr(row.li, 'data-reason', deniedBy);
      setText(row.state, strings[{ granted: 'stateGranted', denied: 'stateDenied' }[s.state] || 'statePrompt']);
      const detail = granted && s.grant ? strings[s.grant === 'one-time' ? 'grantOneTime' : 'grantPersistent']
        : deniedBy ? strings[{ browser: 'reasonBrowser', user: 'reasonUser', embargo: 'reasonEmbargo' }[deniedBy]] || ''
          : '';
      setText(row.detail, detail);
      setAttr(row.detail, 'hidden', detail ? null : '');
      renderTime(row, s, at);
      setAttr(row.revoke, 'aria-disabled', granted ? null : 'true');
      setAttr(row.reset, 'aria-disabled', granted || deniedBy === 'user' || deniedBy === 'embargo' ? null : 'true');
      const help = deniedBy === 'browser';
      setAttr(row.help, 'hidden', help ? null : '');
      if (!help && focused === row.help) row.reset.focus();
    });
  };

  root.addEventListener('click', (e) => {
    if (!e.isTrusted) return;
    const button = e.target.closest('button[data-action]');
    if (!button || button.getAttribute('aria-disabled') === 'true') return;
    const action = button.getAttribute('data-action');
    if (['revoke', 'reset', 'help'].includes(action) && typeof host[action] === 'function') {
      host[action](button.getAttribute('data-capability'));
    }
  });

  render();
  parent.append(hostEl);
  return {
    update(next) {
      statuses = CAPS.map((name, i) => (next && next[i]) || statuses[i]);
      render();
      const counting = statuses.some((s) => oneTimeExpiry(s) != null);
      if (!counting && timer) {
        clearInterval(timer);
        timer = null;
      } else if (counting && !timer) {
        timer = setInterval(() => {
          const at = now();
          rows.forEach((row, i) => { if (oneTimeExpiry(statuses[i]) != null) renderTime(row, statuses[i], at); });
        }, 1000);
      }
    },
    destroy() {
      clearInterval(timer);
      timer = null;
      hostEl.remove();
    },
  };
}

/** The interface the runtime calls (src/web/ui.rs): the built-in strings and the three views. */
export const ui = { en, prePrompt, recovery, panel };
