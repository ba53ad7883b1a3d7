// `change` events forwarded from the browser's own permission changes: the runner changes a gated capability's native
// state from outside (outside('setPermission'), see run.mjs), and the library's status objects must each fire exactly
// one `change` per change of the reported state, and none when the state did not change.
//
// How each engine's state is set from outside, and what its own query() and PermissionStatus then do (measured):
// - Chromium (chromedriver `POST /session/{id}/permissions`): every name; query() follows, native `change` fires.
// - Firefox: camera and microphone through the chrome context (Services.perms, geckodriver --allow-system-access),
//   geolocation and notifications through geckodriver's permissions endpoint; query() follows, native `change` fires.
// - WebKit (the project's test browser answering WebKit's query-permission-state signal, tests/webkit-browser/):
//   query() follows, but WebKit never fires `change` on its PermissionStatus objects, so here the library learns of
//   the change from its documented fallback, a re-check when the page becomes visible again: the test hides and shows
//   the page for real (WebDriver Minimize Window, then Set Window Rect) after each change.
//   WebKit also reports a denial as 'prompt' to a page that has not asked for the capability (a fingerprinting
//   protection). For notifications the page asks once natively first (harness.js askNotificationsNatively()), after
//   which WebKit reports the denial; for camera and microphone it stays hidden (asking means capturing, and a capture
//   makes WebKit report granted for the rest of the page), so there the library must report what WebKit shows:
//   prompt, the browser's earlier grant ended, never granted.
// Each engine runs the cycle prompt -> granted -> denied -> denied again -> prompt for: Chromium and Firefox camera and
// microphone; WebKit camera and notifications.
import {
  test, skip, assert, assertEqual, settle, note, engine, describe, load, freshStorage, finish, outside, sleep, waitFor,
  askNotificationsNatively, recheckByVisibility, NATIVE_CHANGE_EVENTS, collectGarbage,
} from './harness.js';

const originalQuery = navigator.permissions.query;
const native = (...args) => originalQuery.apply(navigator.permissions, args);
const EVENT_WAIT = 5000; // ms to wait for an expected change event
const QUIET = 700; // ms to keep listening after it, to catch a duplicate

const CAPABILITIES = { chromium: ['camera', 'microphone'], firefox: ['camera', 'microphone'], webkit: ['camera', 'notifications'] }[engine]
  || ['camera', 'microphone', 'notifications', 'geolocation'];
/** What this engine's query() reports after `state` was set from outside (see the header). */
const shown = (name, state) => (engine === 'webkit' && state === 'denied' && name !== 'notifications' ? 'prompt' : state);

freshStorage();
let asked = null;
if (engine === 'webkit' && CAPABILITIES.includes('notifications')) {
  // Before install(), so the library starts from what WebKit reports once the origin has asked.
  const r = await settle(async () => {
    await outside('setPermission', { name: 'notifications', state: 'prompt' });
    return askNotificationsNatively();
  });
  asked = r.ok ? `the page asked natively once; Notification.requestPermission() answered ${JSON.stringify(r.value)}` : `asking natively failed: ${describe(r.error)}`;
}
const mod = await load();
let p = null;
if (mod) {
  await test('install() resolves', async () => {
    p = await mod.install();
    assert(p && typeof p.query === 'function', `install() resolved with ${describe(p)}`);
    if (asked) note(`notifications: ${asked}`);
  });
}

/** Declares the change-event tests for one capability whose native state the runner can set. */
async function cycle(CAP) {
  const OTHER = CAP === 'geolocation' ? 'notifications' : 'geolocation';
  // Start from a known state: the capability at prompt.
  const ready = await settle(() => outside('setPermission', { name: CAP, state: 'prompt' }));
  const [g, d, pr] = ['granted', 'denied', 'prompt'].map((s) => shown(CAP, s));
  const deniedShown = d === 'denied';
  const NAMES = [
    `set ${CAP} granted: the onchange status gets exactly one change, reporting granted`,
    `set ${CAP} granted: the addEventListener status gets exactly one change, reporting granted`,
    `set ${CAP} granted: two status objects for ${CAP} both see it`,
    `set ${CAP} granted: a status kept only by its listener fires too`,
    `set ${CAP} granted: no change on ${OTHER}`,
    deniedShown
      ? `set ${CAP} denied: each status gets exactly one more change, reporting denied (reason browser)`
      : `set ${CAP} denied, which ${engine} reports as prompt to a page that has not asked: each status gets exactly one more change, reporting prompt (the browser's grant ended), never granted`,
    `set ${CAP} denied again (same state): no change event`,
    pr !== d
      ? `set ${CAP} back to prompt: each status gets exactly one more change, reporting prompt`
      : `set ${CAP} back to prompt, which ${engine} already reported: no change event`,
    `${CAP}: a dropped status keeps firing while one of its two capture phases still listens; a once listener fires once`,
  ];
  if (!ready.ok) {
    for (const name of NAMES) skip(name, `${engine}'s driver cannot set ${CAP} from outside: ${ready.error.message}`);
    return;
  }
  // The library's reported states after each step, and so its change events so far.
  const reported = [];
  const after = (state) => { if (reported[reported.length - 1] !== state) reported.push(state); return reported.slice(); };
  const expected = { granted: after(g), denied: after(d), prompt: after(pr) };

  const seen = { onchange: [], listener: [], dropped: [], other: [], native: [], captures: [], once: [] };
  let a, b, nat, droppedRef = null;

  await test(`baseline: ${CAP} at prompt natively and in the library; statuses with listeners attached`, async () => {
    nat = await native({ name: CAP });
    assertEqual(nat.state, 'prompt', `native ${CAP} state after setting it to prompt`);
    nat.onchange = () => seen.native.push(nat.state);

    a = await p.query({ name: CAP });
    assertEqual(a.state, 'prompt', `library ${CAP} state`);
    const onchange = (e) => seen.onchange.push(e.target.state);
    a.onchange = onchange;
    assertEqual(a.onchange, onchange, 'onchange getter returns the handler');

    b = await p.query({ name: CAP });
    b.addEventListener('change', (e) => seen.listener.push(e.target.state));

    // A status whose only reference is the listener the library holds for it.
    await (async function attachDropped() {
      const s = await p.query({ name: CAP });
      s.addEventListener('change', (e) => seen.dropped.push(e.target.state));
      if (typeof WeakRef === 'function') droppedRef = new WeakRef(s);
      // The same listener for both phases, one phase removed: EventTarget still has one.
      const c = await p.query({ name: CAP });
      const inBoth = (e) => seen.captures.push(e.target.state);
      c.addEventListener('change', inBoth, true);
      c.addEventListener('change', inBoth, { capture: false });
      c.removeEventListener('change', inBoth, false);
      // A once listener fires for the first change only.
      const o = await p.query({ name: CAP });
      o.addEventListener('change', (e) => seen.once.push(e.target.state), { once: true });
    })();

    const other = await p.query({ name: OTHER });
    other.onchange = (e) => seen.other.push(e.target.state);

    // Collect garbage where the page can (Chromium is started with --js-flags=--expose-gc). A control object
    // with a listener of its own shows that the collection is real.
    if (typeof gc === 'function') {
      let control = null;
      (() => { const t = new EventTarget(); t.addEventListener('change', () => {}); control = new WeakRef(t); })();
      await sleep(0);
      await collectGarbage();
      await collectGarbage();
      await sleep(0);
      note(`gc() ran; a control EventTarget was ${control.deref() ? 'NOT ' : ''}collected`);
    } else {
      note('gc() is not exposed in this engine: the dropped status may simply not have been collected yet');
    }
  });

  /** Sets the state from outside; where the engine fires no `change`, makes the library re-check by a real hide and show. */
  async function change(state) {
    const nativeBefore = seen.native.length;
    await outside('setPermission', { name: CAP, state });
    if (!NATIVE_CHANGE_EVENTS) {
      note(`${await recheckByVisibility()} (native change events meanwhile: ${seen.native.length - nativeBefore})`);
    }
    const want = expected[state].length;
    await waitFor(() => seen.onchange.length >= want && seen.listener.length >= want && seen.dropped.length >= want, EVENT_WAIT);
    await sleep(QUIET);
    const n = await native({ name: CAP });
    assertEqual(n.state, shown(CAP, state), `native ${CAP} state after setting ${state}`);
    note(`native PermissionStatus change events so far: ${JSON.stringify(seen.native)}`);
  }

  const expectSeen = (key, list) => {
    assertEqual(JSON.stringify(seen[key]), JSON.stringify(list), 'change events seen (state read in each)');
  };

  await test(NAMES[0], async () => {
    await change('granted');
    expectSeen('onchange', expected.granted);
    assertEqual(a.state, 'granted', 'status.state after the change');
    assertEqual(a.grant, 'persistent', 'status.grant (granted by the browser before any decision)');
  });
  await test(NAMES[1], async () => {
    expectSeen('listener', expected.granted);
    assertEqual(b.state, 'granted', 'status.state after the change');
  });
  await test(NAMES[2], async () => {
    assert(seen.onchange.length === 1 && seen.listener.length === 1,
      `onchange status saw ${JSON.stringify(seen.onchange)}, addEventListener status saw ${JSON.stringify(seen.listener)}`);
  });
  await test(NAMES[3], async () => {
    const collected = droppedRef && !droppedRef.deref() ? ' (the status was garbage-collected)' : '';
    assertEqual(JSON.stringify(seen.dropped), JSON.stringify(expected.granted), `change events seen${collected}`);
  });
  await test(NAMES[4], async () => {
    expectSeen('other', []);
  });

  await test(NAMES[5], async () => {
    await change('denied');
    for (const key of ['onchange', 'listener', 'dropped']) expectSeen(key, expected.denied);
    assertEqual(a.state, d, 'status.state');
    assertEqual(a.reason, deniedShown ? 'browser' : null, 'status.reason');
    assertEqual(a.grant, null, 'status.grant');
  });

  await test(NAMES[6], async () => {
    await outside('setPermission', { name: CAP, state: 'denied' });
    // Also make the library re-check without any change: its explicit refresh, and the focus and visibility
    // events it re-checks on. None of these may fire `change`.
    if (typeof p.refresh === 'function') p.refresh();
    window.dispatchEvent(new Event('focus'));
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: false }));
    await sleep(1500);
    if (typeof p.refresh === 'function') p.refresh();
    await sleep(300);
    for (const key of ['onchange', 'listener', 'dropped']) expectSeen(key, expected.denied);
    assertEqual(a.state, d, 'status.state');
    note(`native PermissionStatus change events: ${JSON.stringify(seen.native)}`);
  });

  await test(NAMES[7], async () => {
    await change('prompt');
    for (const key of ['onchange', 'listener', 'dropped']) expectSeen(key, expected.prompt);
    assertEqual(a.state, 'prompt', 'status.state');
    assertEqual(a.reason, null, 'status.reason');
    expectSeen('other', []);
  }, { timeout: 15000 });

  await test(NAMES[8], async () => {
    expectSeen('captures', expected.prompt);
    expectSeen('once', expected.prompt.slice(0, 1));
  });

  // Leave the browser as we found it for what runs after this.
  a.onchange = null;
  nat.onchange = null;
  await settle(() => outside('setPermission', { name: CAP, state: 'prompt' }));
}

if (p) {
  for (const name of CAPABILITIES) await cycle(name);
}

await finish();
