// The recovery help (SPEC "The pre-prompt": "Denied by the browser: a recovery dialog that says how to unblock it in
// this browser"). The browser's denial of notifications is set from outside (run.mjs setPermission: the drivers of
// Chromium and Firefox, the WebKit test browser's control). WebKit reports that denial only to an origin that has
// asked, so there the page asks natively once first (harness.js askNotificationsNatively()), and since WebKit fires
// no `change`, the library learns of the denial when the page becomes visible again (it hides and shows itself).
// Closing is a real WebDriver click on the dialog's Close button; the help of a gated call also closes by itself when
// the browser's state is changed from outside while it is open (it re-checks every second). help() says what applies
// (here: nothing blocks the camera, the site asks first) and stays until the person closes it.
import {
  test, skip, assert, assertEqual, settle, note, engine, describe, load, freshStorage, finish, outside, sleep, waitFor,
  askNotificationsNatively, recheckByVisibility,
} from './harness.js';
import {
  hosts, waitHost, waitGone, choose, watchHosts, expectStatus, restoreNative,
} from './prompt-util.js';

freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test('install() resolves', async () => {
    p = await mod.install({ storageKey: 'jp-test-recovery' });
    assert(p && typeof p.help === 'function', `install() resolved with ${describe(p)}`);
  });
}

// The first step of each browser's instructions (English built-in strings).
const FIRST_STEP = {
  chromium: /^Click the site information icon/,
  firefox: /^Click the crossed-out permission icon/,
  webkit: /^In the menu bar, choose Safari > Settings/,
};

/** Checks the open recovery dialog: title, steps of this browser, focus on Close. */
function checkRecovery(host, title) {
  const root = host.shadowRoot;
  assertEqual(root.querySelector('dialog').getAttribute('data-capability') !== null, true, 'dialog data-capability');
  assertEqual(root.querySelector('[part~="title"]').textContent, title, 'recovery title');
  const steps = [...root.querySelectorAll('ol[part~="steps"] > li')].map((li) => li.textContent);
  assert(steps.length >= 3, `steps: ${JSON.stringify(steps)}`);
  assert(FIRST_STEP[engine].test(steps[0]), `first step for ${engine}: ${JSON.stringify(steps[0])}`);
  assertEqual(root.activeElement?.getAttribute('data-action'), 'close', 'focus inside the help (the Close button)');
  return steps;
}

if (p) {
  await test('help({name: camera}) at prompt says the site asks first (no unblock steps) and stays until Close (real click)', async () => {
    const done = settle(() => p.help({ name: 'camera' }));
    const host = await waitHost('recovery');
    const root = host.shadowRoot;
    assertEqual(host.getAttribute('data-cause'), 'prompt', 'cause');
    assertEqual(root.querySelector('[part~="title"]').textContent, 'This site asks before it uses the camera', 'title');
    assertEqual(root.querySelectorAll('[part~="step"]').length, 0, 'no steps');
    await sleep(1600);
    assertEqual(hosts('recovery').length, 1, 'the help stays open (it closes only when the person closes it)');
    await choose('close', 'recovery');
    const r = await done;
    assert(r.ok, `help() rejected: ${describe(r.error)}`);
    await waitGone('recovery');
  });

  const NAMES = [
    'browser denies notifications: request() shows the recovery help (no pre-prompt); Close resolves denied, reason browser',
    "browser denies notifications: requestNotifications() shows the help; after Close it rejects NotAllowedError (blocked in the browser)",
    'set back to prompt from outside while the help is open: the help closes by itself and the pre-prompt follows',
    'set to granted from outside while the help is open: the help closes by itself and request() resolves granted',
  ];
  let asked = null;
  if (engine === 'webkit') asked = await settle(() => askNotificationsNatively());
  const denied = await settle(() => outside('setPermission', { name: 'notifications', state: 'denied' }));
  if (!denied.ok) {
    for (const name of NAMES) skip(name, `cannot make the browser deny: ${denied.error.message}`);
  } else {
    const askedNote = asked && (asked.ok ? `WebKit: the page asked natively once first; Notification.requestPermission() answered ${JSON.stringify(asked.value)}` : `asking natively failed: ${describe(asked.error)}`);
    const rc = await settle(() => recheckByVisibility());
    const how = rc.ok ? rc.value : `hiding and showing the page failed: ${describe(rc.error)}`;
    const status = await p.query({ name: 'notifications' });
    await test(NAMES[0], async () => {
      if (askedNote) note(askedNote);
      if (how) note(how);
      assert(await waitFor(() => status.state === 'denied', 3000), `notifications did not become denied: ${status.state}`);
      expectStatus(status, 'denied', null, 'browser', 'status before the request');
      const watch = watchHosts();
      const pending = settle(() => p.request({ name: 'notifications' }));
      const host = await waitHost('recovery');
      checkRecovery(host, 'Your browser blocks notifications for this site');
      await choose('close', 'recovery');
      const r = await pending;
      assert(r.ok, `request rejected: ${describe(r.error)}`);
      expectStatus(r.value, 'denied', null, 'browser', 'request() result');
      await waitGone('recovery');
      assertEqual(JSON.stringify(watch.stop().added), JSON.stringify(['recovery']), 'dialogs shown');
    });

    await test(NAMES[1], async () => {
      const pending = settle(() => p.requestNotifications());
      await waitHost('recovery');
      await choose('close', 'recovery');
      const r = await pending;
      assert(!r.ok, `requestNotifications() resolved with ${describe(r.value)}`);
      assert(r.error instanceof DOMException, `rejected with ${describe(r.error)}`);
      assertEqual(r.error.name, 'NotAllowedError', 'error name');
      assert(/blocked in the browser/.test(r.error.message), `message: ${r.error.message}`);
      await waitGone('recovery');
    });

    await test(NAMES[2], async () => {
      const pending = settle(() => p.request({ name: 'notifications' }));
      await waitHost('recovery');
      await outside('setPermission', { name: 'notifications', state: 'prompt' });
      const t0 = performance.now();
      assert(await waitFor(() => hosts('recovery').length === 0, 4000), 'the help stayed open after the browser unblocked');
      note(`the help closed ${Math.round(performance.now() - t0)} ms after the state was set`);
      // No longer blocked: the request goes on to the pre-prompt, as for any capability at prompt.
      await waitHost('pre-prompt');
      await choose('dismiss');
      const r = await pending;
      assert(r.ok, `request rejected: ${describe(r.error)}`);
      expectStatus(r.value, 'prompt', null, null, 'request() result');
      // No reset here: a reset is a decision ("ask me again") after which the browser's grant is not adopted (issue
      // 20), and the next test needs a capability the library never decided (SPEC "States" rule 5).
    });

    await test(NAMES[3], async () => {
      await outside('setPermission', { name: 'notifications', state: 'denied' });
      await recheckByVisibility();
      assert(await waitFor(() => status.state === 'denied', 3000), `notifications did not become denied: ${status.state}`);
      const pending = settle(() => p.request({ name: 'notifications' }));
      await waitHost('recovery');
      await outside('setPermission', { name: 'notifications', state: 'granted' });
      assert(await waitFor(() => hosts('recovery').length === 0, 4000), 'the help stayed open after the browser granted');
      const r = await pending;
      assert(r.ok, `request rejected: ${describe(r.error)}`);
      expectStatus(r.value, 'granted', 'persistent', null, 'request() result (granted by the browser, no record)');
      assertEqual(hosts('pre-prompt').length, 0, 'pre-prompt hosts');
    });
    await restoreNative('notifications');
  }
  await settle(() => p.reset({ name: 'notifications' }));

  // A denial the engine does not report. WebKit answers query() 'prompt' for a denied capability until the page has
  // asked for it (run.mjs setPermission): the library cannot know before the call, so the pre-prompt shows, and the
  // library learns of the denial from the browser's refusal of the request that follows "Allow this time" (SPEC
  // "Events": learn from the results of the capability calls). Engines that report the denial get the recovery help.
  // Last in this page: WebKit then reports geolocation denied for the rest of the page, whatever the setting.
  const HIDES = engine === 'webkit';
  await test(`browser denies geolocation: getCurrentPosition() rejects NotAllowedError (reason browser) and the status reads denied (browser)${HIDES ? '; WebKit reports prompt until the page asks, so the pre-prompt shows and the denial is learnt from the browser\'s refusal' : ', after the recovery help'}`, async () => {
    await outside('setPermission', { name: 'geolocation', state: 'denied' });
    const how = await recheckByVisibility();
    if (how) note(how);
    const native = await navigator.permissions.query({ name: 'geolocation' });
    assertEqual(native.state, HIDES ? 'prompt' : 'denied', "the browser's own query()");
    const status = await p.query({ name: 'geolocation' });
    assert(await waitFor(() => status.state === native.state, 3000), `geolocation status: ${status.state}`);
    const seen = [];
    status.addEventListener('change', () => seen.push(status.state));
    const watch = watchHosts();
    const pending = settle(() => p.getCurrentPosition({ timeout: 3000 }));
    if (HIDES) {
      await waitHost('pre-prompt');
      await choose('allow-once');
    } else {
      await waitHost('recovery');
      await choose('close', 'recovery');
    }
    const r = await pending;
    assert(!r.ok, `getCurrentPosition() resolved with ${describe(r.value)}`);
    assert(r.error instanceof DOMException && r.error.name === 'NotAllowedError', `rejected with ${describe(r.error)}`);
    assertEqual(r.error.reason, 'browser', 'reason of the rejection');
    note(`rejected: ${r.error.message}`);
    assert(await waitFor(() => status.state === 'denied', 3000), `geolocation status after the call: ${status.state}`);
    expectStatus(status, 'denied', null, 'browser', 'status after the call');
    assertEqual(JSON.stringify(seen), HIDES ? '["denied"]' : '[]', 'change events');
    assertEqual(JSON.stringify(watch.stop().added), JSON.stringify([HIDES ? 'pre-prompt' : 'recovery']), 'dialogs shown');
    note(`the browser's own query() now: ${(await navigator.permissions.query({ name: 'geolocation' })).state}`);
  }, { timeout: 20000 });
  await restoreNative('geolocation');
  await settle(() => p.reset({ name: 'geolocation' }));
}

await finish();
