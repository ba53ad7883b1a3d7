// The UI of jit-permissions: the pre-prompt, the recovery help, the controls panel and the in-use indicator.
//
// Behaviour stays in the runtime: it decides when to ask, records the answer and keeps the statuses. This module
// only renders and reports what the person chose, through `ui` at the end of this file, which the runtime calls
// (src/runtime/tasks.js calls it). It is loaded on first need: by a dynamic import() in the npm package (a gated call,
// controls() or the indicator starts it), as a wasm-bindgen snippet in the Rust API.
//
// The rules it keeps:
// - Only the person decides. A choice counts only from an event with isTrusted === true (a real click, key press
//   or touch): element.click(), dispatchEvent() and synthetic cancel/close/keydown events are ignored, and a
//   dialog that script closes is shown again, since nobody chose anything. The same holds for every control:
//   the pre-prompt's switches, Try again, Reset, and the panel's buttons.
// - Caller strings are text: they go into textContent, `alt` and `src`, never into markup.
// - Open shadow roots (assistive tools, auditors and the site's tests can reach in) that adopt one constructed
//   stylesheet, so it works under `style-src 'self'` without 'unsafe-inline'. Themable with --jp-* custom
//   properties (--jp-dark-* for the dark scheme) and ::part() names.
// - Accessible: a modal <dialog> named by its title and described by its text (and its steps), focus moved in and
//   restored after, operable by keyboard alone (Tab, Enter, Space, Esc); `lang` and `dir` of the strings' locale;
//   the panel and the indicator announce what changes through a role="status" region.
//
// ---- The interface (`ui`) ----------------------------------------------------------------------------------
//
// Every request and view takes:
//   lang          the BCP 47 tag of `strings` (any tag: the `locale` option as given, else the built-in locale);
//                 goes on the dialog, panel and indicator as `lang`, and sets `dir` (rtl for Arabic, Hebrew, ...)
//   strings       the resolved strings table (built in, the locale's, the site's overrides)
//   headingLevel  1-6, the level of the dialogs' and the panel's headings (default 2)
// The colour scheme follows the page: its `color-scheme` (computed, else <meta name="color-scheme">), else the
// person's prefers-color-scheme.
//
// ui.en                      the English strings (every key of the `strings` option)
//
// ui.prePrompt(request) -> Promise<{ choice, declined }>
//   request.capabilities     [{ name, optional, state, reason }], in the task's order: what the task needs. An entry
//                            whose state is 'prompt' (or absent) is asked; one with 'granted' is listed as already
//                            allowed, one with 'denied' as blocked (its `reason`: browser, system, policy, user,
//                            embargo), neither asked. At least one entry is asked. An asked entry with
//                            `optional: true` gets a switch (on by default) with which the person leaves it out.
//   request.title, .reason   the site's own text (else the built-in text: of the capability, or for several the
//                            combined title and reason naming each)
//   request.image            { src, alt }: a picture of the task (its space is reserved before it loads)
//   choice                   'allow-once', 'allow-always', 'dont-allow' or 'dismiss' (×, Esc, backdrop)
//   declined                 the names of the optional entries the person switched off (whatever the choice)
//
// ui.recovery(request) -> { closed: Promise<'retry' | 'reset' | undefined>, close() }
//   request.capability       the capability (or request.capabilities: several, e.g. a video call's two)
//   request.cause            what applies: 'browser' (the browser's site setting: its steps for this browser),
//                            'system' (the operating system's privacy setting: the steps for macOS, Windows or
//                            another system), 'busy' (the device is in use elsewhere), 'policy' (the frame may not
//                            use it), 'user' (the person's Don't allow), 'embargo' (paused after dismissals),
//                            'granted' (nothing blocks it), 'prompt' (the site will ask)
//   request.browser          'chromium', 'firefox', 'safari' or 'other' (for 'browser')
//   request.retry            offer "Try again" (a gated call that can try the device again: 'system', 'busy')
//   closed                   'retry' (Try again), 'reset' (Reset, offered for 'user' and 'embargo'), or undefined
//                            (Close, Esc, backdrop, or close() called: the runtime does once it is unblocked)
//
// ui.panel(parent, host, view) -> { update(statuses), destroy() }
//   mounts the controls panel at the end of `parent`
//   host                     { revoke(name), reset(name), help(name), now() }: the buttons' actions, and the
//                            runtime's clock (epoch ms; Date.now when absent)
//   statuses                 the four { name, state, grant, expiresAt, reason, lastDecision, decidedAt, inUse } in
//                            CAPS order; inUse: a track or watch of it handed out by the library is live (in any
//                            page of the origin)
//
// ui.indicator(parent, view) -> { update(statuses), destroy() }
//   the in-use indicator: shown while a camera or microphone track handed out in this page is live (`inUseHere`
//   of the statuses); at the end of `parent`, or floating at the top corner of the page when `parent` is null.
//   A role="status" region announces each start and stop.

/** The gated capabilities, in display order (the order of the runtime's statuses). */
const CAPS = ['camera', 'microphone', 'geolocation', 'notifications'];

/**
 * English, the built-in fallback. Every key can be overridden with install({strings}) and is translated in
 * ./locales/*.js. Multi-line values are one step per line (a step that names `{name}` is repeated for each
 * capability); `{name}` is the capability's name, `{noun}` its name within a sentence, `{names}` several joined
 * ("camera and microphone"), `{time}` a duration or a date, `{choice}` a choice's words, `{h}` and `{m}` hours
 * and minutes.
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
  manyTitle: 'Use your {names}?',
  manyReason: 'This site asks to use your {names} for what you are doing now. You can change your choice at any time.',
  cameraName: 'Camera',
  microphoneName: 'Microphone',
  geolocationName: 'Location',
  notificationsName: 'Notifications',
  cameraNoun: 'camera',
  microphoneNoun: 'microphone',
  geolocationNoun: 'location',
  notificationsNoun: 'notifications',
  optional: 'Optional',
  alreadyAllowed: 'Already allowed',
  cameraBlocked: 'Your browser blocks the camera for this site',
  microphoneBlocked: 'Your browser blocks the microphone for this site',
  geolocationBlocked: 'Your browser blocks your location for this site',
  notificationsBlocked: 'Your browser blocks notifications for this site',
  recoveryIntro: 'To allow it again:',
  stepsChromium: 'Click the site information icon to the left of the address bar.\nTurn on “{name}”, or set it to “Allow”.\nReload the page if your browser asks you to.',
  stepsFirefox: 'Click the crossed-out permission icon (or the padlock) in the address bar.\nNext to “{name}”, click × to clear the block.\nReload the page and try again.',
  stepsSafari: 'In the menu bar, choose Safari > Settings, then click Websites.\nSelect “{name}” in the list on the left.\nSet this website to “Allow”.\nReload the page.',
  stepsOther: 'Open your browser’s settings for this site (often through the icon next to the address).\nAllow “{name}”.\nReload the page.',
  systemTitle: 'Your device blocks the {names} for your browser',
  systemIntro: 'Your browser may use it only when your device’s privacy settings allow it. To allow it:',
  stepsMac: 'Open the Apple menu > System Settings > Privacy & Security.\nClick “{name}” and turn on your browser.\nIf your browser asks, quit it and open it again.',
  stepsWindows: 'Open Start > Settings > Privacy & security.\nClick “{name}”, then turn on “{name} access” and “Let desktop apps access your {noun}”.\nIf it still fails, restart your browser.',
  stepsDevice: 'Open your device’s privacy or security settings.\nAllow your browser to use the {noun}.\nIf it still fails, restart your browser.',
  busyTitle: 'Another app is using the {names}',
  busyIntro: 'This site cannot start it while another app or browser tab uses it. To use it here:',
  stepsBusy: 'Close or pause the other app or tab that uses it, for example a video call.\nChoose “Try again”.',
  retry: 'Try again',
  policyTitle: 'The {names} cannot be used in this part of the page',
  policyText: 'This part of the page comes from another site, and the page does not allow it to use this. Only the site’s owner can change that.',
  userTitle: 'You chose “Don’t allow” for the {names}',
  userText: 'So this site does not ask you again. To let it ask again, reset your choice.',
  embargoTitle: 'This site stopped asking for the {names} for now',
  embargoText: 'You closed its question several times, so it pauses for a while. To let it ask again now, reset your choice.',
  grantedTitle: 'This site may use the {names}',
  grantedText: 'Nothing blocks it: you allowed it. You can take it back at any time in this site’s permission controls.',
  promptTitle: 'This site asks before it uses the {names}',
  promptText: 'Nothing blocks it: when a task needs it, the site asks you first, and you choose.',
  panelTitle: 'Site permissions',
  stateGranted: 'Allowed',
  stateDenied: 'Blocked',
  statePrompt: 'Ask',
  grantOneTime: 'This time',
  grantPersistent: 'Every visit',
  reasonBrowser: 'In your browser’s settings',
  reasonUser: 'You chose Don\'t allow',
  reasonEmbargo: 'Paused after repeated dismissals',
  reasonSystem: 'By your device’s privacy settings',
  reasonPolicy: 'Not allowed in this part of the page',
  revoke: 'Revoke',
  reset: 'Reset',
  help: 'How to unblock',
  revokeLabel: 'Revoke {name}',
  resetLabel: 'Reset {name}',
  helpLabel: 'How to unblock {name}',
  revokeHint: 'Ends this permission now and stops what uses it. The site asks again next time.',
  resetHint: 'Forgets your choices for it on this site, Don’t allow and pauses included. The site asks again next time.',
  expiresIn: 'Until you leave this site, at most {time}',
  hours: '{h} h {m} min',
  minutes: '{m} min',
  inUseNow: 'In use now',
  lastChoice: 'Last choice: {choice}, {time}',
  dismissed: 'Closed without choosing',
  notAsked: 'Not asked yet',
  inUse: 'In use: {names}',
  notInUse: 'No longer in use: {names}',
};

/** Each colour: its custom property's name, the light default and the dark default (each checked for contrast). */
const COLOURS = [
  ['bg', '#fff', '#1f1f1f'], ['fg', '#1f1f1f', '#e3e3e3'], ['muted', '#474747', '#c4c7c5'],
  ['accent', '#0b57d0', '#a8c7fa'], ['accent-fg', '#fff', '#062e6f'], ['hover', '#e8eef8', '#2b3340'],
  ['border', '#747775', '#8e918f'], ['focus', '#0b57d0', '#a8c7fa'],
];
/** The colours of one scheme: --jp-x for light, --jp-dark-x for dark, so that a site's value for one scheme never
 * reaches the other (an accent chosen for white would be unreadable on the dark background). */
const scheme = (dark) => `color-scheme:${dark ? 'dark' : 'light'};${
  COLOURS.map(([n, l, d]) => `--_${n}:var(--jp-${dark ? 'dark-' : ''}${n},${dark ? d : l})`).join(';')}`;

/** The stylesheet every shadow root adopts (no <style>, no style attribute: CSP-safe). */
const CSS = `:host{all:initial;display:block;${scheme(0)};--_radius:var(--jp-radius,16px);
--_font:var(--jp-font,system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif)}
:host([data-scheme=dark]){${scheme(1)}}
@media (prefers-color-scheme:dark){:host([data-scheme=auto]){${scheme(1)}}}
[hidden]{display:none!important}
.jp-sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.jp-dialog{box-sizing:border-box;margin:auto;padding:0;width:min(26rem,calc(100vw - 2rem));max-height:calc(100vh - 2rem);overflow:auto;
border:1px solid var(--_border);border-radius:var(--_radius);background:var(--_bg);color:var(--_fg);
font:400 1rem/1.5 var(--_font);box-shadow:0 12px 40px rgb(0 0 0/.35)}
.jp-dialog::backdrop{background:var(--jp-backdrop,rgb(0 0 0/.5))}
.jp-body{position:relative;display:flex;flex-direction:column;gap:.75rem;padding:1.5rem}
.jp-icons{display:flex;gap:.5rem}
.jp-icon{flex:none;width:2.5rem;height:2.5rem;color:var(--_accent);fill:none;stroke:currentColor;stroke-width:1.75;stroke-linecap:round;stroke-linejoin:round}
.jp-title{margin:0;padding-inline-end:2rem;font-size:1.25rem;line-height:1.3;font-weight:600}
.jp-reason{margin:0;color:var(--_muted)}
.jp-image{display:block;box-sizing:border-box;width:100%;height:clamp(3rem,28vh,14rem);object-fit:contain;border-radius:calc(var(--_radius)/2)}
.jp-steps{margin:0;padding-inline-start:1.5rem;display:grid;gap:.5rem}
.jp-caps{margin:0;padding:0;list-style:none}
.jp-cap{display:flex;align-items:center;gap:.75rem;min-height:44px;border-top:1px solid var(--_border)}
.jp-cap:first-child{border-top:0}
.jp-choices{display:flex;flex-direction:column;gap:.5rem;margin-top:.5rem}
.jp-btn{box-sizing:border-box;min-height:44px;min-width:44px;padding:.5rem 1.25rem;border:1px solid var(--_border);border-radius:999px;
background:var(--_bg);color:var(--_accent);font:inherit;font-weight:600;text-align:center;cursor:pointer}
.jp-btn:hover{background:var(--_hover)}
.jp-btn:active{background:var(--_accent);color:var(--_accent-fg)}
.jp-btn:focus-visible,.jp-close:focus-visible,.jp-switch:focus-visible{outline:3px solid var(--_focus);outline-offset:2px}
.jp-btn[aria-disabled=true]{color:var(--_muted);border-style:dashed;background:var(--_bg);cursor:not-allowed}
.jp-close{position:absolute;top:.75rem;inset-inline-end:.75rem;width:44px;height:44px;padding:0;border:0;border-radius:50%;
background:var(--_bg);color:var(--_fg);font:400 1.75rem/1 var(--_font);cursor:pointer}
.jp-close:hover{background:var(--_hover)}
.jp-switch{flex:none;position:relative;margin-inline-start:auto;width:3.25rem;height:44px;padding:0;border:0;background:none;cursor:pointer}
.jp-switch::before{content:"";position:absolute;inset:10px 0;border:2px solid var(--_border);border-radius:999px;background:var(--_bg)}
.jp-switch::after{content:"";position:absolute;top:16px;inset-inline-start:6px;width:12px;height:12px;border-radius:50%;background:var(--_muted)}
.jp-switch[aria-checked=true]::before{border-color:var(--_accent);background:var(--_accent)}
.jp-switch[aria-checked=true]::after{inset-inline-start:calc(100% - 18px);background:var(--_accent-fg)}
.jp-panel{box-sizing:border-box;padding:1rem 1.25rem;border:1px solid var(--_border);border-radius:var(--_radius);
background:var(--_bg);color:var(--_fg);font:400 1rem/1.5 var(--_font)}
.jp-panel-title{margin:0 0 .25rem;font-size:1.125rem;font-weight:600}
.jp-list{margin:0;padding:0;list-style:none}
.jp-row{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.75rem 0;border-top:1px solid var(--_border)}
.jp-row:first-child{border-top:0}
.jp-row .jp-icon,.jp-cap .jp-icon,.jp-ind .jp-icon{width:1.5rem;height:1.5rem}
.jp-info{flex:1 1 10rem;display:flex;flex-direction:column}
.jp-name{font-weight:600}
.jp-state,.jp-detail,.jp-time{color:var(--_muted);font-size:.875rem}
.jp-live{align-self:start;padding:0 .5rem;border-radius:999px;background:var(--_accent);color:var(--_accent-fg);font-size:.875rem;font-weight:600}
.jp-actions{display:flex;flex-wrap:wrap;gap:.5rem}
.jp-actions .jp-btn{padding:.5rem 1rem}
.jp-ind{display:inline-flex;align-items:center;gap:.5rem;padding:.25rem .875rem .25rem .625rem;border:1px solid var(--_accent-fg);border-radius:999px;
background:var(--_accent);color:var(--_accent-fg);font:600 .875rem/1.5 var(--_font)}
.jp-ind .jp-icon{color:inherit}
.jp-float{position:fixed;z-index:2147483647;top:.75rem;inset-inline-end:.75rem;box-shadow:0 2px 8px rgb(0 0 0/.3)}
@media (forced-colors:active){.jp-btn[aria-disabled=true]{color:GrayText;border-color:GrayText}
.jp-switch{forced-color-adjust:none}.jp-switch::before{border-color:ButtonText;background:Canvas}.jp-switch::after{background:ButtonText}
.jp-switch[aria-checked=true]::before{border-color:Highlight;background:Highlight}.jp-switch[aria-checked=true]::after{background:HighlightText}}`;

/** The capabilities' icons (24x24 strokes); a blocked one gets a slash. */
const ICONS = {
  camera: 'M3 7h12v10H3zM15 10.5 21 7v10l-6-3.5',
  microphone: 'M9 6a3 3 0 0 1 6 0v5a3 3 0 0 1-6 0zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8',
  geolocation: 'M12 21s-7-7-7-12a7 7 0 0 1 14 0c0 5-7 12-7 12zM12 6.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z',
  notifications: 'M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 21h4',
};
const SLASH = 'M3 3l18 18';
const SVG = 'http://www.w3.org/2000/svg';

// ---- helpers -----------------------------------------------------------------------------------------------

let sheet = null;

/** The page's colour scheme where `parent` is: its `color-scheme` (computed, else the meta tag), else 'auto'. */
function pageScheme(parent) {
  let v = '';
  try { v = getComputedStyle(parent).colorScheme || ''; } catch { /* not an element in a document */ }
  if (!v || v === 'normal') v = document.querySelector('meta[name="color-scheme"]')?.content || '';
  const light = /light/.test(v);
  const dark = /dark/.test(v);
  return light === dark ? 'auto' : dark ? 'dark' : 'light';
}

/** A detached `<div data-jit-permissions="{kind}">` with an open shadow root, for `parent`. */
function shadowHost(kind, parent) {
  const host = document.createElement('div');
  host.setAttribute('data-jit-permissions', kind);
  host.setAttribute('data-scheme', pageScheme(parent));
  return [host, host.attachShadow({ mode: 'open' })];
}

/** Puts `host` at the end of `parent`, then has its shadow root adopt the stylesheet (WebKit applies a sheet
 * adopted while the host was detached only a moment after it is connected: its first layout would be unstyled). */
function attach(parent, host) {
  parent.append(host);
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    host.shadowRoot.adoptedStyleSheets = [sheet];
  } catch {
    // Without constructable stylesheets the native dialog still works, unstyled.
  }
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

/** The template with each `{key}` replaced by `values[key]` (as text: no `$` patterns); others stay. */
const fill = (template, values) => String(template).replace(/\{(\w+)\}/g, (m, k) => values[k] ?? m);

/** `items` joined as a list in `lang` ("camera and microphone"); `type` 'disjunction' for "or". */
function list(items, lang, type = 'conjunction') {
  try {
    return new Intl.ListFormat(lang, { type }).format(items);
  } catch {
    return items.join(', ');
  }
}

/** The writing direction of a language tag. */
const dirOf = (tag) => (/^(ar|arc|ckb|dv|fa|he|iw|ks|ps|sd|syr|ug|ur|yi)(-|$)|-(arab|hebr|syrc|thaa|nkoo|adlm|rohg)(-|$)/i.test(tag || '') ? 'rtl' : 'ltr');

/** The heading tag of a view ('h2' unless the site chose a level). */
const heading = (v) => `h${v.headingLevel >= 1 && v.headingLevel <= 6 ? v.headingLevel | 0 : 2}`;

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

/** The operating system, for the steps of the `system` cause. */
function os() {
  const n = navigator;
  const p = `${n.userAgentData?.platform || ''} ${n.platform || ''} ${n.userAgent || ''}`;
  if (/iP(hone|ad|od)/.test(p) || (/Mac/.test(p) && n.maxTouchPoints > 1)) return 'other';
  return /Mac/.test(p) ? 'mac' : /Win/.test(p) ? 'windows' : 'other';
}

/** The words of a reason a capability is denied. */
const REASONS = { browser: 'reasonBrowser', user: 'reasonUser', embargo: 'reasonEmbargo', system: 'reasonSystem', policy: 'reasonPolicy' };

// ---- the modal dialog --------------------------------------------------------------------------------------

/** The dialogs shown, the topmost last: Esc dismisses only the topmost. */
const shown = [];
/** How long a dialog ignores clicks and keys after it shows (the browser's permission bubble waits as long). */
const READY_MS = 500;

/**
 * A modal native <dialog> in the open shadow root of `<div data-jit-permissions="{kind}">`, named by its
 * `#jp-title` and described by its `#jp-reason` (and whatever `describe` adds).
 */
class Modal {
  constructor(kind, names, view) {
    [this.host, this.root] = shadowHost(kind, document.body);
    this.view = view;
    this.dialog = el(this.root, 'dialog', {
      class: 'jp-dialog', part: 'dialog', 'data-capability': names.join(' '), lang: view.lang, dir: dirOf(view.lang),
      'aria-labelledby': 'jp-title', 'aria-describedby': 'jp-reason',
    });
    this.body = el(this.dialog, 'div', { class: 'jp-body', part: 'body' });
    this.settled = false;
  }

  /** The title and the description, as text. */
  heading(title, reason) {
    return [
      el(this.body, heading(this.view), { id: 'jp-title', class: 'jp-title', part: 'title' }, title),
      el(this.body, 'p', { id: 'jp-reason', class: 'jp-reason', part: 'reason' }, reason),
    ];
  }

  /**
   * A button (`data-choice` or `data-action`) in `parent`. What it chooses is bound here, in code: the attribute is
   * for styles and tests only, and never read back (a script that rewrites it cannot turn × into Allow).
   */
  button(parent, attr, value, text, part = value) {
    return this.bind(el(parent, 'button', { type: 'button', class: 'jp-btn', part: `button ${part}`, [attr]: value }, text), value);
  }

  /** Binds what a button of this dialog chooses. */
  bind(button, value) {
    (this.choices ||= new Map()).set(button, value);
    return button;
  }

  /**
   * Shows the dialog modally and moves focus to `first`. Resolves with the person's choice: what a button of it is
   * bound to, or 'dismiss' for Esc or a click on the backdrop. Only trusted events count, and none within
   * READY_MS of showing (as the browser's permission bubble): a double click or a held key meant for the page
   * cannot answer it. The dialog carries `data-ready` once it takes input (for tests that drive it).
   */
  show(first) {
    this.restore = deepActiveElement();
    const { dialog } = this;
    const stop = (this.listening = new AbortController());
    const on = (target, type, fn, capture = false) => target.addEventListener(type, fn, { signal: stop.signal, capture });
    const shownAt = performance.now();
    // Keys pressed down after the dialog became ready: a repeat of a key held from before never counts.
    const down = new Set();
    const early = () => performance.now() - shownAt < READY_MS;
    const ignore = (e) => { e.preventDefault(); e.stopImmediatePropagation(); };
    on(window, 'keydown', (e) => {
      if (!dialog.open || shown[shown.length - 1] !== this) return;
      if (!e.repeat && !early()) down.add(e.key);
      else if (early() || !down.has(e.key)) ignore(e);
    }, true);
    on(window, 'keyup', (e) => {
      if (dialog.open && shown[shown.length - 1] === this && !down.delete(e.key) && (e.key === ' ' || e.key === 'Enter')) ignore(e);
    }, true);
    const ready = setTimeout(() => dialog.setAttribute('data-ready', ''), READY_MS);
    stop.signal.addEventListener('abort', () => clearTimeout(ready));
    // A press that starts on the content and ends on the backdrop is not a dismissal.
    let pressedInside = false;
    on(dialog, 'mousedown', (e) => {
      if (e.isTrusted) pressedInside = e.target !== dialog;
    });
    on(dialog, 'click', (e) => {
      if (!e.isTrusted || early()) return;
      let button = e.target;
      while (button && button !== dialog && !this.choices?.has(button)) button = button.parentNode;
      if (button && button !== dialog) {
        this.settle(this.choices.get(button));
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
    attach(document.body, this.host);
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
 * Shows the pre-prompt (see the interface at the top). DOM:
 *   <div data-jit-permissions="pre-prompt">  #shadow-root (open)
 *     <dialog part="dialog" data-capability="camera microphone" lang dir aria-labelledby="jp-title"
 *         aria-describedby="jp-reason">
 *       <div part="body"> <div part="icons"> <svg part="icon">...   (one task with nothing to list)
 *         <h2 id="jp-title" part="title"> <p id="jp-reason" part="reason">
 *         <ul part="capabilities">                (optional entries, or entries not asked: one row each)
 *           <li part="capability" data-capability data-state data-reason> <svg part="icon"> <span part="name">
 *             <span part="detail">Optional</span> <button role="switch" aria-checked part="switch" data-toggle>
 *             (or <span part="detail">Already allowed | Blocked: ...</span>)
 *         <img part="image" alt src>              (only with a picture)
 *         <div part="choices"> <button data-choice="allow-once" part="button allow-once"> (allow-always, dont-allow)
 *         <button data-choice="dismiss" part="close" aria-label="Close">×
 * The site's title, reason and alt text carry the page's `lang` and `dir="auto"`.
 */
function prePrompt(request) {
  const { capabilities, title, reason, image, lang, strings: s } = request;
  // In display order, whatever order the call named them in ("camera and microphone").
  const entries = capabilities.map((c) => ({ ...c, asked: !c.state || c.state === 'prompt' }))
    .sort((a, b) => CAPS.indexOf(a.name) - CAPS.indexOf(b.name));
  const asked = entries.filter((c) => c.asked);
  const names = asked.map((c) => c.name);
  const m = new Modal('pre-prompt', names, request);
  const showList = entries.length > 1 && entries.some((c) => c.optional || !c.asked);
  if (!showList) {
    const icons = el(m.body, 'div', { class: 'jp-icons', part: 'icons' });
    for (const name of names) icon(icons, name);
  }
  const one = names.length === 1;
  const nouns = { names: list(names.map((n) => s[`${n}Noun`]), lang) };
  const [titleEl, reasonEl] = m.heading(
    one ? s[`${names[0]}Title`] : fill(s.manyTitle, nouns),
    one ? s[`${names[0]}Reason`] : fill(s.manyReason, nouns),
  );
  // The dialog speaks the language of the strings; the site's own text is marked with the page's language and
  // its own direction, so that a screen reader pronounces each correctly and punctuation sits where it belongs.
  const pageLang = document.documentElement.getAttribute('lang') || null;
  const mark = (e) => {
    if (pageLang) e.setAttribute('lang', pageLang);
    e.setAttribute('dir', 'auto');
  };
  if (given(title)) { titleEl.textContent = title; mark(titleEl); }
  if (given(reason)) { reasonEl.textContent = reason; mark(reasonEl); }
  const switches = new Map(); // switch -> the capability it leaves out, bound in code
  if (showList) {
    const ul = el(m.body, 'ul', { class: 'jp-caps', part: 'capabilities' });
    for (const c of entries) {
      const li = el(ul, 'li', {
        class: 'jp-cap', part: 'capability', 'data-capability': c.name, 'data-state': c.asked ? 'prompt' : c.state, 'data-reason': c.reason,
      });
      icon(li, c.name, c.state === 'denied');
      const info = el(li, 'span', { class: 'jp-info' });
      el(info, 'span', { class: 'jp-name', part: 'name', id: `jp-name-${c.name}` }, s[`${c.name}Name`]);
      const detail = !c.asked ? (c.state === 'granted' ? s.alreadyAllowed : `${s.stateDenied}: ${s[REASONS[c.reason]] || ''}`)
        : c.optional ? s.optional : null;
      if (detail) el(info, 'span', { class: 'jp-detail', part: 'detail', id: `jp-detail-${c.name}` }, detail);
      if (c.asked && c.optional) {
        switches.set(el(li, 'button', {
          type: 'button', role: 'switch', 'aria-checked': 'true', class: 'jp-switch', part: 'switch', 'data-toggle': c.name,
          'aria-labelledby': `jp-name-${c.name}`, 'aria-describedby': `jp-detail-${c.name}`,
        }), c.name);
      }
    }
  }
  if (image && given(image.src)) {
    // Its box is reserved before it loads (a fixed height, the picture fitted inside), so that nothing moves
    // when it arrives: focus, placed on the first choice, stays in view even at 400% zoom.
    const img = el(m.body, 'img', { class: 'jp-image', part: 'image' });
    mark(img);
    img.alt = image.alt;
    img.src = image.src;
  }
  const choices = el(m.body, 'div', { class: 'jp-choices', part: 'choices' });
  const [first] = ['allowOnce', 'allowAlways', 'dontAllow'].map((key) => {
    const choice = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return m.button(choices, 'data-choice', choice, s[key]);
  });
  m.bind(el(m.body, 'button', {
    type: 'button', class: 'jp-close', part: 'close', 'data-choice': 'dismiss', 'aria-label': s.close,
  }, '\u00d7'), 'dismiss');
  // A switch turns only under the person's own click or key press; what script sets on the attribute can only
  // leave an entry out (a switch shown off is never asked for), never put one back in.
  const off = new Set();
  m.dialog.addEventListener('click', (e) => {
    const sw = e.isTrusted && e.target.closest('[role=switch]');
    const name = switches.get(sw);
    if (!name) return;
    const on = off.has(name);
    if (on) off.delete(name);
    else off.add(name);
    sw.setAttribute('aria-checked', String(on));
  });
  return m.show(first).then((choice) => ({
    choice,
    declined: [...switches].filter(([sw, name]) => off.has(name) || sw.getAttribute('aria-checked') !== 'true').map(([, name]) => name),
  }));
}

// ---- the recovery help -------------------------------------------------------------------------------------

/** The strings key of each browser family's steps, and of each operating system's. */
const STEPS = { chromium: 'stepsChromium', firefox: 'stepsFirefox', safari: 'stepsSafari', other: 'stepsOther' };
const SYSTEM_STEPS = { mac: 'stepsMac', windows: 'stepsWindows', other: 'stepsDevice' };

/**
 * Shows what blocks a capability and the way back (see the interface at the top). DOM: `<div
 * data-jit-permissions="recovery" data-cause>` with the same dialog as the pre-prompt, the icon crossed out while
 * something blocks it, an `<ol id="jp-steps" part="steps">` of `<li part="step">` (in the dialog's description),
 * and `<button data-action="retry" part="button retry">`, `data-action="reset"` (`part="button reset"`) and
 * `<button data-action="close" part="button close">`.
 */
function recovery(request) {
  const { cause = 'browser', browser, retry, lang, strings: s } = request;
  const caps = request.capabilities || [request.capability];
  const m = new Modal('recovery', caps, request);
  m.host.setAttribute('data-cause', cause);
  const blocked = cause !== 'granted' && cause !== 'prompt';
  const icons = el(m.body, 'div', { class: 'jp-icons', part: 'icons' });
  for (const cap of caps) icon(icons, cap, blocked);
  const or = (key) => fill(s[key], { names: list(caps.map((c) => s[`${c}Noun`]), lang, 'disjunction') });
  // Title, description and steps of each cause.
  const [title, intro, steps] = {
    browser: [s[`${caps[0]}Blocked`], s.recoveryIntro, s[STEPS[browser] || STEPS.other]],
    system: [or('systemTitle'), s.systemIntro, s[SYSTEM_STEPS[os()]]],
    busy: [or('busyTitle'), s.busyIntro, s.stepsBusy],
  }[cause] || [or(`${cause}Title`), s[`${cause}Text`]];
  m.heading(title, intro);
  if (steps) {
    m.dialog.setAttribute('aria-describedby', 'jp-reason jp-steps');
    const ol = el(m.body, 'ol', { id: 'jp-steps', class: 'jp-steps', part: 'steps' });
    for (const step of String(steps).split('\n')) {
      if (!step.trim()) continue;
      // A step that names the capability is one step for each.
      for (const cap of /\{(name|noun)\}/.test(step) ? caps : [caps[0]]) {
        el(ol, 'li', { part: 'step' }, fill(step, { name: s[`${cap}Name`], noun: s[`${cap}Noun`] }));
      }
    }
  }
  const actions = el(m.body, 'div', { class: 'jp-choices', part: 'choices' });
  if (retry && (cause === 'busy' || cause === 'system')) m.button(actions, 'data-action', 'retry', s.retry);
  if (cause === 'user' || cause === 'embargo') m.button(actions, 'data-action', 'reset', s.reset);
  m.button(actions, 'data-action', 'close', s.close);
  const closed = m.show(actions.firstChild).then((a) => (a === 'retry' || a === 'reset' ? a : undefined));
  return { closed, close: () => m.settle('dismiss') };
}

// ---- the controls panel ------------------------------------------------------------------------------------

/** A duration in whole minutes, rounded up: [text, ISO 8601 duration] (57 540 000 ms -> "15 h 59 min"). */
function duration(ms, s) {
  const all = Math.max(1, Math.ceil(ms / 60000));
  const h = Math.floor(all / 60);
  const m = all % 60;
  return [fill(h ? s.hours : s.minutes, { h, m }), `PT${h}H${m}M`];
}

const oneTimeExpiry = (st) => (st.state === 'granted' && st.grant === 'one-time' && st.expiresAt != null ? st.expiresAt : null);

/**
 * Mounts the controls panel (see the interface at the top): each capability with its state, why it is blocked,
 * how long a one-time grant lasts ("until you leave this site, at most 15 h 59 min"), whether it is in use now, the
 * last choice and when, and Revoke, Reset (each with an accessible description of what it does) and How to unblock.
 * Until the first update every capability shows `prompt`.
 *
 * DOM:
 *   <div data-jit-permissions="controls">  #shadow-root (open)
 *     <section part="panel" lang dir aria-labelledby="jp-panel-title"> <h2 id="jp-panel-title" part="panel-title">
 *       <ul part="list" aria-labelledby="jp-panel-title">
 *         <li part="row" data-capability="camera" data-state="granted" data-grant="one-time" data-reason data-in-use>
 *           <svg part="icon"> <span part="name"> <span part="state"> <span part="detail">
 *           <time part="time-left" datetime="PT15H59M"> <span part="in-use"> <span part="history">
 *           <button data-action="revoke" data-capability="camera" aria-label="Revoke Camera"
 *               aria-describedby="jp-revoke-hint" part="button revoke"> (reset, help)
 *       <div role="status" part="announcement">   (visually hidden: "Camera: Ask" when a state changes)
 * A button that does not apply has aria-disabled="true" (it stays focusable, so focus is never lost while the
 * panel updates) and does nothing; the help button shows while something outside the site blocks the capability
 * (the browser, the device, the frame).
 */
function panel(parent, host, view) {
  const { lang, strings: s } = view;
  const [hostEl, root] = shadowHost('controls', parent);
  const section = el(root, 'section', { class: 'jp-panel', part: 'panel', lang, dir: dirOf(lang), 'aria-labelledby': 'jp-panel-title' });
  el(section, heading(view), { id: 'jp-panel-title', class: 'jp-panel-title', part: 'panel-title' }, s.panelTitle);
  const list = el(section, 'ul', { class: 'jp-list', part: 'list', 'aria-labelledby': 'jp-panel-title' });
  for (const a of ['revoke', 'reset']) el(section, 'p', { id: `jp-${a}-hint`, hidden: '' }, s[`${a}Hint`]);
  const announce = el(section, 'div', { role: 'status', class: 'jp-sr', part: 'announcement' });
  const bound = new Map(); // button -> [action, capability]
  const rows = CAPS.map((cap) => {
    const li = el(list, 'li', { class: 'jp-row', part: 'row', 'data-capability': cap });
    icon(li, cap);
    const info = el(li, 'div', { class: 'jp-info' });
    const name = s[`${cap}Name`];
    el(info, 'span', { class: 'jp-name', part: 'name' }, name);
    const span = (cls, part, tag = 'span') => el(info, tag, { class: cls, part });
    const row = {
      li, name, state: span('jp-state', 'state'), detail: span('jp-detail', 'detail'), time: span('jp-time', 'time-left', 'time'),
      live: span('jp-live', 'in-use'), history: span('jp-detail', 'history'),
    };
    row.live.textContent = s.inUseNow;
    const actions = el(li, 'div', { class: 'jp-actions' });
    for (const action of ['revoke', 'reset', 'help']) {
      row[action] = el(actions, 'button', {
        type: 'button', class: 'jp-btn', part: `button ${action}`, 'data-action': action, 'data-capability': cap,
        'aria-label': fill(s[`${action}Label`], { name }), 'aria-describedby': action === 'help' ? null : `jp-${action}-hint`,
      }, s[action]);
      bound.set(row[action], [action, cap]);
    }
    return row;
  });
  let statuses = CAPS.map((name) => ({ name, state: 'prompt', grant: null, expiresAt: null, reason: null }));
  let said = null;
  let timer = null;
  const now = () => {
    const t = typeof host.now === 'function' ? Number(host.now()) : NaN;
    return Number.isFinite(t) && t > 0 ? t : Date.now();
  };
  const words = (st) => s[{ granted: 'stateGranted', denied: 'stateDenied' }[st.state] || 'statePrompt'];
  const when = (t) => {
    try {
      return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(t);
    } catch {
      return new Date(t).toLocaleString();
    }
  };

  const renderTime = (row, st, at) => {
    const expiry = oneTimeExpiry(st);
    const [text, iso] = expiry == null ? ['', null] : duration(expiry - at, s);
    setText(row.time, expiry == null ? '' : fill(s.expiresIn, { time: text }));
    setAttr(row.time, 'datetime', iso);
    setAttr(row.time, 'hidden', expiry == null ? '' : null);
  };

  // `record`: remember what each row said, to announce what changes from then on (not on the first render or
  // the first update, which show the panel as it is).
  const render = (record) => {
    const at = now();
    const focused = root.activeElement;
    setAttr(hostEl, 'data-scheme', pageScheme(parent));
    const changes = [];
    const keys = [];
    rows.forEach((row, i) => {
      const st = statuses[i];
      const granted = st.state === 'granted';
      const deniedBy = st.state === 'denied' ? st.reason : null;
      setAttr(row.li, 'data-state', st.state);
      setAttr(row.li, 'data-grant', granted ? st.grant : null);
      setAttr(row.li, 'data-reason', deniedBy);
      setAttr(row.li, 'data-in-use', st.inUse ? '' : null);
      setText(row.state, words(st));
      const detail = granted && st.grant ? s[st.grant === 'one-time' ? 'grantOneTime' : 'grantPersistent']
        : (deniedBy && s[REASONS[deniedBy]]) || '';
      setText(row.detail, detail);
      setAttr(row.detail, 'hidden', detail ? null : '');
      renderTime(row, st, at);
      setAttr(row.live, 'hidden', st.inUse ? null : '');
      const choice = st.lastDecision && (st.lastDecision === 'dismiss' ? s.dismissed
        : s[st.lastDecision.replace(/-(\w)/g, (_, c) => c.toUpperCase())]);
      setText(row.history, choice && st.decidedAt != null ? fill(s.lastChoice, { choice, time: when(st.decidedAt) }) : s.notAsked);
      setAttr(row.revoke, 'aria-disabled', granted ? null : 'true');
      setAttr(row.reset, 'aria-disabled', granted || deniedBy === 'user' || deniedBy === 'embargo' ? null : 'true');
      const help = deniedBy === 'browser' || deniedBy === 'system' || deniedBy === 'policy';
      setAttr(row.help, 'hidden', help ? null : '');
      if (!help && focused === row.help) row.reset.focus();
      const key = `${st.state} ${deniedBy}`;
      if (said && said[i] !== key) changes.push(`${row.name}: ${words(st)}${detail && !granted ? ` (${detail})` : ''}`);
      keys[i] = key;
    });
    if (record) said = keys;
    // Changes of state are announced (never the time left, which changes every minute).
    if (changes.length) announce.textContent = changes.join('. ');
  };

  root.addEventListener('click', (e) => {
    if (!e.isTrusted) return;
    const button = e.target.closest('button');
    // What a button does, and for which capability, is bound in code, never read back from its attributes.
    const [action, cap] = bound.get(button) || [];
    if (!action || button.getAttribute('aria-disabled') === 'true') return;
    if (typeof host[action] === 'function') host[action](cap);
  });

  render();
  attach(parent, hostEl);
  return {
    update(next) {
      statuses = CAPS.map((name, i) => (next && next[i]) || statuses[i]);
      render(true);
      const counting = statuses.some((st) => oneTimeExpiry(st) != null);
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

// ---- the in-use indicator ----------------------------------------------------------------------------------

/**
 * The in-use indicator (see the interface at the top). DOM:
 *   <div data-jit-permissions="indicator">  #shadow-root (open)
 *     <div part="indicator" lang dir aria-hidden="true" hidden?> <svg part="icon">...
 *       <span part="indicator-text">In use: Camera
 *     <div role="status" part="announcement">   (visually hidden: "In use: Camera", "No longer in use: Camera")
 */
function indicator(parent, view) {
  const { lang, strings: s } = view;
  const [hostEl, root] = shadowHost('indicator', parent || document.body);
  const attrs = { lang, dir: dirOf(lang) };
  // What it shows is what its status region says: the region speaks, the badge is for the eyes.
  const box = el(root, 'div', {
    class: parent ? 'jp-ind' : 'jp-ind jp-float', part: 'indicator', hidden: '', 'aria-hidden': 'true', ...attrs,
  });
  const icons = el(box, 'span', { class: 'jp-icons' });
  const text = el(box, 'span', { part: 'indicator-text' });
  const live = el(root, 'div', { role: 'status', class: 'jp-sr', part: 'announcement', ...attrs });
  const say = (key, caps) => (caps.length ? fill(s[key], { names: list(caps.map((c) => s[`${c}Name`]), lang) }) : '');
  let on = [];
  let said = [];
  let timer = 0;
  attach(parent || document.body, hostEl);
  return {
    update(statuses) {
      const now = (statuses || []).filter((st) => (st.name === 'camera' || st.name === 'microphone') && st.inUseHere).map((st) => st.name);
      if (now.join() === on.join()) return;
      on = now;
      setAttr(hostEl, 'data-scheme', pageScheme(parent || document.body));
      box.hidden = !now.length;
      icons.replaceChildren();
      for (const c of now) icon(icons, c);
      text.textContent = say('inUse', now);
      // Announced a moment later, once for changes that come together (a call's two tracks), and so that a region
      // just added to the page is known to assistive technology when its text changes.
      clearTimeout(timer);
      timer = setTimeout(() => {
        const message = [say('inUse', on.filter((c) => !said.includes(c))), say('notInUse', said.filter((c) => !on.includes(c)))]
          .filter(Boolean).join('. ');
        said = on;
        if (message) live.textContent = message;
      }, 150);
    },
    destroy() {
      clearTimeout(timer);
      hostEl.remove();
    },
  };
}

/** The interface the runtime calls (src/runtime/tasks.js): the built-in strings and the four views. */
export const ui = { en, prePrompt, recovery, panel, indicator };
