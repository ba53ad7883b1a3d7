// @ts-check
// The whole-page polyfill (install({ patch })): the platform's own functions, replaced where they are defined, lead
// into the library's gated calls, so a site's old code and third-party widgets get the pre-prompt, one-time grants and
// Revoke without a change (SPEC.md, "The polyfill: the whole page").
//
// Two halves, one file:
// - `patch()` is part of every page's first load (js/index.js bundles it): tiny wrappers, in place as soon as
//   install() is called (the `jit-permissions/polyfill` entry calls it while it is evaluated), before the wasm is
//   compiled. They keep what must be synchronous (the TypeError of a missing callback, a watch id), note whether the
//   call came with user activation and from which element, and hand the call over; a call made before the engine
//   is ready waits for it.
// - `polyfill()` is loaded with the tasks (src/runtime/tasks.js re-exports it): it runs each call through the very
//   methods the library's own API uses (Tasks#getUserMedia, ...), and gives the result back in the platform's shape.
import { typeError } from './options.js';

/**
 * A function the polyfill can replace.
 * @typedef {'query' | 'getUserMedia' | 'getCurrentPosition' | 'watchPosition' | 'clearWatch' | 'requestPermission' | 'subscribe'} Kind
 */
/**
 * The moment of a patched call: with user activation, the path of the click if that recent (else false), the watch
 * id handed out, and the watches (id -> its watch's start).
 * @typedef {[active: boolean, path: false | EventTarget[] | null, id: number, watches: Map<number, Promise<unknown>>]} Context
 */
/** @typedef {(kind: Kind, self: unknown, args: unknown[], ctx: Context) => Promise<unknown>} Enter */
/** @typedef {import('./options.js').Natives} Natives */
/** @typedef {import('./options.js').Content} Content */
/** @typedef {import('./tasks.js').Tasks} Tasks */
/** @typedef {{ name?: unknown, message?: unknown, reason?: unknown }} ErrorLike What a call rejected with. */

/** Where each function is defined, and its name; `patch: true` replaces all of them. */
const PLACES = 'Permissions query MediaDevices getUserMedia Geolocation getCurrentPosition Geolocation watchPosition Geolocation '
  + 'clearWatch Notification requestPermission PushManager subscribe';
const KINDS = /** @type {Kind[]} */ (PLACES.split(' ').filter((_, i) => i & 1));

/**
 * The `patch` option: false, or the list of functions to replace; a TypeError naming the field otherwise.
 * @param {unknown} v
 * @returns {Kind[] | null}
 */
export function patchList(v) {
  if (v === undefined || v === false) return null;
  if (v === true) return KINDS;
  if (!Array.isArray(v) || v.some((k) => !KINDS.includes(k))) throw typeError(`option 'patch' must be a boolean or a list of ${KINDS}`);
  // watchPosition and clearWatch go together (the watch ids are the polyfill's).
  return v.includes('watchPosition') || v.includes('clearWatch') ? [...v, 'watchPosition', 'clearWatch'] : v;
}

/** @type {Natives | null} */
let natives = null;
/** @type {EventTarget[] | null} */
let clicked = null; // the event path of the last trusted click (kept: its target may leave the document), and when
let clickedAt = -1e9;
let watch = 0;
/** @type {Map<number, Promise<unknown>>} */
const watches = new Map(); // a watch id this patch handed out -> its watch's start (the library's id, or undefined)

/**
 * Replaces the functions `list` names; `enter(kind, self, args, ctx)` runs a call once the engine is ready (a
 * promise; the calls that return promises check their `this` there). `ctx`: [user activation, the path of the click
 * if that recent, the watch id, the watches]. Once per page. Returns the originals (the runtime calls those).
 * @param {readonly Kind[]} list
 * @param {Enter} enter
 * @returns {Natives}
 */
export function patch(list, enter) {
  if (natives) return natives;
  natives = {};
  addEventListener('click', (e) => { if (e.isTrusted) { clicked = e.composedPath(); clickedAt = performance.now(); } }, true);
  const places = PLACES.split(' ');
  for (let i = 0; i < places.length; i += 2) {
    const name = /** @type {Kind} */ (places[i + 1]);
    // The interface by its name, read off the global (undefined where the browser lacks it).
    const c = /** @type {Record<string, (Function & { prototype: Record<string, unknown> }) | undefined>} */ (/** @type {unknown} */ (globalThis))[places[i]];
    const owner = c && (name === 'requestPermission' ? /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (c)) : c.prototype);
    const original = owner && owner[name];
    if (typeof original !== 'function' || !list.includes(name)) continue;
    /** @type {Record<string, Function>} */ (natives)[name] = original;
    const f = {
      /**
       * @this {unknown}
       * @param {unknown[]} a
       */
      [name](...a) {
        // The moment of the call: with user activation (and the path of the click, if that recent), or not.
        const recent = performance.now() - clickedAt < 5000;
        /** @type {Context} */
        const ctx = [navigator.userActivation ? navigator.userActivation.isActive : recent, recent && clicked, ++watch, watches];
        if (/** @type {unknown} */ (c) !== globalThis.Geolocation) return enter(name, this, a, ctx);
        // Geolocation returns no promise: what the platform rejects it throws now, through the platform's own function
        // (a foreign `this`, wrong arguments, an id that is not one of these watches); a watch id is returned now.
        if (this !== navigator.geolocation || (name === 'clearWatch' ? !watches.has(Number(a[0]) | 0)
          : typeof a[0] !== 'function' || (a[1] != null && typeof a[1] !== 'function')
            || (a[2] != null && typeof a[2] !== 'object' && typeof a[2] !== 'function'))) return original.apply(this, a);
        // A clearWatch id (a number, or what converts to one: the platform's own took it) as a watch of this patch.
        const started = enter(name, this, name === 'clearWatch'
          ? [watches.get(/** @type {number} */ (a[0]) | 0), watches.delete(/** @type {number} */ (a[0]) | 0)] : a, ctx).catch(() => {});
        if (name === 'watchPosition') return watches.set(watch, started), watch;
      },
    }[name];
    Object.defineProperty(f, 'length', { value: original.length });
    Object.defineProperty(/** @type {object} */ (owner), name, { ...Object.getOwnPropertyDescriptor(owner, name), value: f });
  }
  return natives;
}

/**
 * A patched query's answer `mine` (a promise of the library's status), for a descriptor with members beyond `name`
 * (panTiltZoom, userVisibleOnly, ...) bounded by the browser's own answer for that descriptor: never more permissive
 * than the browser's. The one composition for the npm package (index.js) and the Rust API (src/ui/bundled.js).
 * @template {{ state: PermissionState }} S
 * @param {Promise<S>} mine
 * @param {unknown} descriptor what the page passed to query()
 * @returns {Promise<S | PermissionStatus>}
 */
export function bounded(mine, descriptor) {
  const original = natives && natives.query;
  if (original && descriptor !== null && typeof descriptor === 'object') {
    for (const key in descriptor) {
      if (key !== 'name') {
        return Promise.all([mine, original.call(navigator.permissions, /** @type {PermissionDescriptor} */ (descriptor))])
          .then(([a, b]) => (b.state !== a.state && (b.state === 'denied' || a.state === 'granted') ? b : a));
      }
    }
  }
  return mine;
}

// ---- The calls, once the engine is ready (loaded with the tasks).

/**
 * Calls `f` (a callback the page gave, if a function) with `a`, in a task of its own.
 * @param {unknown} f
 * @param {...unknown} a
 */
const later = (f, ...a) => typeof f === 'function' && setTimeout(f, 0, ...a);

/**
 * A GeolocationPositionError as the platform hands it out (code 1 for a refusal, with the library's `reason`).
 * @param {ErrorLike | null | undefined} e
 */
function positionError(e) {
  if (!(e && e.name === 'NotAllowedError')) return e;
  const P = globalThis.GeolocationPositionError;
  // The platform's interface cannot be constructed from script: an object of its prototype with own fields.
  const error = /** @type {GeolocationPositionError} */ (Object.create(P ? P.prototype : { PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 }));
  for (const [k, v] of /** @type {[string, unknown][]} */ ([['code', 1], ['message', e.message], ['reason', e.reason]])) Object.defineProperty(error, k, { value: v, enumerable: true });
  return error;
}

/**
 * The words of the pre-prompt from the element the person activated: the nearest of the click's path (its target and
 * ancestors, through shadow roots) with data-permission-title or -reason, if any.
 * @param {Context[1]} path
 * @returns {Content}
 */
function declared(path) {
  // The path's nodes that have attributes are Elements.
  const host = /** @type {Element | undefined} */ ((path || []).find((n) => /** @type {Partial<Element>} */ (n).hasAttribute
    && (/** @type {Element} */ (n).hasAttribute('data-permission-title') || /** @type {Element} */ (n).hasAttribute('data-permission-reason'))));
  if (!host) return {};
  /** @param {string} k */
  const get = (k) => host.getAttribute(`data-permission-${k}`) ?? undefined;
  /** @type {Content} */
  const content = { title: get('title'), reason: get('reason') };
  if (get('image')) content.image = { src: /** @type {string} */ (get('image')), alt: get('alt') ?? '' };
  return content;
}

/**
 * Runs a patched call `kind` through the library's own gated calls (`tasks`, the page's Tasks), with `ctx` from the
 * moment of the call; resolves as the platform's function does.
 * @param {Tasks} tasks
 * @param {Kind} kind
 * @param {unknown} self
 * @param {unknown[]} a
 * @param {Context} ctx
 */
export async function polyfill(tasks, kind, self, a, ctx) {
  const natives = /** @type {Natives} */ (tasks.rt.options.natives);
  // A `this` that is not the platform's object: the platform's own answer (its TypeError).
  const nav = navigator;
  if (kind === 'query' ? self !== nav.permissions : kind === 'getUserMedia' ? self !== nav.mediaDevices
    : kind === 'subscribe' && !(self instanceof PushManager)) return /** @type {Function} */ (natives[kind]).apply(self, a);
  const [active, path, id, watches] = ctx;
  const content = { ...declared(path), quiet: !active };
  if (kind === 'getUserMedia') return tasks.getUserMedia(a[0], content, false);
  if (kind === 'getCurrentPosition') {
    return tasks.getCurrentPosition(/** @type {PositionOptions | undefined} */ (a[2]), content, false).then((p) => later(a[0], p), (e) => later(a[1], positionError(e)));
  }
  if (kind === 'watchPosition') {
    try {
      const started = await tasks.watchPosition(a[0], (/** @type {ErrorLike | undefined} */ e) => later(a[1], positionError(e)), a[2], content, false);
      // Cleared meanwhile (clearWatch with this id): the watch ends at once.
      if (watches.has(id)) return started;
      tasks.clearWatch(started);
    } catch (e) { later(a[1], positionError(/** @type {ErrorLike} */ (e))); }
    return undefined;
  }
  if (kind === 'clearWatch') {
    const started = await a[0];
    if (started !== undefined) tasks.clearWatch(/** @type {number} */ (started));
    return undefined;
  }
  if (kind === 'requestPermission') {
    if (a[0] != null && typeof a[0] !== 'function') {
      throw new TypeError("Failed to execute 'requestPermission' on 'Notification': the callback must be a function");
    }
    /** @type {NotificationPermission} */
    let answer = 'granted';
    try { await tasks.requestNotifications(content, false); } catch (e) {
      if (!(e && /** @type {ErrorLike} */ (e).name === 'NotAllowedError')) throw e;
      answer = /** @type {ErrorLike} */ (e).reason === 'dismissed' ? 'default' : 'denied';
    }
    later(a[0], answer);
    return answer;
  }
  // PushManager#subscribe asks for notifications first: a refusal rejects as the platform's (NotAllowedError).
  await tasks.requestNotifications(content, false);
  return /** @type {Function} */ (natives.subscribe).apply(self, a);
}
