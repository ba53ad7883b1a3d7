// @ts-check
// The browser's own capability element inside the library's (src/elements/): found by feature, its constraints
// given, and what it reports passed on and fed to the engine. Only trusted events of the element now inside count,
// and a result is the person's request only after a click it accepted.
import { ACCESS_GRANTED, ALLOW_ONCE, CAMERA, DECISION, DISMISS, MICROPHONE } from '../runtime/codes.js';
import { CAM, GEO, MIC, caps, constraintsOf, fire, maskOf, rtOf } from './shared.js';

/** @typedef {import('./shared.js').State} State */
/** @typedef {import('./shared.js').Native} Native */

/** The browser's element of each capability mask (geolocation 4; camera 1, microphone 2, both 3), and its interface. */
const NATIVE = /** @type {Record<number, string>} */ ({ [GEO]: 'geolocation Geolocation', [CAM]: 'camera Camera', [MIC]: 'microphone Microphone', [CAM | MIC]: 'usermedia UserMedia' });

/** The browser's own element for this mask, where the browser defines it. @param {number} m */
export function nativeTag(m) {
  const [tag, name] = (NATIVE[m] || '').split(' ');
  const C = name && /** @type {any} */ (globalThis)[`HTML${name}Element`];
  return typeof C === 'function' && document.createElement(tag) instanceof C ? tag : null;
}

/** Gives the browser's element the site's constraints, where it takes them. @param {State} s @param {Native} n */
export function nativeConstraints(s, n) {
  // Chrome 151's first <usermedia> has no setConstraints (only onstream and onerror): it asks with its own defaults.
  if (typeof n.setConstraints !== 'function') return;
  const c = constraintsOf(s);
  /** @type {Record<string, any>} */
  const given = {};
  for (const k of /** @type {const} */ (['video', 'audio'])) if (c[k]) given[k] = c[k] === true ? {} : c[k];
  try { n.setConstraints(given); } catch (e) { console.warn('jit-permissions: the browser\'s element refused these constraints:', e); }
}

/**
 * The browser's element reported: its prompt's answer or its result, passed on as the same event on this element.
 * A result after the person's click records a one-time grant where the library had none, and the call's success;
 * its tracks are the library's to stop. A dismissal of its prompt is recorded as one.
 * @param {State} s @param {Native} n @param {Event} e
 */
export async function fromNative(s, n, e) {
  // Only what the browser's element itself reports counts (a script's dispatched event is not trusted), and only
  // from the element now inside (a replaced one's late reports are not this element's).
  if (!e.isTrusted || n !== s.native) return;
  const type = e.type;
  if (type === 'validationstatuschange') {
    if ('isValid' in n) fire(s.el, type);
    return;
  }
  let rt = /** @type {import('./shared.js').Runtime | null} */ (null);
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
      const r = rt;
      const tasks = await r.tasks();
      r.check();
      if (list.some((i) => r.status(i).state !== 'granted')) {
        // Not asked for: the browser's element went on (a watch) after the library's grant ended.
        if (!clicked) { s.key = null; s.render(); return; }
        r.inputs(list.filter((i) => r.status(i).state !== 'granted').map((i) => [DECISION, i, ALLOW_ONCE]));
      }
      tasks.learn(m, ACCESS_GRANTED);
      if (type === 'location') s.watching = s.el.watch;
      else for (const t of /** @type {MediaStream} */ (value).getTracks()) tasks.trackStarted(t.kind === 'audio' ? MICROPHONE : CAMERA, t);
    }
    s.value = value || null;
  }
  fire(s.el, type === 'track' ? 'stream' : type);
}
