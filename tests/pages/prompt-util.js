// Helpers shared by the pre-prompt, recovery and controls pages (prompt-*.test.js, recovery.test.js,
// controls.test.js). Not a test page itself (run.mjs runs only *.test.html).
//
// Every person's action goes through the runner (harness.js `outside()`): a real WebDriver click on a button inside
// the dialog's open shadow root, or real key presses through WebDriver Actions. Nothing here calls `.click()` on the
// library's own buttons, so a test passes only if the dialog works for a real pointer and keyboard.
import {
  assert, assertEqual, describe, engine, freshStorage, load, outside, settle, sleep, test, waitFor,
} from './harness.js';

export const PRE = 'div[data-jit-permissions="pre-prompt"]';
export const RECOVERY = 'div[data-jit-permissions="recovery"]';
export const CONTROLS = 'div[data-jit-permissions="controls"]';

/**
 * Starts a page of these tests: clears storage, loads the package and installs it under the page's own storage
 * key, as a test. Resolves with the controller (null if it could not start) and its audit log.
 */
export async function installPage(storageKey) {
  freshStorage();
  const mod = await load();
  let p = null;
  let audit = null;
  if (mod) {
    await test('install() resolves', async () => {
      p = await mod.install({ storageKey });
      assert(p && typeof p.request === 'function' && typeof p.controls === 'function', `install() resolved with ${describe(p)}`);
      audit = auditLog(p);
    });
  }
  return { p, audit };
}

/** Every host of this kind (`pre-prompt`, `recovery`, `controls`) in the document. */
export const hosts = (kind) => [...document.querySelectorAll(`div[data-jit-permissions="${kind}"]`)];

/** Waits for exactly one host of `kind` with an open dialog; resolves with the host. */
export async function waitHost(kind, ms = 5000) {
  const ok = await waitFor(() => {
    const h = hosts(kind);
    return h.length === 1 && h[0].shadowRoot && h[0].shadowRoot.querySelector('dialog[part~="dialog"]')?.open;
  }, ms);
  const found = hosts(kind);
  assert(ok, `no open ${kind} dialog within ${ms} ms (hosts in the DOM: ${found.length})`);
  return found[0];
}

/** Waits until no host of `kind` is left in the DOM. */
export async function waitGone(kind, ms = 5000) {
  const ok = await waitFor(() => hosts(kind).length === 0, ms);
  assert(ok, `the ${kind} host is still in the DOM after ${ms} ms`);
}

/** A real click on a button of the open pre-prompt (or another kind of host). */
export function choose(choice, kind = 'pre-prompt') {
  const selector = choice === 'close' ? 'button[data-action="close"]' : `button[data-choice="${choice}"]`;
  return outside('click', { host: `div[data-jit-permissions="${kind}"]`, selector });
}

/** Real key presses (WebDriver Actions) to whatever has focus. */
export const press = (...keys) => outside('keys', { keys });

/**
 * Records every pre-prompt / recovery host added to the document while it runs, and the most that were in the
 * DOM at one time. `stop()` returns { added: [kind...], most }.
 */
export function watchHosts() {
  const added = [];
  let most = 0;
  const count = () => { most = Math.max(most, hosts('pre-prompt').length + hosts('recovery').length); };
  const mo = new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        const kind = n.nodeType === 1 && n.getAttribute('data-jit-permissions');
        if (kind === 'pre-prompt' || kind === 'recovery') added.push(kind);
      }
    }
    count();
  });
  mo.observe(document.documentElement, { childList: true, subtree: true });
  count();
  return { stop: () => { mo.disconnect(); count(); return { added, most }; } };
}

/** Collects the controller's audit events. */
export function auditLog(p) {
  const events = [];
  p.addEventListener('audit', (e) => events.push(e.detail));
  return {
    events,
    since: (n) => events.slice(n).map((e) => `${e.type}:${e.name}${e.detail === null || e.detail === undefined ? '' : `:${typeof e.detail === 'number' ? 'n' : e.detail}`}`),
  };
}

/** The status as a compact object (for messages). */
export const view = (s) => ({ state: s.state, grant: s.grant, reason: s.reason });

/** Asserts state, grant and reason of a status. */
export function expectStatus(s, state, grant = null, reason = null, what = 'status') {
  assertEqual(JSON.stringify(view(s)), JSON.stringify({ state, grant, reason }), what);
}

/**
 * Brings a gated capability back to prompt in the library whatever came before: forgets the site-level record, then
 * revokes (a grant the browser already holds, or one the library recorded, ends: reported prompt from now on).
 */
export async function toPrompt(p, name) {
  await p.reset({ name });
  await p.revoke({ name });
  const s = await p.query({ name });
  assertEqual(s.state, 'prompt', `${name} brought back to prompt (reset, then revoke)`);
  return s;
}

/**
 * Makes the browser's own request for `name` succeed in this engine, the stand-in for a person clicking Allow in the
 * browser's prompt that follows the pre-prompt. Resolves with a note, or throws (the reason to skip).
 *   camera         chromium: set granted from outside (the fake device flags give the track); firefox: its own prompt,
 *                  answered Allow by the runner as a person would (run.mjs); webkit: the automation session lets
 *                  getUserMedia through and the mock devices give the track.
 *   notifications  set granted from outside (chromium and firefox through their drivers, webkit through the test
 *                  browser's control).
 */
export async function nativeAllows(name) {
  if (name === 'camera') {
    if (engine === 'chromium') await outside('setPermission', { name, state: 'granted' });
    return 'camera';
  }
  if (name === 'notifications') {
    await outside('setPermission', { name, state: 'granted' });
    return 'notifications';
  }
  throw new Error(`no way to make the browser grant ${name} here`);
}

/** Stops every track of a stream (ignores non-streams). */
export function stopAll(stream) {
  if (stream && typeof stream.getTracks === 'function') for (const t of stream.getTracks()) t.stop();
}

/** Leaves the browser's permission as the default for the pages after this one (best effort). */
export async function restoreNative(name) {
  await settle(() => outside('setPermission', { name, state: 'prompt' }));
}

export { sleep };

// ---- The whole-page polyfill's pages (polyfill-*.test.js): calls as a site's own or third-party code makes them.

/** The chip a patched call without user activation shows instead of a modal. */
export const CHIP = 'div[data-jit-permissions="chip"]';

/** A dialog's title text. */
export const titleOf = (host) => host.shadowRoot.querySelector('[part~="title"]').textContent;

/** Waits until the page has no transient user activation left from an earlier real click (a call is then "on load"). */
export async function noActivation() {
  if (navigator.userActivation) assert(await waitFor(() => !navigator.userActivation.isActive, 8000), 'the page kept its user activation');
  else await sleep(5200);
}

/**
 * Runs `fn` in the handler of a real WebDriver click (user activation) on a fresh button inside `parent`; resolves
 * with [what it returned] once the click is done (in a list: a promise it returned is not awaited here).
 */
let clicks = 0;
export async function fromClick(fn, parent = document.body) {
  const button = document.createElement('button');
  button.id = `click-${++clicks}`;
  button.textContent = 'Start';
  let out;
  button.addEventListener('click', (e) => {
    assert(e.isTrusted, 'the click is not trusted');
    try { out = { ok: true, value: fn() }; } catch (error) { out = { ok: false, error }; }
  });
  parent.append(button);
  await outside('click', { selector: `#${button.id}` });
  button.remove();
  assert(out, 'the click handler did not run');
  if (!out.ok) throw out.error;
  return [out.value];
}
