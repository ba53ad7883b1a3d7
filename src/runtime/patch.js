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
import { typeError } from './runtime.js';

/** What `patch` may name (`patch: true` is all of them). watchPosition and clearWatch go together. */
const KINDS = ['query', 'getUserMedia', 'getCurrentPosition', 'watchPosition', 'clearWatch', 'requestPermission', 'subscribe'];

/** The `patch` option: false, or the list of functions to replace; a TypeError naming the field otherwise. */
export function patchList(v) {
  if (v === undefined || v === false) return null;
  if (v === true) return KINDS;
  if (!Array.isArray(v) || v.some((k) => !KINDS.includes(k))) {
    throw typeError(`option 'patch' must be a boolean or a list of ${KINDS.join(', ')}`);
  }
  return v.includes('watchPosition') || v.includes('clearWatch') ? [...v, 'watchPosition', 'clearWatch'] : v;
}

let natives = null;
let clicked = null; // the target of the last trusted click, and when
let clickedAt = -1e9;
let watch = 0;
const watches = new Map(); // a watch id this patch handed out -> its watch's start (the library's id, or undefined)

/**
 * Replaces the functions `list` names; `enter(kind, self, args, ctx)` runs a call once the engine is ready (a
 * promise). Once per page. Returns the originals (the runtime calls those).
 */
export function patch(list, enter) {
  if (natives) return natives;
  natives = {};
  addEventListener('click', (e) => { if (e.isTrusted) { clicked = e.target; clickedAt = performance.now(); } }, true);
  // The moment of the call: with user activation (and the element activated, if a click was that recent), or not.
  const ctx = () => {
    const recent = performance.now() - clickedAt < 5000;
    return { active: navigator.userActivation ? navigator.userActivation.isActive : recent, el: recent ? clicked : null };
  };
  const checked = (a, what) => {
    if (typeof a[0] !== 'function' || (a[1] != null && typeof a[1] !== 'function')
      || (a[2] != null && typeof a[2] !== 'object' && typeof a[2] !== 'function')) {
      throw new TypeError(`Failed to execute '${what}' on 'Geolocation': the callbacks must be functions and the options an object`);
    }
    return a;
  };
  const on = (owner, name, run, mine = (self) => self === owner) => {
    const original = owner && owner[name];
    if (typeof original !== 'function' || !list.includes(name)) return;
    natives[name] = original;
    const f = { [name](...a) { return mine(this) ? run(this, a) : original.apply(this, a); } }[name];
    Object.defineProperty(f, 'length', { value: original.length });
    Object.defineProperty(owner, name, { ...Object.getOwnPropertyDescriptor(owner, name), value: f });
  };
  const nav = globalThis.navigator || {};
  const proto = (c) => globalThis[c] && globalThis[c].prototype;
  const is = (o) => (self) => self === o;
  on(proto('Permissions'), 'query', (s, a) => enter('query', s, a), is(nav.permissions));
  on(proto('MediaDevices'), 'getUserMedia', (s, a) => enter('getUserMedia', s, a, ctx()), is(nav.mediaDevices));
  const geo = proto('Geolocation');
  const isGeo = is(nav.geolocation);
  on(geo, 'getCurrentPosition', (s, a) => { enter('getCurrentPosition', s, checked(a, 'getCurrentPosition'), ctx()).catch(() => {}); }, isGeo);
  on(geo, 'watchPosition', (s, a) => {
    const id = ++watch;
    const c = ctx();
    c.live = () => watches.has(id);
    watches.set(id, enter('watchPosition', s, checked(a, 'watchPosition'), c).catch(() => {}));
    return id;
  }, isGeo);
  on(geo, 'clearWatch', (s, a) => {
    const id = Number(a[0]) | 0;
    const started = watches.get(id);
    if (!watches.delete(id)) return natives.clearWatch.call(s, a[0]);
    enter('clearWatch', s, [started]).catch(() => {});
  }, isGeo);
  on(globalThis.Notification, 'requestPermission', (s, a) => enter('requestPermission', s, a, ctx()), () => true);
  on(proto('PushManager'), 'subscribe', (s, a) => enter('subscribe', s, a, ctx()), (s) => s instanceof PushManager);
  return natives;
}

// ---- The calls, once the engine is ready (loaded with the tasks).

const later = (f, ...a) => typeof f === 'function' && setTimeout(f, 0, ...a);

/** A GeolocationPositionError as the platform hands it out (code 1 for a refusal, with the library's `reason`). */
function positionError(e) {
  if (!(e && e.name === 'NotAllowedError')) return e;
  const P = globalThis.GeolocationPositionError;
  const error = Object.create(P ? P.prototype : { PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 });
  for (const [k, v] of [['code', 1], ['message', e.message], ['reason', e.reason]]) Object.defineProperty(error, k, { value: v, enumerable: true });
  return error;
}

/** The words of the pre-prompt from the element the person activated (data-permission-*), if any. */
function declared(el) {
  const host = el && el.closest && el.closest('[data-permission-title],[data-permission-reason]');
  if (!host) return {};
  const get = (k) => host.getAttribute(`data-permission-${k}`) ?? undefined;
  const content = { title: get('title'), reason: get('reason') };
  if (get('image')) content.image = { src: get('image'), alt: get('alt') ?? '' };
  return content;
}

/**
 * Runs a patched call `kind` through the library's own gated calls (`tasks`, the page's Tasks), with `ctx` from the
 * moment of the call; resolves as the platform's function does.
 */
export async function polyfill(tasks, kind, self, a, ctx) {
  const content = { ...declared(ctx.el), quiet: !ctx.active };
  const natives = tasks.rt.options.natives;
  if (kind === 'getUserMedia') return tasks.getUserMedia(a[0], content, false);
  if (kind === 'getCurrentPosition') {
    return tasks.getCurrentPosition(a[2], content, false).then((p) => later(a[0], p), (e) => later(a[1], positionError(e)));
  }
  if (kind === 'watchPosition') {
    try {
      const id = await tasks.watchPosition(a[0], (e) => later(a[1], positionError(e)), a[2], content, false);
      if (ctx.live()) return id;
      tasks.clearWatch(id);
    } catch (e) { later(a[1], positionError(e)); }
    return undefined;
  }
  if (kind === 'clearWatch') {
    const id = await a[0];
    if (id !== undefined) tasks.clearWatch(id);
    return undefined;
  }
  if (kind === 'requestPermission') {
    if (a[0] != null && typeof a[0] !== 'function') {
      throw new TypeError("Failed to execute 'requestPermission' on 'Notification': the callback must be a function");
    }
    let answer = 'granted';
    try { await tasks.requestNotifications(content, false); } catch (e) {
      if (!(e && e.name === 'NotAllowedError')) throw e;
      answer = e.reason === 'dismissed' ? 'default' : 'denied';
    }
    later(a[0], answer);
    return answer;
  }
  // PushManager#subscribe asks for notifications first: a refusal rejects as the platform's (NotAllowedError).
  await tasks.requestNotifications(content, false);
  return natives.subscribe.apply(self, a);
}
