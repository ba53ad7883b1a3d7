// A tiny in-page test harness for the page tests (tests/pages/*.test.html), driven by run.mjs.
//
// Contract with the runner (run.mjs), all on `window`:
//   __results  array of { name, ok, error, skipped?, notes? } once finished
//   __done     true once __results is final
//   __current  name of the test running now (the runner prints it when a page times out)
//   __partial  the results so far (the runner prints them when a page times out)
//   __errors   uncaught errors and unhandled rejections seen in the page (the runner fails on them)
//   __request  { id, kind, ...args }: an action the page asks the runner to do from outside
//   __reply    { id, ok, error, value? }: the runner's answer to the request with the same id, followed by a
//              'jit-permissions-reply' event on window
//
// Tests run one after another in the order they were declared; each has a timeout.

const results = [];
const errors = [];
let chain = Promise.resolve();
let current = null;
let nextRequestId = 1;

// A page that handed over to this one (handOff() below) left its results and request counter in sessionStorage.
const CARRY = 'jit-permissions-harness:carry';
try {
  // A page opened fresh in a new tab by the runner (harness reopenFresh()) gets them in its URL's fragment.
  const inHash = location.hash.startsWith('#carry=') ? decodeURIComponent(location.hash.slice(7)) : null;
  if (inHash) history.replaceState(null, '', location.pathname + location.search);
  const carried = JSON.parse(inHash || sessionStorage.getItem(CARRY) || 'null');
  if (carried) {
    sessionStorage.removeItem(CARRY);
    results.push(...carried.results);
    errors.push(...carried.errors);
    nextRequestId = carried.nextRequestId;
  }
} catch { /* storage blocked, or nothing carried */ }

window.__done = false;
window.__partial = results;
window.__errors = errors;
window.__current = null;

window.addEventListener('error', (e) => {
  // Resource load failures (a module script that 404s) reach here in the capture phase only.
  const what = e.error ? describe(e.error) : (e.message || `failed to load ${e.target?.src || e.target?.href || '?'}`);
  errors.push(`uncaught: ${what}`);
}, true);
window.addEventListener('unhandledrejection', (e) => {
  errors.push(`unhandled rejection: ${describe(e.reason)}`);
});

/** 'chromium' | 'firefox' | 'webkit' from the user agent (WebKitGTK says Safari, never Chrome). */
export const engine = (() => {
  const ua = navigator.userAgent;
  if (/Firefox\//.test(ua)) return 'firefox';
  if (/Chrom(e|ium)\//.test(ua)) return 'chromium';
  if (/AppleWebKit\//.test(ua)) return 'webkit';
  return 'unknown';
})();

export function describe(err) {
  if (err instanceof Error || (err && typeof err === 'object' && 'name' in err && 'message' in err)) {
    return `${err.name}: ${err.message}`;
  }
  try { return `non-Error thrown: ${typeof err} ${JSON.stringify(err)}`; } catch { return `non-Error thrown: ${String(err)}`; }
}

export class AssertionError extends Error {
  constructor(message) { super(message); this.name = 'AssertionError'; }
}

export function assert(cond, message = 'assertion failed') {
  if (!cond) throw new AssertionError(message);
}

function show(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
}

export function assertEqual(actual, expected, message = '') {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${message ? message + ': ' : ''}expected ${show(expected)}, got ${show(actual)}`);
  }
}

/**
 * Checks that `promiseOrFn` rejects with an error named `errorName` (and, for built-in names like TypeError,
 * an instance of it). Given a function, a synchronous throw is a failure: the Permissions API rejects, it never throws.
 * Resolves with the error for further checks.
 */
export async function assertRejects(promiseOrFn, errorName, message = '') {
  const pre = message ? message + ': ' : '';
  let promise = promiseOrFn;
  if (typeof promiseOrFn === 'function') {
    try {
      promise = promiseOrFn();
    } catch (err) {
      throw new AssertionError(`${pre}threw synchronously (${describe(err)}) instead of returning a rejected promise`);
    }
  }
  if (!promise || typeof promise.then !== 'function') {
    throw new AssertionError(`${pre}expected a promise, got ${show(promise)}`);
  }
  let value;
  try {
    value = await promise;
  } catch (err) {
    const ctor = globalThis[errorName];
    const okName = err && err.name === errorName;
    const okType = typeof ctor !== 'function' || !(ctor.prototype instanceof Error || ctor === Error) || err instanceof ctor;
    if (!okName || !okType) {
      throw new AssertionError(`${pre}expected rejection with ${errorName}, got ${describe(err)}`);
    }
    return err;
  }
  throw new AssertionError(`${pre}expected rejection with ${errorName}, but it resolved with ${describeValue(value)}`);
}

function describeValue(v) {
  if (v && typeof v === 'object' && 'state' in v) return `a status {name: ${show(v.name)}, state: ${show(v.state)}}`;
  return show(v);
}

/** Settles a promise into { ok, value } or { ok: false, error } (a synchronous throw counts as a rejection). */
export async function settle(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Attaches a note to the running test (engine differences worth reporting); the runner prints it. */
export function note(text) {
  if (current) (current.notes ||= []).push(String(text));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A full garbage collection where the engine exposes gc() (Chromium, started with --js-flags=--expose-gc); resolves
 * whether there was one. The asynchronous form runs in a task of its own with no stack under it: the plain gc()
 * collects inside the call, and Blink then scans the native stack conservatively, so a stale word there keeps a
 * random object alive (3 of 1000 removed elements in 1 handles run of 24 under load; in another run 11 held after
 * gc() were all freed by the asynchronous form).
 */
export async function collectGarbage() {
  if (typeof gc !== 'function') return false;
  await gc({ type: 'major', execution: 'async' });
  return true;
}

/** Polls `cond` every 25 ms until it is truthy or `ms` pass; resolves with whether it became truthy. */
export async function waitFor(cond, ms = 5000) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (cond()) return true;
    await sleep(25);
  }
  return !!cond();
}

/** Declares a test; it runs after the ones declared before it. Resolves with its result. */
export function test(name, fn, { timeout = 10000 } = {}) {
  chain = chain.then(() => run(name, fn, timeout));
  return chain;
}

async function run(name, fn, timeout) {
  const result = { name, ok: false, error: null };
  current = result;
  window.__current = name;
  let timer;
  try {
    await Promise.race([
      Promise.resolve().then(fn),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new AssertionError(`timed out after ${timeout} ms`)), timeout); }),
    ]);
    result.ok = true;
  } catch (err) {
    if (err instanceof SkipSignal) {
      result.ok = true;
      result.skipped = true;
      result.error = err.message;
    } else {
      result.error = err instanceof AssertionError ? err.message : describe(err);
    }
  } finally {
    clearTimeout(timer);
    current = null;
    window.__current = null;
  }
  results.push(result);
  return result;
}

class SkipSignal extends Error {}

/** Records a skipped test with the reason (declared in order like test()). */
export function skip(name, why) {
  chain = chain.then(() => { results.push({ name, ok: true, skipped: true, error: String(why) }); });
  return chain;
}

/** Inside a running test: stops it and records it as skipped with the reason. */
export function skipNow(why) {
  throw new SkipSignal(String(why));
}

/**
 * Asks the runner to do something from outside the page (e.g. kind 'setPermission' with { name, state }).
 * Resolves with the reply's value; rejects with the runner's or driver's error text.
 */
export async function outside(kind, args = {}, timeout = 10000) {
  const id = nextRequestId++;
  window.__request = { id, kind, ...args };
  const end = performance.now() + timeout;
  while (!(window.__reply && window.__reply.id === id)) {
    if (performance.now() > end) throw new AssertionError(`outside(${kind}) got no reply in ${timeout} ms (is run.mjs driving this page?)`);
    // The runner fires 'jit-permissions-reply' with each reply: a hidden page, whose timers run late, wakes at once.
    await new Promise((resolve) => {
      const done = () => { clearTimeout(timer); window.removeEventListener('jit-permissions-reply', done); resolve(); };
      const timer = setTimeout(done, 20);
      window.addEventListener('jit-permissions-reply', done);
    });
  }
  const reply = window.__reply;
  window.__request = null;
  if (!reply.ok) throw new Error(reply.error || `outside(${kind}) failed`);
  return reply.value;
}

/**
 * Whether this engine fires `change` on its own PermissionStatus objects when the browser's state changes (measured:
 * Chromium and Firefox do; WebKit never does, a page learns of a change only by querying again).
 */
export const NATIVE_CHANGE_EVENTS = engine !== 'webkit';

/**
 * After the browser's state was changed from outside: where the engine fires no `change` (WebKit), hides and shows the
 * page for real (hidePage()), so that the library learns of the change through its documented fallback, a re-check
 * when the page becomes visible again. Resolves with a note saying what was done, or null where nothing was needed.
 */
export async function recheckByVisibility() {
  if (NATIVE_CHANGE_EVENTS) return null;
  await sleep(200);
  const h = await hidePage();
  await sleep(100);
  await h.show();
  return `${engine} fires no change on its own PermissionStatus: the library re-checked when the page became visible again (hidden by ${h.how}${h.fake ? ', FAKED: ' + h.notes.join('; ') : ''})`;
}

/**
 * Calls the browser's own Notification.requestPermission() from a real click (a WebDriver Element Click on a button
 * added for the purpose, so the call carries user activation) and resolves with the browser's answer.
 * WebKit reports a notifications denial to query() as 'prompt' until the origin has asked once in this browser session
 * (measured with WebKitGTK 2.50: a fingerprinting protection; afterwards query() follows the browser's setting), so a
 * page that needs WebKit to show a denial asks once first, as a site that has asked before.
 */
export async function askNotificationsNatively(timeout = 5000) {
  const button = document.createElement('button');
  button.id = 'jit-permissions-ask-natively';
  button.textContent = 'Ask for notifications (the browser\'s own request)';
  const answered = new Promise((resolve) => {
    button.addEventListener('click', () => {
      Notification.requestPermission().then(resolve, (err) => resolve(`rejected: ${describe(err)}`));
    }, { once: true });
  });
  document.body.append(button);
  try {
    await outside('click', { selector: '#jit-permissions-ask-natively' });
    return await Promise.race([answered, sleep(timeout).then(() => `no answer within ${timeout} ms`)]);
  } finally {
    button.remove();
  }
}

/** Forgets what earlier pages of this origin stored, so each page starts from a fresh site-level record. */
export function freshStorage() {
  try { localStorage.clear(); } catch { /* storage blocked: the library runs in memory */ }
  try { sessionStorage.clear(); } catch { /* idem */ }
}

/** Loads the package under test; a failure to load is a failing test, and the page still finishes. */
export async function load() {
  let mod = null;
  await test('load /pkg/index.js', async () => {
    mod = await import('/pkg/index.js');
    assertEqual(typeof mod.install, 'function', 'typeof install');
  });
  return mod;
}

/** Waits for every declared test, then publishes the results for the runner. */
export async function finish() {
  await chain;
  // Let late errors and unhandled rejections (reported after a task) reach the listeners above.
  await sleep(50);
  for (const e of errors) results.push({ name: 'no uncaught errors in the page', ok: false, error: e });
  window.__results = results.slice();
  window.__done = true;
}

/**
 * Ends this document's part of the page test and navigates to `url` (a page of the same origin that imports this
 * harness and goes on), or calls `url` when it is a function that navigates (a reload, a click on a link, a step
 * back in history). The results so far and the request counter travel in sessionStorage; the runner keeps
 * polling the window. Call it instead of finish(), after every declared test.
 */
export async function handOff(url) {
  await chain;
  await sleep(50);
  // A function navigates as it likes (a reload, a real click on a link, history.back()), and may ask the runner on
  // the way: the next document's requests count on from beyond those.
  const ahead = typeof url === 'function' ? 10 : 0;
  sessionStorage.setItem(CARRY, JSON.stringify({ results, errors, nextRequestId: nextRequestId + ahead }));
  if (typeof url === 'function') await url();
  else location.assign(url);
}

/**
 * Ends this document's part of the page test by closing this tab (the site's only page, as a person would) and
 * opening `url` fresh in a new tab `wait` ms later (see run.mjs `reopen`). The results so far go along. Call it
 * instead of finish(), after every declared test.
 */
export async function reopenFresh(url, wait = 0) {
  await chain;
  await sleep(50);
  const carry = { results, errors, nextRequestId: nextRequestId + 1 };
  await outside('reopen', { url: new URL(url, location.href).href, wait, carry }, 30000).catch(() => {});
}

/**
 * Really hides this page (`document.visibilityState` 'hidden', with its `visibilitychange`), the first way that
 * works in this engine, and resolves with { how, fake, notes, at, show() }: `at` is performance.now() when the page
 * went hidden; `show()` undoes it and waits until visible.
 *   1. window.open('about:blank'): hides the opener in Chromium and Firefox; WebKit blocks it without user
 *      activation (returns null), and a popup it does open stands beside the opener, which stays visible.
 *   2. outside('minimize'): WebDriver Minimize Window; hides the page in all three engines here.
 *   3. faked in the page (a `visibilityState` getter and a dispatched event), only when both fail: `fake` is true
 *      and `notes` say what the engine answered.
 */
export async function hidePage({ timeout = 3000 } = {}) {
  const notes = [];
  const hidden = () => document.visibilityState === 'hidden';
  // Waits on the event, not by polling: timers of a hidden page run late (Firefox: at most once a second).
  const waitFor = (cond, ms) => new Promise((resolve) => {
    if (cond()) { resolve(true); return; }
    const done = (v) => { clearTimeout(timer); document.removeEventListener('visibilitychange', check); resolve(v); };
    const check = () => { if (cond()) done(true); };
    const timer = setTimeout(() => done(cond()), ms);
    document.addEventListener('visibilitychange', check);
  });
  const visibleAgain = async (how) => {
    if (!(await waitFor(() => !hidden(), timeout))) throw new AssertionError(`the page did not become visible again after ${how}`);
  };
  // `at`: performance.now() when the page went hidden (a WebDriver round trip can end well after that).
  let at = null;
  const stamp = () => { if (at === null && hidden()) at = performance.now(); };
  document.addEventListener('visibilitychange', stamp);
  const result = (how, fake, show) => {
    document.removeEventListener('visibilitychange', stamp);
    return { how, fake, notes, show, at: at ?? performance.now() };
  };
  if (hidden()) notes.push('the page was already hidden');
  let popup = null;
  try {
    popup = window.open('about:blank', '_blank');
  } catch (err) {
    notes.push(`window.open('about:blank') threw ${describe(err)}`);
  }
  if (popup) {
    if (await waitFor(hidden, timeout)) {
      return result("window.open('about:blank')", false, async () => { popup.close(); await visibleAgain('closing the popup'); });
    }
    notes.push(`window.open('about:blank') opened a window, but this page stayed '${document.visibilityState}'`);
    popup.close();
    await sleep(100);
  } else if (!notes.length) {
    notes.push("window.open('about:blank') returned null (popup blocked without user activation)");
  }
  try {
    await outside('minimize');
    if (await waitFor(hidden, timeout)) {
      return result('WebDriver Minimize Window', false, async () => { await outside('restore'); await visibleAgain('restoring the window'); });
    }
    notes.push(`WebDriver Minimize Window left this page '${document.visibilityState}'`);
    await outside('restore');
  } catch (err) {
    notes.push(`WebDriver Minimize Window failed: ${err.message}`);
  }
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  document.dispatchEvent(new Event('visibilitychange'));
  return result('faked in the page', true, async () => {
    delete document.visibilityState;
    delete document.hidden;
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/** Arguments that native `navigator.permissions.query` rejects with TypeError, labelled for test names. */
export const BAD_DESCRIPTORS = [
  ['no argument', []],
  ['undefined', [undefined]],
  ['null', [null]],
  ['a number', [5]],
  ['a string', ['camera']],
  ['{} (no name)', [{}]],
  ['{name: 5}', [{ name: 5 }]],
  ["{name: 'bogus-name'}", [{ name: 'bogus-name' }]],
];
