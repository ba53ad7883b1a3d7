// @ts-check
// The guards of a capability element (src/elements/): whether a click counts now, and why not, with the browser's
// `invalidReason` names. Each guard holds while its cause lasts and 500 ms more; the checks run every frame while an
// element is in view (what is painted: style.js), on any change of the page, and when the observer reports. Also
// where the page may have the elements at all (illegal_subframe), and whose focus a key press follows.
import {
  ATTACHED, CLIPPED, COVERED, DELAY, FRAME, MOVED, PER_CAPABILITY, REASONS, REGISTRATION, STYLE, TYPE, caps, fire, maskOf, now, setState,
} from './shared.js';
import { clamp, covered, looks, pass } from './style.js';

/** @typedef {import('./shared.js').State} State */

// ---- Where the page may have the elements: not in a fenced frame, and in a frame of another origin than the top
// only where the page's own policy has a `frame-ancestors` directive (the browser's rule: without one, any site
// could frame the page and put its button under the person's pointer).

/** 'ok', 'illegal' or 'pending' (the page's policy being read); asked once, when the first element connects. */
/** @type {'' | 'ok' | 'illegal' | 'pending'} */
let framing = '';

/** Whether a frame between this document and the top is of another origin. */
function crossOriginToTop() {
  if (window.top === window) return false;
  const list = location.ancestorOrigins; // Chromium and WebKit
  if (list && list.length) return [...list].some((o) => o !== location.origin);
  // Elsewhere (Firefox): an ancestor whose location this document cannot read is of another origin.
  for (let w = /** @type {Window} */ (window.parent); ; w = w.parent) {
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
export function checkFraming() {
  if (framing) return;
  if (/** @type {any} */ (globalThis).fence) { framing = 'illegal'; return; } // window.fence: non-null only in a fenced frame
  if (!crossOriginToTop()) { framing = 'ok'; return; }
  framing = 'pending';
  hasFrameAncestors().then((yes) => {
    framing = yes ? 'ok' : 'illegal';
    if (!yes) console.warn('jit-permissions: the capability elements are not allowed in a frame of another origin than the top without the Content-Security-Policy frame-ancestors directive (illegal_subframe)');
    for (const s of live) validate(s);
  });
}

// ---- The guards of the library's own button.

/** A guard that holds now (Infinity), or that held until now: it stays DELAY ms more. @param {State} s @param {string} reason @param {boolean} on */
export function hold(s, reason, on) {
  if (on) s.blockers.set(reason, Infinity);
  else if (s.blockers.get(reason) === Infinity) s.blockers.set(reason, now() + DELAY);
}

/** The reason that blocks a click now ('' when valid), from what the checks found. @param {State} s */
function reasonOf(s) {
  if (!s.io) return '';
  const t = now();
  return REASONS.find((k) => (s.blockers.get(k) || 0) > t) || '';
}

/**
 * Checks what no event reports (a move, a cover, the style) and returns the reason that blocks a click now ('' when
 * valid), firing `validationstatuschange` when validity or the reason changed since last told. `full` adds the hit
 * test that also sees covers with `pointer-events: none` (a style recalculation of the page: not every frame).
 * @param {State} s @param {boolean} [full]
 */
export function validate(s, full = true) {
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
    hold(s, COVERED, Boolean(s.unseen || style === COVERED || s.cover));
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

/** Whether the element is among the first PER_CAPABILITY connected elements of each of its capabilities. @param {State} s */
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

// While an element is in view, its checks run every frame (a cover or a style painted even once is seen, and then
// holds 500 ms), with the full hit test four times a second and at once on any change of the page's tree, and on
// any transition or animation; off screen the observer reports.

/** The connected elements, in the order they were connected. @type {Set<State>} */
export const live = new Set();
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
    if (!s.native) s.render(); // a new `lang` of the element or an ancestor: the label in that language
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

/** The observer of an element's intersection with the viewport (and of its visibility, where the browser has v2). @param {State} s */
export function observe(s) {
  s.io = new IntersectionObserver((entries) => {
    const e = entries[entries.length - 1];
    hold(s, CLIPPED, e.intersectionRatio < 0.99);
    s.unseen = /** @type {any} */ (e).isVisible === false && e.intersectionRatio >= 0.99; // IntersectionObserver v2, where it exists
    s.seen = e.isIntersecting;
    follow();
    validate(s);
  }, /** @type {IntersectionObserverInit} */ ({ rootMargin: '-4px', threshold: [0, 0.99, 1], trackVisibility: true, delay: 100 }));
  s.io.observe(s.el);
}

// ---- Whose focus: a key press counts as a click only where the person moved the focus (Tab, or a pointer).

/** Whether the person is moving the focus now (this task). */
export let personal = false;
if (typeof addEventListener === 'function') {
  /** @param {Event} e */
  const mark = (e) => {
    if (!e.isTrusted || (e.type === 'keydown' && /** @type {KeyboardEvent} */ (e).key !== 'Tab')) return;
    personal = true;
    setTimeout(() => { personal = false; });
  };
  for (const type of ['keydown', 'pointerdown', 'mousedown', 'touchstart']) addEventListener(type, mark, true);
}
