// @ts-check
// The browser's signals and calls that the runtime (runtime.js) reads, each a small function that never throws: the
// page's visibility, how this document came (an activation or a referrer from this origin, a link or form of this
// origin followed a moment ago), this tab's last leave of a page of the origin (session storage), the state of
// notifications where they cannot be queried, and clearing a geolocation watch.
//
// Part of every page's first load (runtime.js imports it; js/index.js bundles it). Side-effect free.
import { DENIED, GRANTED, PROMPT, UNKNOWN } from './codes.js';

/** This tab's last leave of a page of the origin, and the page of the origin it set out for (session storage). */
export const MARK = 'jit-permissions:left';
const INTENT = 'jit-permissions:to', INTENT_MS = 10000;

export function visible() {
  return document.visibilityState !== 'hidden';
}

export function sessionStore() {
  try { return window.sessionStorage; } catch { return null; }
}

/** Whether the navigation that made this document came from a page of this origin (the Navigation API). */
export function activationFromHere() {
  // @ts-expect-error lib.dom has no Navigation API yet (a browser without it throws here: false).
  try { return Boolean(navigation.activation.from); } catch { return false; }
}

export function referrerFromHere() {
  const origin = location.origin;
  const r = document.referrer;
  return origin !== 'null' && (r === origin || r.startsWith(`${origin}/`));
}

/**
 * The origin and path of a URL of this origin, or null.
 * @param {string} url
 */
function ownPath(url) {
  try {
    const u = new URL(url, location.href);
    return u.origin === location.origin ? u.origin + u.pathname : null;
  } catch { return null; }
}

/** This document is the page of this origin the last page in this tab set out for, a moment ago (used once). */
export function intended() {
  const s = sessionStore();
  const note = s && s.getItem(INTENT);
  if (!note) return false;
  /** @type {Storage} */ (s).removeItem(INTENT);
  const cut = note.lastIndexOf(' ');
  return Math.abs(Date.now() - Number(note.slice(cut + 1))) < INTENT_MS && note.slice(0, cut) === ownPath(location.href);
}

/**
 * Notes, for the page that arrives, that a trusted click on a link or a submitted form sets out for this origin.
 * @param {Event} e
 */
export function noteIntent(e) {
  if (!e.isTrusted || !(e.target instanceof Element)) return;
  const url = e.type === 'submit' ? /** @type {HTMLFormElement} */ (e.target).action
    : /** @type {HTMLAnchorElement | HTMLAreaElement | null} */ (e.target.closest('a[href],area[href]'))?.href;
  const path = url && ownPath(url);
  const s = sessionStore();
  if (path && s) try { s.setItem(INTENT, `${path} ${Date.now()}`); } catch { /* storage full */ }
}

export function markLeave() {
  const t = Date.now();
  try { sessionStore()?.setItem(MARK, String(t)); } catch { /* storage full */ }
  return t;
}

/** The state of notifications as Notification.permission tells it (a state code, UNKNOWN without the interface). */
export function notificationState() {
  if (typeof Notification !== 'function') return UNKNOWN;
  return /** @type {Partial<Record<NotificationPermission, number>>} */ ({ granted: GRANTED, denied: DENIED })[Notification.permission] ?? PROMPT;
}

/** @param {number} id */
export function clearWatch(id) {
  try { navigator.geolocation.clearWatch(id); } catch { /* no geolocation */ }
}
