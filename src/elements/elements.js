// The capability elements of jit-permissions: <jit-geolocation>, <jit-usermedia>, <jit-camera> and <jit-microphone>,
// the library's counterparts of the browser's own <geolocation> (Chrome 144), <usermedia> (Chrome 151), <camera> and
// <microphone> (Chrome 153): a button the person clicks to start a task, whose click the page cannot fake.
//
// Native first. Where the browser defines the element (HTMLGeolocationElement, HTMLUserMediaElement,
// HTMLCameraElement, HTMLMicrophoneElement: found by feature, never by user agent), the element renders it in its
// shadow root, passes its events on, and feeds what it delivers to the engine: a position or a stream after the
// person's click is the capability's own call succeeding (evidence), and a one-time grant (Allow this time) where the
// library had none, because the page cannot see which choice the person made in the browser's prompt and a one-time
// grant is the smaller claim; a dismissal of the browser's prompt is a dismissal. So one-time expiry, the controls
// panel and the audit cover it, and an expiry stops its tracks (and its location watch). Only trusted events of the
// browser's element now inside count, and a result is the person's request only after a click it accepted.
//
// Elsewhere, the library's own button: an icon and a label in the element's language, themeable with --jp-* custom
// properties and ::part(button | icon | label), styled by a constructed stylesheet (strict CSP). It keeps the
// browser's guards against tricked clicks and reports them with the browser's `invalidReason` names and a
// `validationstatuschange` event: only a trusted click counts (a key press only where the person moved the focus);
// none within 500 ms of being inserted or moved; none while covered, clipped or out of view (IntersectionObserver
// with trackVisibility where it exists, and hit tests that also see covers with pointer-events: none), or it or an
// ancestor (through slots) translucent, filtered, masked, blended or transformed; none while its label's text and
// the button's background contrast is under 3:1, a colour is not opaque, or the label's font size is outside
// small..xx-large. The guards judge what is painted: the button and the label as the site styled them through
// ::part(), checked every frame in view; what the browser's element would not take, the site cannot set. A guard
// that stops holding stays for 500 ms more, as in the browser. A valid click goes straight to the tasks' gated call (src/runtime/tasks.js): the pre-prompt when
// needed (a site-level Don't allow is reconsidered, and an embargo lifted: the click is the person's own request),
// the recovery help when the browser blocks it (the call goes on once unblocked), the browser's request from the
// click, the queue, the audit and the one-time rules, as any gated call.
//
// Not in the first load: a page that uses the elements imports the npm entry `jit-permissions/elements`
// (js/elements.js), to which the controller hands its runtime (module to module: no handle the page can reach gives
// it); the Rust API's `Permissions::define_elements()` gives it its own. Every rule stays the engine's: this module
// only renders, listens and calls.

// The engine's codes, from their one definition (codes.js: side-effect free, so only these names come along).
import { ACCESS_GRANTED, ALLOW_ONCE, CAMERA, DECISION, DISMISS, GEOLOCATION, MICROPHONE, NAMES, RESET } from '../runtime/codes.js';

/** The masks (bit 1 << capability) of geolocation, the camera and the microphone. */
const GEO = 1 << GEOLOCATION, CAM = 1 << CAMERA, MIC = 1 << MICROPHONE;
/** The capabilities of a mask (bit 1 << capability). */
const caps = (m) => [CAMERA, MICROPHONE, GEOLOCATION].filter((i) => m & (1 << i));

/** How long a guard holds after its cause: being inserted or moved, or a condition that ended (the browser's). */
const DELAY = 500;
const CLIPPED = 'intersection_out_of_viewport_or_clipped', COVERED = 'intersection_occluded_or_distorted';
const STYLE = 'style_invalid', MOVED = 'intersection_changed', ATTACHED = 'recently_attached', TYPE = 'type_invalid';
const REGISTRATION = 'unsuccessful_registration', FRAME = 'illegal_subframe';
/** The reasons, in the browser's order: the first that holds is `invalidReason`. */
const REASONS = [TYPE, FRAME, REGISTRATION, ATTACHED, MOVED, CLIPPED, COVERED, STYLE];
/** At most this many elements of one capability count in a page (the browser's registration limit). */
const PER_CAPABILITY = 3;
/** The browser's element of each capability mask (geolocation 4; camera 1, microphone 2, both 3), and its interface. */
const NATIVE = { [GEO]: 'geolocation Geolocation', [CAM]: 'camera Camera', [MIC]: 'microphone Microphone', [CAM | MIC]: 'usermedia UserMedia' };
/** Labels by language: location, camera, microphone, camera and microphone. */
const LABELS = {
  en: ['Use location', 'Use camera', 'Use microphone', 'Use camera and microphone'],
  de: ['Standort verwenden', 'Kamera verwenden', 'Mikrofon verwenden', 'Kamera und Mikrofon verwenden'],
  fr: ['Utiliser ma position', 'Utiliser la caméra', 'Utiliser le micro', 'Utiliser la caméra et le micro'],
  es: ['Usar mi ubicación', 'Usar la cámara', 'Usar el micrófono', 'Usar la cámara y el micrófono'],
  ja: ['位置情報を使用', 'カメラを使用', 'マイクを使用', 'カメラとマイクを使用'],
};
/** Icons (24x24 strokes, as in the dialogs): location, camera, microphone; a blocked one gets a slash. */
const ICONS = [
  'M12 21s-7-7-7-12a7 7 0 0 1 14 0c0 5-7 12-7 12zM12 6.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z',
  'M3 7h12v10H3zM15 10.5 21 7v10l-6-3.5',
  'M9 6a3 3 0 0 1 6 0v5a3 3 0 0 1-6 0zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8',
];
const SLASH = 'M3 3l18 18';
/** Its own button: the accent colours of the dialogs, and two hidden probes for the allowed font sizes. */
const CSS = ':host{display:inline-block;vertical-align:middle;max-width:100%;--_bg:var(--jp-accent,#0b57d0);--_fg:var(--jp-accent-fg,#fff)}'
  + '@media (prefers-color-scheme:dark){:host{--_bg:var(--jp-accent,#a8c7fa);--_fg:var(--jp-accent-fg,#062e6f)}}'
  + ':host([hidden]){display:none}'
  + 'button{display:inline-flex;align-items:center;gap:.5em;box-sizing:border-box;min-height:2.75em;margin:0;'
  + 'padding:.5em 1.25em;border:0;border-radius:var(--jp-radius,999px);background:var(--_bg);color:var(--_fg);'
  + 'font:600 1em/1.2 var(--jp-font,system-ui,sans-serif);max-width:100%;text-align:start;cursor:pointer}'
  + 'button:focus-visible{outline:3px solid var(--jp-focus,var(--_bg));outline-offset:2px}'
  + 'svg{flex:none;width:1.25em;height:1.25em;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}'
  + 'i{position:absolute;visibility:hidden;font-size:small}i+i{font-size:xx-large}'
  // The browser's limits for its own element, here for the library's button: what the site's ::part() rules cannot
  // change (an important declaration of the shadow tree wins over the page's, important or not). What the person
  // sees of the button stays whole: no generated content over it, the label as the button draws it, no effect that
  // hides, fades, clips, masks, blends, moves or shrinks it. The rest (colours, size, spacing) the guards judge.
  + ':host::before,:host::after,button::before,button::after,button ::before,button ::after{content:none!important;display:none!important}'
  + 'button,button *{opacity:1!important;visibility:inherit!important;filter:none!important;backdrop-filter:none!important;'
  + 'mask:none!important;-webkit-mask:none!important;clip-path:none!important;mix-blend-mode:normal!important;'
  + 'transform:none!important;rotate:none!important;scale:none!important;translate:none!important;zoom:1!important;'
  + 'text-indent:0!important;-webkit-text-fill-color:currentcolor!important;-webkit-text-stroke:0!important;text-shadow:none!important;'
  + 'position:static!important;cursor:pointer!important;pointer-events:auto!important;content-visibility:visible!important}'
  + 'span{color:inherit!important;font:inherit!important;display:inline!important;overflow:visible!important;margin:0!important;padding:0!important}'
  + 'button{display:inline-flex!important}'
  // And on the element itself, what the browser's element does not apply (WPT invalid-css-properties).
  + ':host{filter:none!important;clip-path:none!important;mask:none!important;-webkit-mask:none!important;'
  + 'transform:none!important;rotate:none!important;scale:none!important;content-visibility:visible!important;'
  + 'contain:none!important;cursor:pointer!important;background-image:none!important;border-image:none!important}';
const EVENTS = ['promptaction', 'promptdismiss', 'validationstatuschange'];

/** Each element's state (module-private: the elements' public API is only what the browser's elements have). */
const all = new WeakMap();
const S = (el) => all.get(el);
const now = () => performance.now();
const fire = (el, type) => el.dispatchEvent(new Event(type, { bubbles: !/^(stream|cancel|error)$/.test(type), cancelable: true }));

// ---- The page's runtime: asked for once the page has loaded (so that the site's own install(options), made while
// the page loads, comes first), or at the first click; then the tasks and the UI load, before anyone clicks.

let source = null;
let runtime = null;
/** The runtime once it is known: an element inserted after that knows its state at once (initialPermissionStatus). */
let known = null;
function rtOf() {
  if (!runtime) {
    runtime = Promise.resolve().then(source);
    runtime.then((rt) => { known = rt; rt.tasks().catch(() => {}); }, () => { runtime = null; });
  }
  return runtime;
}
const loaded = typeof document === 'undefined' ? null : new Promise((resolve) => {
  const go = () => setTimeout(resolve);
  if (document.readyState === 'complete') go();
  else addEventListener('load', go, { once: true });
});

// ---- Where the page may have the elements: not in a fenced frame, and in a frame of another origin than the top
// only where the page's own policy has a `frame-ancestors` directive (the browser's rule: without one, any site
// could frame the page and put its button under the person's pointer).

/** 'ok', 'illegal' or 'pending' (the page's policy being read); asked once, when the first element connects. */
let framing = '';

/** Whether a frame between this document and the top is of another origin. */
function crossOriginToTop() {
  if (window.top === window) return false;
  const list = location.ancestorOrigins; // Chromium and WebKit
  if (list && list.length) return [...list].some((o) => o !== location.origin);
  // Elsewhere (Firefox): an ancestor whose location this document cannot read is of another origin.
  for (let w = window.parent; ; w = w.parent) {
    try {
      if (w.location.origin !== location.origin) return true;
    } catch {
      return true;
    }
    if (w === w.parent) return false;
  }
}

/** Whether the page's enforced Content-Security-Policy has a frame-ancestors directive (its own header, read again). */
async function hasFrameAncestors() {
  try {
    const r = await fetch(location.href, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' });
    // Several policies come joined by commas; a <meta> policy cannot carry frame-ancestors, a report-only one does not enforce.
    return (r.headers.get('content-security-policy') || '').split(',')
      .some((policy) => policy.split(';').some((d) => d.trim().split(/\s+/)[0].toLowerCase() === 'frame-ancestors'));
  } catch {
    return false;
  }
}

/** Starts the check once: a fenced frame is illegal at once, a cross-origin frame once its policy is read. */
function checkFraming() {
  if (framing) return;
  if (globalThis.fence) { framing = 'illegal'; return; } // window.fence: non-null only in a fenced frame
  if (!crossOriginToTop()) { framing = 'ok'; return; }
  framing = 'pending';
  hasFrameAncestors().then((yes) => {
    framing = yes ? 'ok' : 'illegal';
    if (!yes) console.warn('jit-permissions: the capability elements are not allowed in a frame of another origin than the top without the Content-Security-Policy frame-ancestors directive (illegal_subframe)');
    for (const s of live) validate(s);
  });
}

// ---- What it asks for.

/** The capabilities (a mask): geolocation, or the `type` of a usermedia element (absent: both; 0: not valid). */
function maskOf(s) {
  if (s.geo) return GEO;
  if (s.fixed) return s.fixed;
  const type = s.type === undefined ? s.el.getAttribute('type') : s.type;
  if (type === null) return CAM | MIC;
  let m = 0;
  for (const word of type.trim().split(/\s+/)) {
    const i = NAMES.indexOf(word);
    if (i !== CAMERA && i !== MICROPHONE) return 0;
    m |= 1 << i;
  }
  return m;
}

/** The browser's own element for this mask, where the browser defines it. */
function nativeTag(m) {
  const [tag, name] = (NATIVE[m] || '').split(' ');
  const C = name && globalThis[`HTML${name}Element`];
  return typeof C === 'function' && document.createElement(tag) instanceof C ? tag : null;
}

/** The language of the element (its own or an ancestor's `lang`), else the library's. */
function labelOf(s) {
  let lang = '';
  for (let n = s.el; n && !lang; n = n.parentElement || n.getRootNode().host) lang = n.lang;
  const table = LABELS[String(lang || (s.rt && s.rt.locale) || navigator.language || '').split(/[-_]/)[0].toLowerCase()] || LABELS.en;
  return table[s.geo ? 0 : maskOf(s) || 3];
}

// ---- Rendering: the browser's element, or the library's own button.

let sheet = null;

function render(s) {
  const m = maskOf(s);
  const tag = nativeTag(m);
  const key = `${tag || m} ${tag ? '' : labelOf(s)}`;
  if (key === s.key) return;
  s.key = key;
  if (s.native) {
    // A replaced browser's element ends its watch, and nothing it reports later counts (fromNative).
    if (s.geo) s.native.watch = false;
    s.native.remove();
  }
  s.native = null;
  s.icon = null;
  const root = s.root;
  if (!m) {
    // Not a valid type: the element's own children show (its fallback), as the browser's element does.
    root.replaceChildren(document.createElement('slot'));
    return;
  }
  if (tag) {
    const n = document.createElement(tag);
    n.setAttribute('part', 'native');
    if (s.geo) n.watch = s.el.watch;
    else if (s.constraints) nativeConstraints(s, n);
    for (const type of [...EVENTS, 'location', 'stream', 'track', 'cancel', 'error']) n.addEventListener(type, (e) => fromNative(s, n, e));
    root.replaceChildren(n);
    s.native = n;
    return;
  }
  const button = document.createElement('button');
  button.type = 'button';
  button.setAttribute('part', 'button');
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  for (const [k, v] of [['viewBox', '0 0 24 24'], ['aria-hidden', 'true'], ['focusable', 'false'], ['part', 'icon']]) svg.setAttribute(k, v);
  const label = document.createElement('span');
  label.setAttribute('part', 'label');
  label.textContent = labelOf(s);
  button.append(svg, label);
  root.replaceChildren(button, document.createElement('i'), document.createElement('i'));
  s.icon = svg;
  s.drawn = null;
  paint(s);
}

/** The icon: the capability's, crossed out while the browser or the system blocks it. */
function paint(s) {
  const m = maskOf(s);
  const d = [ICONS[m & 4 ? 0 : m & 1 ? 1 : 2]];
  if (s.blocked) d.push(SLASH);
  if (!s.icon || s.drawn === d.join()) return;
  s.drawn = d.join();
  s.icon.replaceChildren(...d.map((p) => {
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', p);
    return path;
  }));
}

function setState(s, name, on) {
  try { s.internals.states[on ? 'add' : 'delete'](name); } catch { /* no custom states here */ }
}

// ---- The guards of the library's own button.

/** A guard that holds now (Infinity), or that held until now: it stays DELAY ms more. */
function hold(s, reason, on) {
  if (on) s.blockers.set(reason, Infinity);
  else if (s.blockers.get(reason) === Infinity) s.blockers.set(reason, now() + DELAY);
}

/** The reason that blocks a click now ('' when valid), from what the checks found. */
function reasonOf(s) {
  if (!s.io) return '';
  const t = now();
  return REASONS.find((k) => s.blockers.get(k) > t) || '';
}

/**
 * Checks what no event reports (a move, a cover, the style) and returns the reason that blocks a click now ('' when
 * valid), firing `validationstatuschange` when validity or the reason changed since last told. `full` adds the hit
 * test that also sees covers with `pointer-events: none` (a style recalculation of the page: not every frame).
 */
function validate(s, full = true) {
  const el = s.el;
  const on = Boolean(s.io && el.isConnected);
  if (on) {
    const r = el.getBoundingClientRect();
    const rect = `${r.x} ${r.y} ${r.width} ${r.height}`;
    if (s.rect && s.rect !== rect) s.blockers.set(MOVED, now() + DELAY);
    s.rect = rect;
    if (s.native) pass(s);
    else if (full) clamp(s);
    const style = s.native ? '' : looks(s);
    if (full) s.cover = !s.native && covered(s, r);
    hold(s, COVERED, s.unseen || style === COVERED || s.cover);
    hold(s, STYLE, style === STYLE);
    hold(s, TYPE, !maskOf(s));
    hold(s, FRAME, framing !== 'ok');
    hold(s, REGISTRATION, !registered(s));
  }
  const reason = reasonOf(s);
  s.reason = reason;
  // A hold that ends while no frame checks the element (out of view, hidden page): checked again when it ends.
  const t = now(), next = Math.min(...[...s.blockers.values()].filter((x) => x > t && x !== Infinity));
  if (on && next !== Infinity && next !== s.next) {
    s.next = next;
    clearTimeout(s.timer);
    s.timer = setTimeout(() => validate(s, false), next - t + 1);
  }
  const told = `${on && !reason} ${reason}`;
  if (told !== s.told) {
    s.told = told;
    setState(s, 'invalid', Boolean(reason));
    if (!(s.native && 'isValid' in s.native)) fire(el, 'validationstatuschange');
  }
  return reason;
}

/** Whether the element is among the first PER_CAPABILITY connected elements of each of its capabilities. */
function registered(s) {
  const m = maskOf(s);
  return caps(m).every((i) => {
    let n = 0;
    for (const o of live) {
      if (o === s) return true;
      if (caps(maskOf(o)).includes(i)) n++;
      if (n >= PER_CAPABILITY) return false;
    }
    return true;
  });
}

/** The probe of the hit test: every box of the page takes hits, `pointer-events: none` or not. */
let probe = null;

/**
 * Covered where a hit test does not reach the element: a grid of 15 points, 4 px in, with the page's covers made to
 * take hits for the test (a cover with `pointer-events: none` is still seen).
 */
function covered(s, r) {
  const el = s.el;
  const root = el.getRootNode();
  // A copy: the page's list is live where it is an ObservableArray.
  const sheets = [...(document.adoptedStyleSheets || [])];
  let probed = false;
  try {
    if (!probe) {
      probe = new CSSStyleSheet();
      // In a layer: an important declaration in a layer wins over the page's unlayered important ones.
      probe.replaceSync('@layer jit-permissions-probe{*,*::before,*::after{pointer-events:auto!important}}');
    }
    document.adoptedStyleSheets = [...sheets, probe];
    probed = true;
  } catch { /* no constructable stylesheets: the plain hit test */ }
  try {
    for (const fy of [0, 0.5, 1]) {
      for (const fx of [0, 0.25, 0.5, 0.75, 1]) {
        const px = r.left + 4 + fx * (r.width - 8), py = r.top + 4 + fy * (r.height - 8);
        if (px < 0 || py < 0 || px >= innerWidth || py >= innerHeight) continue; // out of view: the clip guard's
        const hit = root.elementFromPoint(px, py);
        if (hit !== el && !el.contains(hit)) return true;
      }
    }
    return false;
  } finally {
    if (probed) document.adoptedStyleSheets = sheets;
  }
}

/** What the clamps wrote on the button and the label: the only inline style they have (set here, nowhere else). */
const px = (v) => parseFloat(v) || 0;

/**
 * The browser's clamps for its own element (geolocation-element.bs "style bounds", Chromium's AdjustStyle), on the
 * library's button as the site styled it through ::part(): a value out of bounds is brought to the bound, not
 * judged invalid. Outline offset and margins at least 0, font weight at least 200, font style normal or italic,
 * word spacing 0..0.5em and letter spacing -0.05em..0.2em (the button's and the label's), min-height at least 1em,
 * max-height at most 3em (where the site set one), border widths at most 1em, side paddings at most 5em. Each check
 * reads the site's values with the clamps taken off and puts them back in the same task (nothing is painted
 * between), as important inline declarations of the shadow tree, which win over the page's ::part() rules.
 */
function clamp(s) {
  const button = s.root.querySelector('button');
  if (!button) return;
  const label = /** @type {HTMLElement} */ (button.querySelector('[part="label"]'));
  const was = button.style.cssText + label.style.cssText;
  button.removeAttribute('style');
  label.removeAttribute('style');
  const b = getComputedStyle(button), l = getComputedStyle(label);
  const em = px(b.fontSize), lem = px(l.fontSize);
  const want = [];
  const put = (n, prop, value) => want.push([n, prop, value]);
  if (px(b.outlineOffset) < 0) put(button, 'outline-offset', '0px');
  for (const side of ['top', 'right', 'bottom', 'left']) {
    if (px(b.getPropertyValue(`margin-${side}`)) < 0) put(button, `margin-${side}`, '0px');
    if (px(b.getPropertyValue(`border-${side}-width`)) > em) put(button, `border-${side}-width`, `${em}px`);
  }
  for (const side of ['left', 'right']) if (px(b.getPropertyValue(`padding-${side}`)) > 5 * em) put(button, `padding-${side}`, `${5 * em}px`);
  if (px(b.fontWeight) < 200) put(button, 'font-weight', '200');
  if (!/^(normal|italic)$/.test(b.fontStyle)) put(button, 'font-style', 'normal');
  for (const [n, c, size] of [[button, b, em], [label, l, lem]]) {
    const word = px(c.wordSpacing), letter = px(c.letterSpacing);
    if (word < 0 || word > 0.5 * size) put(n, 'word-spacing', `${Math.min(Math.max(word, 0), 0.5 * size)}px`);
    if (letter < -0.05 * size || letter > 0.2 * size) put(n, 'letter-spacing', `${Math.min(Math.max(letter, -0.05 * size), 0.2 * size)}px`);
  }
  if (px(b.minHeight) < em) put(button, 'min-height', `${em}px`);
  if (b.maxHeight !== 'none' && px(b.maxHeight) > 3 * em) put(button, 'max-height', `${3 * em}px`);
  for (const [n, prop, value] of want) n.style.setProperty(prop, value, 'important');
  if (button.style.cssText + label.style.cssText !== was) s.rect = null; // a clamp that changed the size is not a move
}

/** The element's box in the composed tree: its slot where it is slotted, else its parent, else its shadow host. */
const up = (n) => n.assignedSlot || n.parentElement || (n.parentNode && n.parentNode.host) || null;
const set = (v) => v && v !== 'none' && v !== 'normal';

/**
 * What the person sees of the library's own button: COVERED when it or an ancestor (through slots) is translucent,
 * filtered, blended, masked, clipped, shrunk or transformed other than a move or an even enlargement; STYLE when the
 * label is hidden, too small or too large, out of the button, not opaque, under 3:1 against the button, the button's
 * background is an image or not opaque, or the host, the button or the label has generated content. '' when fine.
 */
function looks(s) {
  const button = s.root.querySelector('button');
  if (!button) return '';
  const label = button.querySelector('[part="label"]');
  for (let n = label; n; n = up(n)) {
    const c = getComputedStyle(n);
    // A move and an even enlargement are fine; anything else changes what the person sees.
    const m = /^matrix\(([\d.]+), 0, 0, ([\d.]+),/.exec(c.transform);
    const even = c.transform === 'none' || (m && m[1] === m[2] && m[1] >= 1);
    if (c.opacity < 1 || set(c.filter) || !even || set(c.rotate) || (set(c.scale) && !(/^[\d.]+$/.test(c.scale) && c.scale >= 1))
      || set(c.clipPath) || (c.mixBlendMode && c.mixBlendMode !== 'normal') || (c.zoom && parseFloat(c.zoom) < 1)) return COVERED;
    if (set(c.maskImage) || set(c.webkitMaskImage) || set(c.webkitMaskBoxImageSource)) return STYLE;
  }
  // The element's own box: as the browser's, block or inline-level block or flex (WPT display-values).
  if (!/^(block|inline-block|flex|inline-flex|none)$/.test(getComputedStyle(s.el).display)) return STYLE;
  for (const [n, pseudo] of [[s.el, '::before'], [s.el, '::after'], [button, '::before'], [button, '::after'], [label, '::before'], [label, '::after']]) {
    if (set(getComputedStyle(n, pseudo).content)) return STYLE;
  }
  const b = getComputedStyle(button), l = getComputedStyle(label);
  const [small, large] = [...s.root.querySelectorAll('i')].map((i) => parseFloat(getComputedStyle(i).fontSize));
  const size = parseFloat(l.fontSize);
  const fg = rgba(l.color), bg = rgba(b.backgroundColor);
  const fill = !l.webkitTextFillColor || /currentcolor/i.test(l.webkitTextFillColor) ? fg : rgba(l.webkitTextFillColor);
  const [x, y] = [luminance(fg), luminance(bg)].sort((p, q) => q - p);
  const br = button.getBoundingClientRect(), lr = label.getBoundingClientRect();
  return l.visibility !== 'visible' || b.visibility !== 'visible' || size < small - 0.01 || size > large + 0.01
    || fg[3] < 255 || fill[3] < 255 || fill.join() !== fg.join() || bg[3] < 255 || set(b.backgroundImage) || (x + 0.05) / (y + 0.05) < 3
    || lr.width < 1 || lr.height < size / 2 || lr.left < br.left - 1 || lr.right > br.right + 1 || lr.top < br.top - 1 || lr.bottom > br.bottom + 1
    || (l.overflow !== 'visible' && label.scrollWidth > label.clientWidth + 1) || parseFloat(l.textIndent) !== 0
    ? STYLE : '';
}

/**
 * The site's styles of the library's element reach the browser's element inside it, so that the browser judges
 * them (contrast, size) as it would on its own element: a background set on the element, and a colour, font or
 * spacing the element has apart from its parent's.
 */
function pass(s) {
  const n = s.native, c = getComputedStyle(s.el);
  const parent = up(s.el);
  const p = parent && getComputedStyle(parent);
  for (const k of ['backgroundColor', 'color', 'fontSize', 'fontWeight', 'fontFamily', 'letterSpacing', 'wordSpacing']) {
    const own = k === 'backgroundColor' ? rgba(c[k])[3] > 0 : !p || c[k] !== p[k];
    const css = k.replace(/[A-Z]/g, (x) => `-${x.toLowerCase()}`);
    if (own) { if (n.style.getPropertyValue(css) !== c[k]) n.style.setProperty(css, c[k]); } else if (n.style.getPropertyValue(css)) n.style.removeProperty(css);
  }
}

let pixel = null;
/** A computed colour as sRGB bytes [r, g, b, a], whatever its notation (drawn on a 1x1 canvas). */
function rgba(color) {
  pixel ||= document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  pixel.clearRect(0, 0, 1, 1);
  pixel.fillStyle = color;
  pixel.fillRect(0, 0, 1, 1);
  return pixel.getImageData(0, 0, 1, 1).data;
}

/** WCAG relative luminance. */
function luminance(c) {
  return [0.2126, 0.7152, 0.0722].reduce((sum, w, i) => {
    const v = c[i] / 255;
    return sum + w * (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  }, 0);
}

// While an element is in view, its checks run every frame (a cover or a style painted even once is seen, and then
// holds 500 ms), with the full hit test four times a second and at once on any change of the page's tree, and on
// any transition or animation; off screen the observer reports.

/** The connected elements, in the order they were connected. */
const live = new Set();
let frame = 0, lastFull = 0, watching = false;
function tick() {
  frame = 0;
  // Only while an element is in view and the page is shown (the observer and visibilitychange start it again).
  if (document.visibilityState !== 'visible' || ![...live].some((s) => s.seen)) return;
  const full = now() - lastFull >= 250;
  if (full) lastFull = now();
  for (const s of live) if (s.seen) validate(s, full);
  frame = requestAnimationFrame(tick);
}
function recheck() {
  for (const s of live) {
    if (!s.native) render(s); // a new `lang` of the element or an ancestor: the label in that language
    if (s.seen) validate(s);
  }
}
function follow() {
  if (!frame && live.size) frame = requestAnimationFrame(tick);
  if (watching) return;
  watching = true;
  new MutationObserver(recheck).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  for (const type of ['transitionrun', 'transitionend', 'animationstart', 'animationend', 'visibilitychange']) {
    document.addEventListener(type, () => { recheck(); follow(); }, true);
  }
}

/** The observer of an element's intersection with the viewport (and of its visibility, where the browser has v2). */
function observe(s) {
  s.io = new IntersectionObserver((entries) => {
    const e = entries[entries.length - 1];
    hold(s, CLIPPED, e.intersectionRatio < 0.99);
    s.unseen = e.isVisible === false && e.intersectionRatio >= 0.99; // IntersectionObserver v2, where it exists
    s.seen = e.isIntersecting;
    follow();
    validate(s);
  }, { rootMargin: '-4px', threshold: [0, 0.99, 1], trackVisibility: true, delay: 100 });
  s.io.observe(s.el);
}

// ---- Whose focus: a key press counts as a click only where the person moved the focus (Tab, or a pointer).

let personal = false;
if (typeof addEventListener === 'function') {
  const mark = (e) => {
    if (!e.isTrusted || (e.type === 'keydown' && e.key !== 'Tab')) return;
    personal = true;
    setTimeout(() => { personal = false; });
  };
  for (const type of ['keydown', 'pointerdown', 'mousedown', 'touchstart']) addEventListener(type, mark, true);
}

// ---- The runtime's state, and the flows.

/** Attaches a connected element to the runtime: reports its state, follows every change, autolocates. */
function attach(s, rt) {
  s.rt = rt;
  if (!s.io) return;
  rt.updates.add(s.update);
  render(s);
  update(s);
  autolocate(s);
}

/** `autolocate`: locates without a click once, while the library reports geolocation granted. */
function autolocate(s) {
  if (s.geo && s.el.autolocate && s.state === 'granted' && !s.located) {
    s.located = true;
    activate(s);
  }
}

/** Follows the library's state: `permissionStatus`, the icon, and what an ended grant stops. */
function update(s) {
  const rt = s.rt;
  const list = caps(maskOf(s)).map((i) => rt.status(i));
  const state = ['denied', 'prompt', 'granted'].find((x) => list.some((st) => st.state === x)) || 'prompt';
  s.state = state;
  s.initial ||= state;
  s.blocked = list.some((st) => st.reason === 'browser' || st.reason === 'system');
  setState(s, 'granted', state === 'granted');
  if (s.io) autolocate(s);
  setState(s, 'denied', state === 'denied');
  paint(s);
  if (state !== 'granted' && s.watching) {
    // The grant ended: the runtime cleared the library's watch; the browser's element is made anew to end its own.
    s.watching = false;
    if (s.native) { s.key = null; render(s); }
  }
}

/** A trusted click on the library's own button, when valid: the task's gated call, its events and its result. */
async function activate(s) {
  if (s.busy) return;
  s.busy = true;
  const el = s.el;
  try {
    const rt = await rtOf();
    const tasks = await rt.tasks();
    const list = caps(maskOf(s));
    rt.check();
    // The person's click asks anew: a pause after repeated dismissals is lifted (audited as a reset).
    for (const i of list) if (rt.status(i).reason === 'embargo') rt.input(RESET, i);
    const before = list.map((i) => rt.status(i));
    let value, error = null;
    try {
      value = await call(s, tasks);
    } catch (e) {
      error = e;
    }
    const answered = list.some((i, k) => rt.status(i).decidedAt !== before[k].decidedAt);
    const blocked = before.some((b) => b.reason === 'browser' || b.reason === 'system');
    const why = error && error.reason;
    // A dismissed pre-prompt, or a recovery help closed while still blocked, is a dismissal; any other answer an action.
    if (why === 'dismissed' || (blocked && !answered && (why === 'browser' || why === 'system'))) fire(el, 'promptdismiss');
    else if (answered || blocked) fire(el, 'promptaction');
    if (why !== 'dismissed' || !s.geo) deliver(s, value, error);
  } catch (e) {
    console.warn('jit-permissions: the element could not start its task:', e);
  } finally {
    s.busy = false;
  }
}

const OPTIONS = { enableHighAccuracy: true };

/** The gated call of the task: a position (once, or a watch), or a stream. */
async function call(s, tasks) {
  // A second click while the element's stream is live makes no second call (as the browser's element).
  if (!s.geo && s.value && s.value.getTracks().some((t) => t.readyState === 'live')) return undefined;
  if (!s.geo) return tasks.getUserMedia(constraintsOf(s), {}, true);
  if (!s.el.watch) return tasks.getCurrentPosition(OPTIONS, {}, true);
  if (s.watching) return undefined;
  s.watch = await tasks.watchPosition((p) => deliver(s, p, null), (e) => deliver(s, undefined, e), OPTIONS, {}, true);
  s.watching = true;
  return undefined;
}

/** A result: `position` or `stream`, or `error`, and the event the browser's element fires for it. */
function deliver(s, value, error) {
  if (value === undefined && !error) return;
  const G = globalThis.GeolocationPositionError;
  if (s.geo && error && !(typeof G === 'function' && error instanceof G)) {
    // A refusal, as the browser's element reports one: a GeolocationPositionError (code 1, PERMISSION_DENIED), with
    // the library's reason and the error itself.
    const e = Object.create(typeof G === 'function' ? G.prototype : Object.prototype);
    for (const [k, v] of Object.entries({ code: 1, message: error.message, reason: error.reason, cause: error, PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 })) {
      Object.defineProperty(e, k, { value: v, enumerable: true });
    }
    error = e;
  }
  s.error = error;
  if (s.geo) {
    s.value = error ? null : value;
    fire(s.el, 'location');
  } else if (error) {
    fire(s.el, error.name === 'NotAllowedError' ? 'cancel' : 'error');
  } else {
    s.value = value;
    fire(s.el, 'stream');
  }
}

/** The constraints of the call: the site's (setConstraints), kept to the element's type. */
function constraintsOf(s) {
  const m = maskOf(s), c = s.constraints || {};
  return { video: m & 1 ? c.video || true : false, audio: m & 2 ? c.audio || true : false };
}

function nativeConstraints(s, n) {
  // Chrome 151's first <usermedia> has no setConstraints (only onstream and onerror): it asks with its own defaults.
  if (typeof n.setConstraints !== 'function') return;
  const c = constraintsOf(s);
  const given = {};
  for (const k of ['video', 'audio']) if (c[k]) given[k] = c[k] === true ? {} : c[k];
  try { n.setConstraints(given); } catch (e) { console.warn('jit-permissions: the browser\'s element refused these constraints:', e); }
}

/**
 * The browser's element reported: its prompt's answer or its result, passed on as the same event on this element.
 * A result after the person's click records a one-time grant where the library had none, and the call's success;
 * its tracks are the library's to stop. A dismissal of its prompt is recorded as one.
 */
async function fromNative(s, n, e) {
  // Only what the browser's element itself reports counts (a script's dispatched event is not trusted), and only
  // from the element now inside (a replaced one's late reports are not this element's).
  if (!e.isTrusted || n !== s.native) return;
  const type = e.type;
  if (type === 'validationstatuschange') {
    if ('isValid' in n) fire(s.el, type);
    return;
  }
  let rt = null;
  try { rt = await rtOf(); } catch { /* no runtime: the events still pass on */ }
  const m = maskOf(s);
  const list = caps(m);
  if (type === 'promptaction' || type === 'promptdismiss') {
    if (rt && type === 'promptdismiss') rt.inputs(list.map((i) => [DECISION, i, DISMISS]));
    fire(s.el, type);
    return;
  }
  const clicked = s.clicked;
  s.clicked = false;
  s.error = n.error || null;
  if (type === 'location' || type === 'stream' || type === 'track') {
    const value = type === 'location' ? n.position : type === 'stream' ? n.stream : n.track && new MediaStream([n.track]);
    if (value && rt) {
      const tasks = await rt.tasks();
      rt.check();
      if (list.some((i) => rt.status(i).state !== 'granted')) {
        // Not asked for: the browser's element went on (a watch) after the library's grant ended.
        if (!clicked) { s.key = null; render(s); return; }
        rt.inputs(list.filter((i) => rt.status(i).state !== 'granted').map((i) => [DECISION, i, ALLOW_ONCE]));
      }
      tasks.learn(m, ACCESS_GRANTED);
      if (type === 'location') s.watching = s.el.watch;
      else for (const t of value.getTracks()) tasks.trackStarted(t.kind === 'audio' ? MICROPHONE : CAMERA, t);
    }
    s.value = value || null;
  }
  fire(s.el, type === 'track' ? 'stream' : type);
}

// ---- The elements.

const Base = typeof HTMLElement === 'function' ? HTMLElement : class {};

class Capability extends Base {
  constructor(geo, fixed = 0) {
    super();
    const s = {
      el: this, geo, fixed, root: this.attachShadow({ mode: 'open', delegatesFocus: true }), blockers: new Map(), told: '',
      on: {}, listeners: {}, value: null, error: null, state: null, initial: null,
    };
    s.update = () => update(s);
    try { s.internals = this.attachInternals(); } catch { /* no ElementInternals */ }
    try {
      if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
      s.root.adoptedStyleSheets = [sheet];
    } catch { /* no constructable stylesheets: unstyled */ }
    s.root.addEventListener('click', (e) => {
      // Only the person's click counts, and only while every guard lets it through; a key press (Enter, Space: a
      // click of detail 0) only where the person moved the focus there, not a script's focus().
      if (!e.isTrusted) return;
      const n = s.native;
      // The browser's element: a click it accepts (valid now) is the person's request; its results may follow.
      if (n) { if (e.target === n && (!('isValid' in n) || n.isValid)) s.clicked = true; return; }
      if (e.target.closest('button') && !validate(s) && (e.detail > 0 || s.focused)) activate(s);
    });
    s.root.addEventListener('focusin', (e) => {
      s.focused = personal;
      // Not focusable by script without user activation (as the browser's element): focus goes back where it was.
      if (!personal && !(navigator.userActivation && navigator.userActivation.isActive)) {
        e.target.blur();
        if (e.relatedTarget && e.relatedTarget.focus) e.relatedTarget.focus();
      }
    });
    s.root.addEventListener('focusout', () => { s.focused = false; });
    all.set(this, s);
  }

  connectedCallback() {
    const s = S(this);
    live.add(s);
    s.blockers.clear();
    s.blockers.set(ATTACHED, now() + DELAY);
    s.rect = null;
    s.located = false;
    checkFraming();
    render(s);
    observe(s);
    validate(s);
    if (s.rt || known) attach(s, s.rt || known);
    else loaded.then(rtOf).then((rt) => attach(s, rt), () => {});
  }

  disconnectedCallback() {
    const s = S(this);
    live.delete(s);
    s.io.disconnect();
    s.io = null;
    s.seen = false;
    // Its pending recheck ends with it (a timer's closure would hold the removed element until it fired).
    clearTimeout(s.timer);
    s.timer = 0;
    s.next = 0;
    validate(s);
    if (s.rt) {
      s.rt.updates.delete(s.update);
      if (s.watching && !s.native) s.rt.clearWatch(s.watch);
    }
    s.watching = false;
  }

  attributeChangedCallback(name, old, value) {
    const s = S(this);
    if (name.startsWith('on')) {
      // An event handler content attribute: the browser compiles it, under the page's policy (see compile()).
      this[name] = value === null ? null : compile(this, value);
      return;
    }
    if (name === 'watch') {
      if (s.native) s.native.watch = this.watch;
      else if (!this.watch && s.watching) {
        // Removing `watch` ends the watch.
        s.watching = false;
        if (s.rt) s.rt.clearWatch(s.watch);
      }
      return;
    }
    if (name === 'autolocate') {
      if (s.rt && s.io) autolocate(s);
      return;
    }
    // `type` is fixed once set (as the browser's): a later change is ignored.
    if (name === 'type') {
      if (s.type !== undefined && s.type !== null) return;
      s.type = value;
    }
    render(s);
    if (s.io) {
      if (s.rt) update(s);
      validate(s);
    }
  }

  /** Whether a click would count now: a plain read of the last check (they run every frame in view; no layout, no event). */
  get isValid() {
    const s = S(this);
    return s.native && 'isValid' in s.native ? s.native.isValid : Boolean(s.io) && !s.reason;
  }

  /** Why a click would not count now (the browser's names), or ''. */
  get invalidReason() {
    const s = S(this);
    return s.native && 'invalidReason' in s.native ? s.native.invalidReason : s.reason || '';
  }

  /** The library's state of the capability when the element first knew it (the smallest of camera and microphone). */
  get initialPermissionStatus() { return S(this).initial || 'prompt'; }

  /** The library's state of the capability now: what `permissions.query()` reports. */
  get permissionStatus() { return S(this).state || 'prompt'; }

  get error() { return S(this).error; }
}

/**
 * Event handler properties (`onlocation` ...) and their content attributes, as the browser's elements have them: a
 * handler runs with the element as `this`, and one that returns false cancels the event.
 */
function handlers(C, names) {
  for (const name of names) {
    Object.defineProperty(C.prototype, `on${name}`, {
      configurable: true,
      get() { return S(this).on[name] || null; },
      set(f) {
        const s = S(this);
        s.on[name] = typeof f === 'function' ? f : null;
        const listener = s.listeners[name];
        if (s.on[name] && !listener) {
          s.listeners[name] = (e) => { const h = s.on[name]; if (h && h.call(this, e) === false) e.preventDefault(); };
          this.addEventListener(name, s.listeners[name]);
        } else if (!s.on[name] && listener) {
          this.removeEventListener(name, listener);
          delete s.listeners[name];
        }
      },
    });
  }
}

/** A detached element of the page's document whose own event handler attribute compiles the site's code. */
let compiler = null;

/**
 * The code of an `on…` content attribute as a function, compiled by the browser itself as an event handler content
 * attribute of a helper element, never by `new Function`: so the page's Content-Security-Policy decides, as for the
 * browser's own elements. Where it does not allow inline handlers ('unsafe-inline', or script-src-attr), the browser
 * refuses it (and reports the violation): the result is null and nothing runs. The function takes `event`; its
 * `this` is the element (the handler calls it so).
 */
function compile(el, code) {
  compiler ||= el.ownerDocument.createElement('div');
  compiler.setAttribute('onclick', code);
  const f = compiler.onclick;
  compiler.removeAttribute('onclick');
  return typeof f === 'function' ? f : null;
}

const GEO_HANDLERS = [...EVENTS, 'location'].map((name) => `on${name}`);
const MEDIA_HANDLERS = [...EVENTS, 'stream', 'cancel', 'error'].map((name) => `on${name}`);

/** `<jit-geolocation>`: the browser's <geolocation> where it has one, the library's own button elsewhere. */
export class JitGeolocationElement extends Capability {
  static observedAttributes = ['watch', 'autolocate', ...GEO_HANDLERS];

  constructor() { super(true); }

  /** The last position, or null. */
  get position() { return S(this).value; }

  get autolocate() { return this.hasAttribute('autolocate'); }
  set autolocate(v) { this.toggleAttribute('autolocate', Boolean(v)); }

  get watch() { return this.hasAttribute('watch'); }
  set watch(v) { this.toggleAttribute('watch', Boolean(v)); }
}


/** `<jit-usermedia type="camera | microphone | camera microphone">`: the browser's element, or the library's own. */
export class JitUserMediaElement extends Capability {
  static observedAttributes = ['type', ...MEDIA_HANDLERS];

  constructor(fixed) { super(false, fixed); }

  /** Whether `type` is a type this element takes: camera, microphone, or both. */
  static isTypeSupported(type) {
    const words = String(type).trim().split(/\s+/);
    return words.every((w) => w === 'camera' || w === 'microphone');
  }

  /** The stream the last click gave, or null. */
  get stream() { return S(this).value; }

  get type() { return this.getAttribute('type') || ''; }
  set type(v) { this.setAttribute('type', v); }

  /** The constraints of the next click's getUserMedia call, kept to the element's type. */
  setConstraints(constraints = {}) {
    if (constraints === null || typeof constraints !== 'object') throw new TypeError('jit-permissions: setConstraints() needs an object');
    const s = S(this);
    s.constraints = { video: constraints.video, audio: constraints.audio };
    if (s.native) nativeConstraints(s, s.native);
  }
}


handlers(JitGeolocationElement, GEO_HANDLERS.map((n) => n.slice(2)));
handlers(JitUserMediaElement, MEDIA_HANDLERS.map((n) => n.slice(2)));

/** `<jit-camera>`: the camera alone (Chrome 153's `<camera>`), the browser's element or the library's own. */
export class JitCameraElement extends JitUserMediaElement {
  constructor() { super(1); }
  get type() { return 'camera'; }
  set type(v) { /* fixed */ }
}

/** `<jit-microphone>`: the microphone alone (Chrome 153's `<microphone>`), the browser's element or the library's own. */
export class JitMicrophoneElement extends JitUserMediaElement {
  constructor() { super(2); }
  get type() { return 'microphone'; }
  set type(v) { /* fixed */ }
}

/**
 * Registers `<jit-geolocation>`, `<jit-usermedia>`, `<jit-camera>` and `<jit-microphone>` (a name the page already
 * defined is left as it is), with the page's runtime: `runtime` is the runtime, or a function that resolves with it
 * (called once, when first needed). Returns the constructors registered under those names. Where there is no
 * browser, registers nothing.
 */
export function defineElements(runtime) {
  if (typeof customElements === 'undefined') return {};
  source ||= typeof runtime === 'function' ? runtime : () => runtime;
  const get = (name, C) => {
    if (!customElements.get(name)) customElements.define(name, C);
    return customElements.get(name);
  };
  return {
    JitGeolocationElement: get('jit-geolocation', JitGeolocationElement),
    JitUserMediaElement: get('jit-usermedia', JitUserMediaElement),
    JitCameraElement: get('jit-camera', JitCameraElement),
    JitMicrophoneElement: get('jit-microphone', JitMicrophoneElement),
  };
}
