// @ts-check
// What the modules of the capability elements share (src/elements/): the capability masks and the guards' reason
// names, each element's state, the page's runtime as the elements get it, and what an element asks for.
// elements.js renders and runs the flows, guards.js judges a click, style.js reads and bounds what is painted,
// native.js wraps the browser's own element.

// The engine's codes, from their one definition (codes.js: side-effect free, so only these names come along).
import { CAMERA, GEOLOCATION, MICROPHONE, NAMES } from '../runtime/codes.js';

/**
 * What the elements use of the runtime (src/runtime/runtime.js), given by js/elements.js or the Rust API.
 * @typedef {object} Runtime
 * @property {Set<() => void>} updates  called after every change of the library's state
 * @property {(i: number) => Status} status
 * @property {() => Promise<Tasks>} tasks
 * @property {() => void} check
 * @property {(code: number, i: number) => void} input
 * @property {(list: number[][]) => void} inputs
 * @property {(id: number | undefined) => void} clearWatch
 * @property {string} [locale]
 */
/**
 * @typedef {object} Status
 * @property {PermissionState} state
 * @property {string | null} reason
 * @property {number | null} decidedAt
 */
/**
 * What the elements use of the tasks (src/runtime/tasks.js): the gated calls, and the evidence of a native result.
 * @typedef {object} Tasks
 * @property {(constraints: MediaStreamConstraints, content: object, reconsider: boolean) => Promise<MediaStream>} getUserMedia
 * @property {(options: PositionOptions, content: object, reconsider: boolean) => Promise<GeolocationPosition>} getCurrentPosition
 * @property {(success: (p: GeolocationPosition) => void, error: (e: any) => void, options: PositionOptions, content: object, reconsider: boolean) => Promise<number>} watchPosition
 * @property {(mask: number, code: number) => void} learn
 * @property {(i: number, track: MediaStreamTrack) => void} trackStarted
 */
/**
 * The browser's own capability element, as far as the library reads it (its interface differs by version).
 * @typedef {HTMLElement & {watch?: boolean, isValid?: boolean, invalidReason?: string, position?: GeolocationPosition | null,
 *   stream?: MediaStream | null, track?: MediaStreamTrack | null, error?: any, setConstraints?: (c: object) => void}} Native
 */
/**
 * A capability element as the modules see it.
 * @typedef {HTMLElement & {watch: boolean, autolocate: boolean}} Host
 */
/**
 * Each element's state (module-private: the elements' public API is only what the browser's elements have).
 * @typedef {object} State
 * @property {Host} el
 * @property {boolean} geo  a <jit-geolocation>
 * @property {number} fixed  the mask of <jit-camera> and <jit-microphone>, else 0
 * @property {ShadowRoot} root
 * @property {Map<string, number>} blockers  each guard's reason and until when it holds (Infinity: while its cause lasts)
 * @property {string} told  the validity last told by validationstatuschange
 * @property {Record<string, Function | null>} on  the event handlers
 * @property {Record<string, EventListener>} listeners  the listeners that run them
 * @property {any} value  the position or the stream
 * @property {any} error
 * @property {PermissionState | null} state
 * @property {PermissionState | null} initial
 * @property {() => void} update  follows the library's state
 * @property {() => void} render  renders anew where the language or the type changed
 * @property {string | null} [type]  the `type` as first set (fixed after)
 * @property {{video?: any, audio?: any}} [constraints]
 * @property {ElementInternals} [internals]
 * @property {Runtime} [rt]
 * @property {IntersectionObserver | null} [io]
 * @property {Native | null} [native]  the browser's element inside, where it has one
 * @property {SVGSVGElement | null} [icon]
 * @property {string | null} [drawn]
 * @property {string | null} [key]  what is rendered
 * @property {boolean} [blocked]
 * @property {string} [reason]  the reason of the last check
 * @property {string | null} [rect]  the box at the last check
 * @property {boolean} [seen]  in view
 * @property {boolean} [unseen]  in view but not visible (IntersectionObserver v2)
 * @property {boolean} [cover]  the last full hit test found a cover
 * @property {boolean} [located]  autolocate has run since insertion
 * @property {boolean} [watching]
 * @property {number} [watch]  the library's watch id
 * @property {boolean} [busy]
 * @property {boolean} [clicked]  the browser's element accepted a click
 * @property {boolean} [focused]  the person moved the focus there
 * @property {ReturnType<typeof setTimeout> | 0} [timer]
 * @property {number} [next]
 */

/** The masks (bit 1 << capability) of geolocation, the camera and the microphone. */
export const GEO = 1 << GEOLOCATION, CAM = 1 << CAMERA, MIC = 1 << MICROPHONE;
/** The capabilities of a mask (bit 1 << capability). @param {number} m */
export const caps = (m) => [CAMERA, MICROPHONE, GEOLOCATION].filter((i) => m & (1 << i));

/** How long a guard holds after its cause: being inserted or moved, or a condition that ended (the browser's). */
export const DELAY = 500;
export const CLIPPED = 'intersection_out_of_viewport_or_clipped', COVERED = 'intersection_occluded_or_distorted';
export const STYLE = 'style_invalid', MOVED = 'intersection_changed', ATTACHED = 'recently_attached', TYPE = 'type_invalid';
export const REGISTRATION = 'unsuccessful_registration', FRAME = 'illegal_subframe';
/** The reasons, in the browser's order: the first that holds is `invalidReason`. */
export const REASONS = [TYPE, FRAME, REGISTRATION, ATTACHED, MOVED, CLIPPED, COVERED, STYLE];
/** At most this many elements of one capability count in a page (the browser's registration limit). */
export const PER_CAPABILITY = 3;
/** The events both kinds of element fire besides their results. */
export const EVENTS = ['promptaction', 'promptdismiss', 'validationstatuschange'];
/** Labels by language: location, camera, microphone, camera and microphone. */
const LABELS = /** @type {Record<string, string[]>} */ ({
  en: ['Use location', 'Use camera', 'Use microphone', 'Use camera and microphone'],
  de: ['Standort verwenden', 'Kamera verwenden', 'Mikrofon verwenden', 'Kamera und Mikrofon verwenden'],
  fr: ['Utiliser ma position', 'Utiliser la caméra', 'Utiliser le micro', 'Utiliser la caméra et le micro'],
  es: ['Usar mi ubicación', 'Usar la cámara', 'Usar el micrófono', 'Usar la cámara y el micrófono'],
  ja: ['位置情報を使用', 'カメラを使用', 'マイクを使用', 'カメラとマイクを使用'],
});

/** @type {WeakMap<Element, State>} */
const all = new WeakMap();
/** An element's state. @param {Element} el @returns {State} */
export const S = (el) => /** @type {State} */ (all.get(el));
/** @param {Element} el @param {State} s */
export const keep = (el, s) => { all.set(el, s); };
export const now = () => performance.now();
/** Fires `type` on the element, as the browser's element does (results other than location do not bubble). @param {Element} el @param {string} type */
export const fire = (el, type) => el.dispatchEvent(new Event(type, { bubbles: !/^(stream|cancel|error)$/.test(type), cancelable: true }));

/** Sets or clears a custom state (:state(name)) where the browser has them. @param {State} s @param {string} name @param {boolean} on */
export function setState(s, name, on) {
  try { /** @type {any} */ (s.internals).states[on ? 'add' : 'delete'](name); } catch { /* no custom states here */ }
}

// ---- The page's runtime: asked for once the page has loaded (so that the site's own install(options), made while
// the page loads, comes first), or at the first click; then the tasks and the UI load, before anyone clicks.

/** @type {(() => Runtime | Promise<Runtime>) | null} */
let source = null;
/** @type {Promise<Runtime> | null} */
let runtime = null;
/** The runtime once it is known: an element inserted after that knows its state at once (initialPermissionStatus). */
export let known = /** @type {Runtime | null} */ (null);

/** Where the runtime comes from (the first one given is kept). @param {() => Runtime | Promise<Runtime>} from */
export function provide(from) { source ||= from; }

/** The runtime, asked for once (again after a failure). @returns {Promise<Runtime>} */
export function rtOf() {
  if (!runtime) {
    const from = /** @type {() => Runtime | Promise<Runtime>} */ (source);
    runtime = Promise.resolve().then(from);
    runtime.then((rt) => { known = rt; rt.tasks().catch(() => {}); }, () => { runtime = null; });
  }
  return runtime;
}
/** Resolves once the page has loaded (a task after `load`). */
export const loaded = typeof document === 'undefined' ? null : new Promise((resolve) => {
  const go = () => setTimeout(resolve);
  if (document.readyState === 'complete') go();
  else addEventListener('load', go, { once: true });
});

// ---- What it asks for.

/** The capabilities (a mask): geolocation, or the `type` of a usermedia element (absent: both; 0: not valid). @param {State} s */
export function maskOf(s) {
  if (s.geo) return GEO;
  if (s.fixed) return s.fixed;
  const type = s.type === undefined ? s.el.getAttribute('type') : s.type;
  if (type === null) return CAM | MIC;
  let m = 0;
  for (const word of type.trim().split(/\s+/)) {
    const i = /** @type {readonly string[]} */ (NAMES).indexOf(word);
    if (i !== CAMERA && i !== MICROPHONE) return 0;
    m |= 1 << i;
  }
  return m;
}

/** The label in the element's language (its own or an ancestor's `lang`), else the library's. @param {State} s */
export function labelOf(s) {
  let lang = '';
  for (let n = /** @type {Element | null} */ (s.el); n && !lang; n = n.parentElement || /** @type {ShadowRoot} */ (n.getRootNode()).host || null) {
    lang = /** @type {HTMLElement} */ (n).lang || '';
  }
  const table = LABELS[String(lang || (s.rt && s.rt.locale) || navigator.language || '').split(/[-_]/)[0].toLowerCase()] || LABELS.en;
  return table[s.geo ? 0 : maskOf(s) || 3];
}

/** The constraints of the call: the site's (setConstraints), kept to the element's type. @param {State} s */
export function constraintsOf(s) {
  const m = maskOf(s), c = s.constraints || {};
  return { video: m & 1 ? c.video || true : false, audio: m & 2 ? c.audio || true : false };
}
