// Helpers of the pages that test issue 10 ("tell the truth under real use"): patch-recheck, patch-shape, evidence,
// revoke-tracks, combined-expiry, constraints, record-shared, queue-holes, inherited-options, busy-page.
// Not a test page itself (run.mjs runs only *.test.html).
//
// Every answer to a dialog is a real WebDriver click (harness.js outside('click')), in this document or, with
// `frame`, inside a same-origin <iframe> of it. A dialog left open by a failing test (the old code shows dialogs the
// new one must not) is closed the same way, so that one failure never stalls the pages after it.
import { AssertionError, describe, engine, note, outside, settle, skipNow, sleep, waitFor } from './harness.js';

// The package's own type guard (issue 15), checked against every refusal asserted here.
let isRefusal = null;
import('/pkg/index.js').then((m) => { isRefusal = m.isRefusal; }, () => {});

/** The library's dialogs open in `doc`: [{ kind: 'pre-prompt' | 'recovery', cap }]. */
export function openDialogs(doc = document) {
  const open = [];
  for (const host of doc.querySelectorAll('div[data-jit-permissions="pre-prompt"], div[data-jit-permissions="recovery"]')) {
    const dialog = host.shadowRoot && host.shadowRoot.querySelector('dialog');
    if (dialog && dialog.open) open.push({ kind: host.getAttribute('data-jit-permissions'), cap: dialog.getAttribute('data-capability') });
  }
  return open;
}

/** Every open `<dialog>` of `doc` (the library's are in open shadow roots), counted. */
export function openModalCount(doc = document) {
  let n = doc.querySelectorAll('dialog[open]').length;
  for (const host of doc.querySelectorAll('[data-jit-permissions]')) {
    if (host.shadowRoot) n += host.shadowRoot.querySelectorAll('dialog[open]').length;
  }
  return n;
}

/**
 * Records every dialog of the library that opens in `doc` while it runs (MutationObserver plus a 20 ms poll, so
 * that a dialog that opens and closes fast is still seen). `stop()` returns the list of { kind, cap } in order.
 */
export function watchDialogs(doc = document) {
  const seen = [];
  const known = new WeakSet();
  const look = () => {
    for (const host of doc.querySelectorAll('div[data-jit-permissions="pre-prompt"], div[data-jit-permissions="recovery"]')) {
      if (known.has(host)) continue;
      known.add(host);
      const dialog = host.shadowRoot && host.shadowRoot.querySelector('dialog');
      seen.push({ kind: host.getAttribute('data-jit-permissions'), cap: dialog ? dialog.getAttribute('data-capability') : null });
    }
  };
  const mo = new MutationObserver(look);
  mo.observe(doc.documentElement, { childList: true, subtree: true });
  const timer = setInterval(look, 20);
  look();
  return { seen, stop: () => { look(); mo.disconnect(); clearInterval(timer); return seen; } };
}

/** Waits for an open dialog of `kind` in `doc`; resolves with its capability, or null after `ms`. */
export async function waitDialog(kind = 'pre-prompt', { doc = document, ms = 5000 } = {}) {
  let found = null;
  await waitFor(() => { found = openDialogs(doc).find((d) => d.kind === kind) || null; return found; }, ms);
  return found ? found.cap : null;
}

/** Waits for any open dialog of the library in `doc`; resolves with { kind, cap }, or null after `ms`. */
export async function waitAnyDialog({ doc = document, ms = 5000 } = {}) {
  let found = null;
  await waitFor(() => { found = openDialogs(doc)[0] || null; return found; }, ms);
  return found;
}

/**
 * A real click on `choice` (allow-once, allow-always, dont-allow, dismiss) of the open pre-prompt, or on
 * 'close' of the recovery help; with `frame`, inside that iframe.
 */
export function answer(choice, { frame = null, kind = 'pre-prompt' } = {}) {
  const selector = choice === 'close' ? 'button[data-action="close"]' : `button[data-choice="${choice}"]`;
  return outside('click', { frame, host: `div[data-jit-permissions="${kind}"]`, selector });
}

/**
 * Closes whatever dialog of the library is open in `doc` (dismiss a pre-prompt, close a recovery help) by real
 * clicks, then by closing the <dialog> from script if a click cannot reach it (two stacked modals). For clean-up after
 * a failure; resolves with what was closed.
 */
export async function closeDialogs({ doc = document, frame = null } = {}) {
  const closed = [];
  for (let round = 0; round < 6; round++) {
    const open = openDialogs(doc);
    if (!open.length) break;
    const top = open[open.length - 1];
    closed.push(`${top.kind}:${top.cap}`);
    const r = await settle(() => answer(top.kind === 'recovery' ? 'close' : 'dismiss', { frame, kind: top.kind }));
    if (!r.ok) {
      for (const host of doc.querySelectorAll(`div[data-jit-permissions="${top.kind}"]`)) {
        const d = host.shadowRoot && host.shadowRoot.querySelector('dialog');
        if (d && d.open) d.close();
      }
    }
    await sleep(150);
  }
  return closed;
}

/**
 * Sets the browser's own state of `name` from outside (harness.js outside('setPermission')). Where the driver
 * cannot, the running test is skipped with the driver's own answer: it starts passing once the runner can set it.
 */
export async function setNativeOrSkip(name, state, why = '') {
  const r = await settle(() => outside('setPermission', { name, state }));
  if (!r.ok) skipNow(`${engine}: the runner cannot set ${name} to ${state} from outside${why ? ` (${why})` : ''}: ${r.error.message}`);
}

/** Best effort: the browser's own state of `name` back to `state` for the pages after this one. */
export async function restoreNative(name, state = 'prompt') {
  const r = await settle(() => outside('setPermission', { name, state }));
  return r.ok;
}

/** The browser's own query, kept before any patching. */
const nativeQuery = Permissions.prototype.query;
export async function nativeState(name) {
  const r = await settle(() => nativeQuery.call(navigator.permissions, { name }));
  return r.ok ? r.value.state : `unqueryable (${describe(r.error)})`;
}

/** Waits until `status.state` is `state` (reading it runs the library's clock check). */
export async function waitState(status, state, ms = 3000) {
  return waitFor(() => status.state === state, ms);
}

/**
 * A track's `ended` events, counted (each event once). Listened to both ways: Firefox ESR 153 here calls a
 * MediaStreamTrack's `onended` but none of its addEventListener listeners (measured: not even for a dispatched
 * event of another type), Chromium and WebKit call both.
 */
export function endedLog(track) {
  const log = { count: 0 };
  const seen = new WeakSet();
  const count = (e) => { if (!seen.has(e)) { seen.add(e); log.count++; } };
  track.addEventListener('ended', count);
  const previous = track.onended;
  track.onended = (e) => { count(e); if (typeof previous === 'function') previous.call(track, e); };
  return log;
}

/** Stops every track of a stream (ignores non-streams). */
export function stopAll(stream) {
  if (stream && typeof stream.getTracks === 'function') for (const t of stream.getTracks()) t.stop();
}

/** Audit events of a controller, as compact strings 'type:name[:detail]'. */
export function audits(p) {
  const events = [];
  p.addEventListener('audit', (e) => events.push(e.detail));
  const text = (e) => `${e.type}:${e.name}${e.detail === null || e.detail === undefined ? '' : `:${typeof e.detail === 'number' ? 'n' : e.detail}`}`;
  return { events, since: (n) => events.slice(n).map(text), get length() { return events.length; } };
}

/** The `change` events of a status: the state read in each. */
export function changes(status) {
  const seen = [];
  status.addEventListener('change', () => seen.push(status.state));
  return seen;
}

/** The status as a compact object, for messages. */
export const view = (s) => (s ? { state: s.state, grant: s.grant, reason: s.reason } : s);

/**
 * Asserts that `r` (a settle() result) is a rejection with a NotAllowedError DOMException whose `reason` is
 * `reason`.
 */
export function assertRefused(r, reason, what) {
  if (r.ok) {
    stopAll(r.value);
    throw new AssertionError(`${what}: expected a NotAllowedError (reason '${reason}'), but it resolved`);
  }
  const e = r.error;
  // A DOMException of any realm (a frame's is not an instance of this page's DOMException).
  const isDomException = Object.prototype.toString.call(e) === '[object DOMException]';
  if (!isDomException || e.name !== 'NotAllowedError') throw new AssertionError(`${what}: expected a NotAllowedError DOMException, got ${describe(e)}`);
  if (e.reason !== reason) throw new AssertionError(`${what}: expected reason '${reason}', got ${JSON.stringify(e.reason)} (${e.message})`);
  if (typeof isRefusal !== 'function' || !isRefusal(e)) throw new AssertionError(`${what}: isRefusal() does not hold for it (${describe(e)})`);
}

/**
 * Adds a same-origin frame of peer-frame.html (which installs the library under `key` unless `install` is false)
 * and waits until it is ready; `hide` names capabilities its Permissions API cannot query (see peer-frame.js).
 * Resolves with { frame, win, peer } (peer: the frame's window.__peer).
 */
export async function addPeerFrame(id, key, { install = true, allow = null, hide = null, ms = 15000 } = {}) {
  const frame = document.createElement('iframe');
  frame.id = id;
  if (allow !== null) frame.setAttribute('allow', allow);
  frame.width = '420';
  frame.height = '320';
  frame.src = `peer-frame.html?key=${encodeURIComponent(key)}${install ? '' : '&install=0'}${hide ? `&hide=${hide}` : ''}`;
  document.body.append(frame);
  const ok = await waitFor(() => frame.contentWindow && frame.contentWindow.__peer && (frame.contentWindow.__peer.ready || frame.contentWindow.__peer.error), ms);
  const peer = frame.contentWindow && frame.contentWindow.__peer;
  if (!ok || !peer) throw new AssertionError(`the frame ${id} did not get ready within ${ms} ms`);
  if (peer.error) throw new AssertionError(`the frame ${id} failed: ${peer.error}`);
  return { frame, win: frame.contentWindow, peer };
}

export { note };
