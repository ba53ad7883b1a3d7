// @ts-check
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
// it); the Rust API's `Permissions::define_elements()` gives it its own. Every rule stays the engine's: these modules
// only render, listen and call.
//
// This module: the element classes, their rendering and their flows. The rest of src/elements/: shared.js (the
// state, the runtime, what an element asks for), guards.js (whether a click counts), style.js (what is painted, and
// the browser's clamps), native.js (the browser's own element inside).

import { ACCESS_GRANTED, CAMERA, MICROPHONE, RESET } from '../runtime/codes.js';
import {
  ATTACHED, DELAY, EVENTS, S, caps, constraintsOf, fire, keep, known, labelOf, loaded, maskOf, now, provide, rtOf, setState,
} from './shared.js';
import { checkFraming, live, observe, personal, validate } from './guards.js';
import { fromNative, nativeConstraints, nativeTag } from './native.js';
import { CSS } from './style.js';

/** Icons (24x24 strokes, as in the dialogs): location, camera, microphone; a blocked one gets a slash. */
const ICONS = [
  'M12 21s-7-7-7-12a7 7 0 0 1 14 0c0 5-7 12-7 12zM12 6.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z',
  'M3 7h12v10H3zM15 10.5 21 7v10l-6-3.5',
  'M9 6a3 3 0 0 1 6 0v5a3 3 0 0 1-6 0zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8',
];
const SLASH = 'M3 3l18 18';

/** @typedef {import('./shared.js').State} State */
/** @typedef {import('./shared.js').Runtime} Runtime */
/** @typedef {import('./shared.js').Tasks} Tasks */

// ---- Rendering: the browser's element, or the library's own button.

/** @type {CSSStyleSheet | null} */
let sheet = null;

/** Renders the browser's element or the library's button, anew where the language, the type or the interface changed. @param {State} s */
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
    const n = /** @type {import('./shared.js').Native} */ (document.createElement(tag));
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
  s.icon = /** @type {SVGSVGElement} */ (svg);
  s.drawn = null;
  paint(s);
}

/** The icon: the capability's, crossed out while the browser or the system blocks it. @param {State} s */
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

// ---- The runtime's state, and the flows.

/** Attaches a connected element to the runtime: reports its state, follows every change, autolocates. @param {State} s @param {Runtime} rt */
function attach(s, rt) {
  s.rt = rt;
  if (!s.io) return;
  rt.updates.add(s.update);
  render(s);
  update(s);
  autolocate(s);
}

/** `autolocate`: locates without a click once, while the library reports geolocation granted. @param {State} s */
function autolocate(s) {
  if (s.geo && s.el.autolocate && s.state === 'granted' && !s.located) {
    s.located = true;
    activate(s);
  }
}

/** Follows the library's state: `permissionStatus`, the icon, and what an ended grant stops. @param {State} s */
function update(s) {
  const rt = /** @type {Runtime} */ (s.rt);
  const list = caps(maskOf(s)).map((i) => rt.status(i));
  const state = /** @type {PermissionState[]} */ (['denied', 'prompt', 'granted']).find((x) => list.some((st) => st.state === x)) || 'prompt';
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

/** A trusted click on the library's own button, when valid: the task's gated call, its events and its result. @param {State} s */
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
    /** @type {any} */
    let value;
    /** @type {any} */
    let error = null;
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

/** The gated call of the task: a position (once, or a watch), or a stream. @param {State} s @param {Tasks} tasks */
async function call(s, tasks) {
  // A second click while the element's stream is live makes no second call (as the browser's element).
  if (!s.geo && s.value && s.value.getTracks().some((/** @type {MediaStreamTrack} */ t) => t.readyState === 'live')) return undefined;
  if (!s.geo) return tasks.getUserMedia(constraintsOf(s), {}, true);
  if (!s.el.watch) return tasks.getCurrentPosition(OPTIONS, {}, true);
  if (s.watching) return undefined;
  s.watch = await tasks.watchPosition((p) => deliver(s, p, null), (e) => deliver(s, undefined, e), OPTIONS, {}, true);
  s.watching = true;
  return undefined;
}

/** A result: `position` or `stream`, or `error`, and the event the browser's element fires for it. @param {State} s @param {any} value @param {any} error */
function deliver(s, value, error) {
  if (value === undefined && !error) return;
  const G = /** @type {any} */ (globalThis).GeolocationPositionError;
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

// ---- The elements.

/** HTMLElement where there is a browser (elsewhere a stand-in, so that importing the module does not throw). */
const Base = /** @type {typeof HTMLElement} */ (typeof HTMLElement === 'function' ? HTMLElement : class {});

class Capability extends Base {
  /** @param {boolean} geo @param {number} [fixed] */
  constructor(geo, fixed = 0) {
    super();
    /** @type {State} */
    const s = {
      el: /** @type {any} */ (this), geo, fixed, root: this.attachShadow({ mode: 'open', delegatesFocus: true }), blockers: new Map(), told: '',
      on: {}, listeners: {}, value: null, error: null, state: null, initial: null, update: () => update(s), render: () => render(s),
    };
    try { s.internals = this.attachInternals(); } catch { /* no ElementInternals */ }
    try {
      if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
      s.root.adoptedStyleSheets = [sheet];
    } catch { /* no constructable stylesheets: unstyled */ }
    s.root.addEventListener('click', (ev) => {
      const e = /** @type {MouseEvent} */ (ev);
      // Only the person's click counts, and only while every guard lets it through; a key press (Enter, Space: a
      // click of detail 0) only where the person moved the focus there, not a script's focus().
      if (!e.isTrusted) return;
      const n = s.native;
      // The browser's element: a click it accepts (valid now) is the person's request; its results may follow.
      if (n) { if (e.target === n && (!('isValid' in n) || n.isValid)) s.clicked = true; return; }
      if (/** @type {Element} */ (e.target).closest('button') && !validate(s) && (e.detail > 0 || s.focused)) activate(s);
    });
    s.root.addEventListener('focusin', (ev) => {
      const e = /** @type {FocusEvent} */ (ev);
      s.focused = personal;
      // Not focusable by script without user activation (as the browser's element): focus goes back where it was.
      if (!personal && !(navigator.userActivation && navigator.userActivation.isActive)) {
        /** @type {HTMLElement} */ (e.target).blur();
        const back = /** @type {HTMLElement | null} */ (e.relatedTarget);
        if (back && back.focus) back.focus();
      }
    });
    s.root.addEventListener('focusout', () => { s.focused = false; });
    keep(this, s);
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
    const rt = s.rt || known;
    if (rt) attach(s, rt);
    else if (loaded) loaded.then(rtOf).then((rt) => attach(s, rt), () => {});
  }

  disconnectedCallback() {
    const s = S(this);
    live.delete(s);
    if (s.io) s.io.disconnect();
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

  /** @param {string} name @param {string | null} old @param {string | null} value */
  attributeChangedCallback(name, old, value) {
    const s = S(this);
    if (name.startsWith('on')) {
      // An event handler content attribute: the browser compiles it, under the page's policy (see compile()). Where
      // the browser itself runs this attribute on any element, its own handler runs it: the property reports the
      // function, and no listener of the element's runs it a second time.
      const f = value === null ? null : compile(this, value);
      if (f && browserRuns(name)) S(this).on[name.slice(2)] = f;
      else /** @type {any} */ (this)[name] = f;
      return;
    }
    if (name === 'watch') {
      if (s.native) s.native.watch = this.hasAttribute('watch');
      else if (!this.hasAttribute('watch') && s.watching) {
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
 * @param {Function} C @param {string[]} names
 */
function handlers(C, names) {
  for (const name of names) {
    Object.defineProperty(C.prototype, `on${name}`, {
      configurable: true,
      get() { return S(this).on[name] || null; },
      /** @param {any} f */
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

/** @type {Map<string, boolean>} */
const runs = new Map();

/**
 * Whether the browser itself runs the content attribute `name` (e.g. onpromptaction) on any element, as Chromium
 * does for its permission elements' events though HTMLElement has no such property: asked once per name, only where
 * the page's policy lets attributes run (the probe's own code would be refused otherwise).
 * @param {string} name
 */
function browserRuns(name) {
  let yes = runs.get(name);
  if (yes === undefined) {
    const probe = document.createElement('span');
    probe.setAttribute(name, 'this.setAttribute("data-ran", "")');
    probe.dispatchEvent(new Event(name.slice(2)));
    yes = probe.hasAttribute('data-ran');
    runs.set(name, yes);
  }
  return yes;
}

/** A detached element of the page's document whose own event handler attribute compiles the site's code. */
/** @type {HTMLElement | null} */
let compiler = null;

/**
 * The code of an `on…` content attribute as a function, compiled by the browser itself as an event handler content
 * attribute of a helper element, never by `new Function`: so the page's Content-Security-Policy decides, as for the
 * browser's own elements. Where it does not allow inline handlers ('unsafe-inline', or script-src-attr), the browser
 * refuses it (and reports the violation): the result is null and nothing runs. The function takes `event`; its
 * `this` is the element (the handler calls it so).
 * @param {Element} el @param {string} code
 */
function compile(el, code) {
  compiler ||= el.ownerDocument.createElement('div');
  compiler.setAttribute('onclick', code);
  const f = compiler.onclick;
  compiler.removeAttribute('onclick');
  return typeof f === 'function' ? f : null;
}

// The handlers the elements define themselves: those HTMLElement does not already have. Where the browser has a
// handler on every element (oncancel, onerror; Chromium with its permission elements also onpromptaction,
// onpromptdismiss, onvalidationstatuschange, onlocation, onstream), its own property and content attribute serve,
// compiled by the browser as here, so the element does not run the attribute a second time.
/** @param {string[]} names */
const ownHandlers = (names) => names.map((name) => `on${name}`).filter((on) => !(on in Base.prototype));
const GEO_HANDLERS = ownHandlers([...EVENTS, 'location']);
const MEDIA_HANDLERS = ownHandlers([...EVENTS, 'stream', 'cancel', 'error']);

/** `<jit-geolocation>`: the browser's <geolocation> where it has one, the library's own button elsewhere. */
export class JitGeolocationElement extends Capability {
  static observedAttributes = ['watch', 'autolocate', ...GEO_HANDLERS];

  constructor() { super(true); }

  /** The last position, or null. */
  get position() { return S(this).value; }

  get autolocate() { return this.hasAttribute('autolocate'); }
  /** @param {boolean} v */
  set autolocate(v) { this.toggleAttribute('autolocate', Boolean(v)); }

  get watch() { return this.hasAttribute('watch'); }
  /** @param {boolean} v */
  set watch(v) { this.toggleAttribute('watch', Boolean(v)); }
}


/** `<jit-usermedia type="camera | microphone | camera microphone">`: the browser's element, or the library's own. */
export class JitUserMediaElement extends Capability {
  static observedAttributes = ['type', ...MEDIA_HANDLERS];

  /** @param {number} [fixed] */
  constructor(fixed) { super(false, fixed); }

  /** Whether `type` is a type this element takes: camera, microphone, or both. @param {string} type */
  static isTypeSupported(type) {
    const words = String(type).trim().split(/\s+/);
    return words.every((w) => w === 'camera' || w === 'microphone');
  }

  /** The stream the last click gave, or null. */
  get stream() { return S(this).value; }

  get type() { return this.getAttribute('type') || ''; }
  /** @param {string} v */
  set type(v) { this.setAttribute('type', v); }

  /** The constraints of the next click's getUserMedia call, kept to the element's type. */
  /** @param {{video?: any, audio?: any}} [constraints] */
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
  /** @param {string} v */
  set type(v) { /* fixed */ }
}

/** `<jit-microphone>`: the microphone alone (Chrome 153's `<microphone>`), the browser's element or the library's own. */
export class JitMicrophoneElement extends JitUserMediaElement {
  constructor() { super(2); }
  get type() { return 'microphone'; }
  /** @param {string} v */
  set type(v) { /* fixed */ }
}

/**
 * Registers `<jit-geolocation>`, `<jit-usermedia>`, `<jit-camera>` and `<jit-microphone>` (a name the page already
 * defined is left as it is), with the page's runtime: `runtime` is the runtime, or a function that resolves with it
 * (called once, when first needed). Returns the constructors registered under those names. Where there is no
 * browser, registers nothing.
 * @param {Runtime | (() => Runtime | Promise<Runtime>)} runtime
 */
export function defineElements(runtime) {
  if (typeof customElements === 'undefined') return {};
  const from = runtime;
  provide(typeof from === 'function' ? from : () => from);
  /** @param {string} name @param {CustomElementConstructor} C */
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
