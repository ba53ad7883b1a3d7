// The controls panel (SPEC "Controls"): each capability with its state, grant kind and time left, with Revoke, Reset and
// How-to-unblock; it updates live. A revoke through the API shows in the panel, a revoke clicked in the panel (a real
// WebDriver click inside its shadow root) shows in the API with a `change` event, the one-time row counts down, Reset
// clears a Don't allow, destroy() removes the panel, and controls() rejects a non-element with TypeError.
// The browser's denial is set from outside (run.mjs setPermission). WebKit fires no `change` for it, so there the
// row updates when the library re-checks as the page becomes visible again (the page hides and shows itself for real).
import {
  test, assert, assertEqual, settle, note, engine, describe, finish, outside, sleep, waitFor,
  askNotificationsNatively, recheckByVisibility,
} from './harness.js';
import {
  CONTROLS, waitHost, waitGone, choose, auditLog, expectStatus, toPrompt, nativeAllows, restoreNative, installPage,
} from './prompt-util.js';

const { p, audit } = await installPage('jp-test-controls');

const GATED = ['camera', 'microphone', 'geolocation', 'notifications'];
const parent = document.createElement('div');
parent.id = 'panel-parent';
document.body.append(parent);
let handle = null;
const host = () => parent.querySelector(CONTROLS);
const row = (name) => host()?.shadowRoot.querySelector(`li[part~="row"][data-capability="${name}"]`);
const rowState = (name) => {
  const r = row(name);
  return r ? `${r.getAttribute('data-state')}/${r.getAttribute('data-grant') || '-'}/${r.getAttribute('data-reason') || '-'}` : 'no row';
};
const click = (name, action) => outside('click', { host: `#panel-parent > ${CONTROLS}`, selector: `li[data-capability="${name}"] button[data-action="${action}"]` });
const timeLeft = (name) => row(name).querySelector('[part~="time-left"]');
/** The minutes of "Until you leave this site, at most 15 h 59 min". */
const minutes = (text) => {
  const m = /^Until you leave this site, at most (\d+) h (\d+) min$/.exec(text || '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

/** Asks for a capability and clicks `choice` in the pre-prompt. */
async function decide(name, choice) {
  const pending = settle(() => p.request({ name }));
  await waitHost('pre-prompt');
  await choose(choice);
  const r = await pending;
  assert(r.ok, `request(${name}) rejected: ${describe(r.error)}`);
  await waitGone('pre-prompt');
  return r.value;
}

if (p) {
  await test('controls(element) mounts one panel with a row per gated capability, each showing its state', async () => {
    handle = p.controls(parent);
    assert(handle && typeof handle.destroy === 'function', `controls() returned ${describe(handle)}`);
    // The panel shows once the UI module has loaded (at once when a dialog loaded it before).
    assertEqual(await handle.ready, true, 'handle.ready');
    assert(host(), 'no div[data-jit-permissions="controls"] inside the element');
    assert(host().shadowRoot, 'the panel host has no open shadow root');
    const rows = [...host().shadowRoot.querySelectorAll('li[part~="row"]')].map((r) => r.getAttribute('data-capability'));
    assertEqual(JSON.stringify(rows), JSON.stringify(GATED), 'rows');
    for (const name of GATED) {
      const s = await p.query({ name });
      assertEqual(row(name).getAttribute('data-state'), s.state, `${name} row data-state vs query()`);
    }
  });

  await test('a one-time grant shows in the panel (granted, one-time): until you leave this site, at most about 16 h', async () => {
    await nativeAllows('camera');
    await toPrompt(p, 'camera');
    const s = await decide('camera', 'allow-once');
    expectStatus(s, 'granted', 'one-time', null, 'status after Allow this time');
    assert(await waitFor(() => rowState('camera') === 'granted/one-time/-', 2000), `camera row: ${rowState('camera')}`);
    const t = timeLeft('camera');
    assert(!t.hidden, 'time-left is hidden');
    const first = t.textContent;
    const a = minutes(first);
    assert(a >= 959 && a <= 960, `time left ${JSON.stringify(first)} is not about 16 h`);
    assertEqual(t.getAttribute('datetime'), `PT${Math.floor(a / 60)}H${a % 60}M`, 'datetime');
    assert(/^Last choice: Allow this time, /.test(row('camera').querySelector('[part~="history"]').textContent), 'history');
    note(`time left: ${first}`);
  });

  await test('revoke() through the API: the camera row goes from granted to prompt, its countdown hidden', async () => {
    assertEqual(rowState('camera'), 'granted/one-time/-', 'camera row before');
    await p.revoke({ name: 'camera' });
    assert(await waitFor(() => rowState('camera') === 'prompt/-/-', 2000), `camera row after revoke(): ${rowState('camera')}`);
    assert(timeLeft('camera').hidden, 'time-left still shown');
    assertEqual(row('camera').querySelector('button[data-action="revoke"]').getAttribute('aria-disabled'), 'true',
      'revoke button of a capability at prompt is aria-disabled');
  });

  await test("the panel's Revoke button (real click): the API's status fires change and reads prompt; revocation audited", async () => {
    const s0 = await decide('camera', 'allow-once');
    expectStatus(s0, 'granted', 'one-time', null, 'status after Allow this time');
    const status = await p.query({ name: 'camera' });
    const seen = [];
    status.onchange = () => seen.push(status.state);
    assert(await waitFor(() => rowState('camera') === 'granted/one-time/-', 2000), `camera row: ${rowState('camera')}`);
    assertEqual(row('camera').querySelector('button[data-action="revoke"]').getAttribute('aria-disabled'), null, 'revoke button enabled');
    const n = audit.events.length;
    await click('camera', 'revoke');
    assert(await waitFor(() => seen.length >= 1, 3000), 'no change event after the panel revoke');
    await sleep(300);
    assertEqual(JSON.stringify(seen), JSON.stringify(['prompt']), 'change events (state read in each)');
    expectStatus(await p.query({ name: 'camera' }), 'prompt', null, null, 'query() after');
    assertEqual(rowState('camera'), 'prompt/-/-', 'camera row');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['revocation:camera:manual']), 'audit events (a manual revocation)');
    status.onchange = null;
  });

  await test("Reset (real click) clears a Don't allow: the row and the API go from denied (user) to prompt", async () => {
    await toPrompt(p, 'geolocation');
    const s = await decide('geolocation', 'dont-allow');
    expectStatus(s, 'denied', null, 'user', "status after Don't allow");
    assert(await waitFor(() => rowState('geolocation') === 'denied/-/user', 2000), `geolocation row: ${rowState('geolocation')}`);
    const detail = row('geolocation').querySelector('[part~="detail"]');
    assertEqual(detail.textContent, "You chose Don't allow", 'row detail');
    assertEqual(row('geolocation').querySelector('button[data-action="reset"]').getAttribute('aria-disabled'), null, 'reset button enabled');
    const n = audit.events.length;
    await click('geolocation', 'reset');
    const after = await p.query({ name: 'geolocation' });
    assert(await waitFor(() => after.state !== 'denied', 2000), 'the status stayed denied');
    assert(['prompt', 'granted'].includes(after.state), `state after reset: ${after.state}`);
    assertEqual(after.reason, null, 'reason after reset');
    assert(await waitFor(() => rowState('geolocation').startsWith(after.state), 2000), `geolocation row after reset: ${rowState('geolocation')}`);
    if (after.state === 'granted') note('geolocation is granted by the browser (chromedriver), so reset shows it granted');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['reset:geolocation']), 'audit events');
  });

  await test('browser denies notifications: the row updates live and its How to unblock button (real click) opens the help', async () => {
    const help = () => row('notifications').querySelector('button[data-action="help"]');
    assert(help().hidden, 'the help button is shown while the browser does not block');
    if (engine === 'webkit') {
      // WebKit reports a notifications denial only to an origin that has asked (harness.js askNotificationsNatively).
      note(`WebKit: the page asked natively once first; Notification.requestPermission() answered ${JSON.stringify(await askNotificationsNatively())}`);
    }
    await outside('setPermission', { name: 'notifications', state: 'denied' });
    try {
      const how = await recheckByVisibility();
      if (how) note(how);
      assert(await waitFor(() => rowState('notifications') === 'denied/-/browser', 3000), `notifications row: ${rowState('notifications')}`);
      assert(!help().hidden, 'the help button is hidden while the browser blocks');
      await click('notifications', 'help');
      const h = await waitHost('recovery');
      assertEqual(h.shadowRoot.querySelector('[part~="title"]').textContent, 'Your browser blocks notifications for this site', 'help title');
      await choose('close', 'recovery');
      await waitGone('recovery');
    } finally {
      await restoreNative('notifications');
    }
    await recheckByVisibility();
    assert(await waitFor(() => rowState('notifications') === 'prompt/-/-', 3000), `notifications row after prompt: ${rowState('notifications')}`);
  }, { timeout: 20000 });

  await test('destroy() right after controls() mounts nothing: ready resolves false, no panel host appears', async () => {
    const other = document.createElement('div');
    document.body.append(other);
    const h = p.controls(other);
    h.destroy();
    assertEqual(await h.ready, false, 'ready of a panel destroyed before it showed');
    await sleep(100);
    assertEqual(other.querySelector(CONTROLS), null, 'panel host');
    other.remove();
  });

  await test('destroy() removes the panel host; a later change does not throw; destroy() again is harmless', async () => {
    handle.destroy();
    assertEqual(host(), null, 'panel host after destroy()');
    assertEqual(document.querySelectorAll(CONTROLS).length, 0, 'panel hosts in the document');
    await p.revoke({ name: 'camera' });
    await p.reset({ name: 'camera' });
    handle.destroy();
    await sleep(100);
  });

  await test("controls('not an element') throws TypeError; so do controls() and controls({})", async () => {
    for (const bad of ['not an element', undefined, {}]) {
      let err = null;
      try { p.controls(bad); } catch (e) { err = e; }
      assert(err instanceof TypeError, `controls(${JSON.stringify(bad)}) threw ${err ? describe(err) : 'nothing'}`);
    }
    assertEqual(document.querySelectorAll(CONTROLS).length, 0, 'panel hosts after the bad calls');
  });

  for (const name of ['camera', 'geolocation']) await settle(() => p.reset({ name }));
  if (engine === 'chromium') await restoreNative('camera');
}

await finish();
