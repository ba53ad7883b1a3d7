// The pre-prompt's choices and their outcomes (SPEC "The pre-prompt", seeds 000/001/002), each made by a real click
// (WebDriver Element Click inside the dialog's shadow root):
// - Allow this time -> granted, grant 'one-time'; Allow on every visit -> 'persistent'; already granted -> no dialog.
// - Don't allow -> denied (reason user); the gated calls reject with a NotAllowedError DOMException saying so; later
//   requests show no dialog unless they ask to reconsider.
// - × -> a dismissal: still prompt, the gated call rejects with NotAllowedError saying it was dismissed; three in a row
//   -> denied (reason embargo), an 'embargo' audit event, no dialog for the next request; an allow resets the count.
// - Audit events prompt-shown, decision (detail = the choice) and revocation; a camera track from the fake device is
//   stopped when its one-time grant ends by revoke().
//
// Allow needs the browser's own request to succeed (prompt-util.js `nativeAllows`): camera in all three engines
// (Chromium: set granted from outside + fake device; Firefox: its own prompt answered Allow by the runner, fake
// streams; WebKit: the automation session lets getUserMedia through, mock devices); notifications set granted from
// outside in all three (WebKit through the test browser's control).
// Refusals make no native call, so they are tested with every gated call in every engine.
import {
  test, assert, assertEqual, settle, note, engine, describe, finish, outside, sleep, waitFor,
} from './harness.js';
import {
  PRE, hosts, waitHost, waitGone, choose, watchHosts, auditLog, expectStatus, toPrompt, nativeAllows, stopAll,
  restoreNative, view, installPage,
} from './prompt-util.js';

const { p, audit } = await installPage('jp-test-choices');
const { isRefusal } = await import('/pkg/index.js');

/**
 * Checks a rejection: a DOMException named NotAllowedError whose message matches, with the `reason` the message names
 * (the shape index.d.ts promises as `Refusal`, which isRefusal() recognises).
 */
const REASONS = [[/Don't allow/, 'user'], [/dismissed/, 'dismissed'], [/embargo/, 'embargo']];
async function expectNotAllowed(promise, pattern, what) {
  const r = await settle(() => promise);
  assert(!r.ok, `${what} resolved (${describe(r.value)}) instead of rejecting`);
  const e = r.error;
  assert(e instanceof DOMException, `${what} rejected with ${describe(e)}, not a DOMException`);
  assertEqual(e.name, 'NotAllowedError', `${what}: error name`);
  const reason = REASONS.find(([re]) => String(re) === String(pattern));
  assert(reason, `${what}: no reason known for ${pattern}`);
  assertEqual(e.reason, reason[1], `${what}: reason`);
  assert(isRefusal(e), `${what}: isRefusal()`);
  assert(pattern.test(e.message), `${what}: message ${JSON.stringify(e.message)} does not match ${pattern}`);
  return e;
}

/** Starts `call()` (a gated call or request), waits for the pre-prompt, clicks `choice`, resolves with the settled call. */
async function answer(call, choice, cap) {
  const pending = settle(call);
  const host = await waitHost('pre-prompt');
  if (cap) assertEqual(host.shadowRoot.querySelector('dialog').getAttribute('data-capability'), cap, 'dialog data-capability');
  await choose(choice);
  const r = await pending;
  await waitGone('pre-prompt');
  return r;
}

const GATED = {
  camera: (prompt) => p.getUserMedia({ video: true }, prompt),
  geolocation: (prompt) => p.getCurrentPosition({ timeout: 2000 }, prompt),
  notifications: (prompt) => p.requestNotifications(prompt),
};

if (p) {
  let cameraNote = null;
  await test('setup: the browser grants camera when asked (fake or mock device)', async () => {
    cameraNote = await nativeAllows('camera');
  });

  await test('request(camera) -> Allow this time: granted, grant one-time, expiresAt 16 h ahead; prompt-shown and decision audited', async () => {
    await toPrompt(p, 'camera');
    const n = audit.events.length;
    const before = Date.now();
    const r = await answer(() => p.request({ name: 'camera' }), 'allow-once', 'camera');
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value, 'granted', 'one-time', null, 'status after Allow this time');
    const left = r.value.expiresAt - before;
    assert(left > 15.9 * 3600e3 && left <= 16 * 3600e3 + 5000, `expiresAt is ${left} ms ahead, expected 16 h`);
    const s = await p.query({ name: 'camera' });
    expectStatus(s, 'granted', 'one-time', null, 'query() after');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['prompt-shown:camera', 'decision:camera:allow-once']), 'audit events');
  });

  await test('a camera track from the fake device is stopped when its one-time grant ends (revoke); revocation audited', async () => {
    const watch = watchHosts();
    const stream = await p.getUserMedia({ video: true });
    assertEqual(watch.stop().added.length, 0, 'dialogs shown for a granted capability');
    const [track] = stream.getVideoTracks();
    assert(track, 'no video track');
    assertEqual(track.readyState, 'live', 'track state before revoke');
    note(`track label: ${track.label}`);
    const n = audit.events.length;
    const s = await p.revoke({ name: 'camera' });
    assertEqual(s.state, 'prompt', 'state after revoke');
    assertEqual(track.readyState, 'ended', 'track state after revoke');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['revocation:camera:manual']), 'audit events of revoke (a manual revocation)');
    stopAll(stream);
  });

  await test('request(camera) -> Allow on every visit: granted, grant persistent, expiresAt null', async () => {
    await toPrompt(p, 'camera');
    const n = audit.events.length;
    const r = await answer(() => p.request({ name: 'camera' }), 'allow-always', 'camera');
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value, 'granted', 'persistent', null, 'status after Allow on every visit');
    assertEqual(r.value.expiresAt, null, 'expiresAt');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['prompt-shown:camera', 'decision:camera:allow-always']), 'audit events');
  });

  await test('already granted: request() and getUserMedia() show no dialog', async () => {
    const watch = watchHosts();
    const s = await p.request({ name: 'camera' });
    expectStatus(s, 'granted', 'persistent', null, 'request() result');
    const stream = await p.getUserMedia({ video: true });
    assertEqual(stream.getVideoTracks()[0]?.readyState, 'live', 'track of the already granted camera');
    stopAll(stream);
    const seen = watch.stop();
    assertEqual(seen.added.length, 0, 'pre-prompt hosts added');
  });

  await test('requestNotifications() -> Allow this time: resolves granted, status one-time', async () => {
    await nativeAllows('notifications');
    await toPrompt(p, 'notifications');
    const r = await answer(() => GATED.notifications(), 'allow-once', 'notifications');
    assert(r.ok, `requestNotifications rejected: ${describe(r.error)}`);
    assertEqual(r.value, 'granted', 'requestNotifications() result');
    expectStatus(await p.query({ name: 'notifications' }), 'granted', 'one-time', null, 'status after');
  });

  for (const [name, call] of Object.entries(GATED)) {
    const fn = { camera: 'getUserMedia', geolocation: 'getCurrentPosition', notifications: 'requestNotifications' }[name];
    await test(`${fn}() -> Don't allow: rejects NotAllowedError saying Don't allow; ${name} denied (reason user); decision audited`, async () => {
      await toPrompt(p, name);
      const n = audit.events.length;
      const r = await answer(() => call(), 'dont-allow', name);
      await expectNotAllowed(r.ok ? Promise.resolve(r.value) : Promise.reject(r.error), /Don't allow/, `${fn}() after Don't allow`);
      expectStatus(await p.query({ name }), 'denied', null, 'user', `${name} status`);
      assertEqual(JSON.stringify(audit.since(n)), JSON.stringify([`prompt-shown:${name}`, `decision:${name}:dont-allow`]), 'audit events');
    });
  }

  await test("site-level block: request() and getUserMedia() without reconsider show no dialog", async () => {
    const watch = watchHosts();
    const s = await p.request({ name: 'camera' });
    expectStatus(s, 'denied', null, 'user', 'request() result');
    await expectNotAllowed(p.getUserMedia({ video: true }), /Don't allow/, 'getUserMedia() while blocked');
    assertEqual(watch.stop().added.length, 0, 'pre-prompt hosts added');
  });

  await test('site-level block: request(camera, {reconsider: true}) shows the dialog; Allow this time lifts the block', async () => {
    const r = await answer(() => p.request({ name: 'camera' }, { reconsider: true }), 'allow-once', 'camera');
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value, 'granted', 'one-time', null, 'status after reconsidering');
  });

  await test('getCurrentPosition() -> × (dismissal): rejects NotAllowedError saying dismissed; geolocation still prompt', async () => {
    await toPrompt(p, 'geolocation');
    const n = audit.events.length;
    const r = await answer(() => GATED.geolocation(), 'dismiss', 'geolocation');
    await expectNotAllowed(r.ok ? Promise.resolve(r.value) : Promise.reject(r.error), /dismissed/, 'getCurrentPosition() after ×');
    expectStatus(await p.query({ name: 'geolocation' }), 'prompt', null, null, 'geolocation status');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['prompt-shown:geolocation', 'decision:geolocation:dismiss']), 'audit events');
  });

  await test('a real click on the backdrop is a dismissal; a click on the dialog body is not', async () => {
    await toPrompt(p, 'geolocation');
    const n = audit.events.length;
    const pending = settle(() => p.request({ name: 'geolocation' }));
    const host = await waitHost('pre-prompt');
    const box = host.shadowRoot.querySelector('dialog').getBoundingClientRect();
    const title = host.shadowRoot.querySelector('[part~="title"]').getBoundingClientRect();
    assert(box.top > 8 || box.left > 8, `the dialog fills the viewport (${JSON.stringify(box)}): no backdrop to click`);
    await outside('clickAt', { x: title.left + 2, y: title.top + title.height / 2 });
    await sleep(200);
    assertEqual(hosts('pre-prompt').length, 1, 'pre-prompt hosts after a click on the title');
    await outside('clickAt', box.left > 8 ? { x: 4, y: Math.round(box.top + box.height / 2) } : { x: Math.round(box.left + box.width / 2), y: 4 });
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value, 'prompt', null, null, 'status after the backdrop click');
    await waitGone('pre-prompt');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['prompt-shown:geolocation', 'decision:geolocation:dismiss']), 'audit events');
  });

  await test('three dismissals in a row: denied (reason embargo), an embargo audit event, no dialog for the 4th request', async () => {
    await toPrompt(p, 'geolocation');
    const n = audit.events.length;
    const states = [];
    for (let i = 0; i < 3; i++) {
      const r = await answer(() => p.request({ name: 'geolocation' }), 'dismiss', 'geolocation');
      assert(r.ok, `request ${i + 1} rejected: ${describe(r.error)}`);
      states.push(`${r.value.state}/${r.value.reason}`);
    }
    assertEqual(JSON.stringify(states), JSON.stringify(['prompt/null', 'prompt/null', 'denied/embargo']), 'state after each dismissal');
    const embargo = audit.events.slice(n).filter((e) => e.type === 'embargo');
    assertEqual(embargo.length, 1, 'embargo audit events');
    assertEqual(embargo[0].name, 'geolocation', 'embargo event name');
    assert(typeof embargo[0].detail === 'number' && embargo[0].detail > Date.now() + 6.9 * 864e5,
      `embargo event detail (end) ${embargo[0].detail} is not about 7 days ahead`);
    const watch = watchHosts();
    const s = await p.request({ name: 'geolocation' });
    expectStatus(s, 'denied', null, 'embargo', '4th request() result');
    await expectNotAllowed(GATED.geolocation(), /embargo/, 'getCurrentPosition() under embargo');
    assertEqual(watch.stop().added.length, 0, 'pre-prompt hosts added for requests under embargo');
    await p.reset({ name: 'geolocation' });
  });

  await test('an allow resets the count: 2 dismissals, Allow this time, revoke, 2 dismissals -> not embargoed', async () => {
    await toPrompt(p, 'camera');
    const seen = [];
    const dismiss = async () => {
      const r = await answer(() => p.request({ name: 'camera' }), 'dismiss', 'camera');
      assert(r.ok, `request rejected: ${describe(r.error)}`);
      seen.push(`${r.value.state}/${r.value.reason}`);
    };
    await dismiss();
    await dismiss();
    const r = await answer(() => p.request({ name: 'camera' }), 'allow-once', 'camera');
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    seen.push(`${r.value.state}/${r.value.grant}`);
    await p.revoke({ name: 'camera' });
    await dismiss();
    await dismiss();
    assertEqual(JSON.stringify(seen), JSON.stringify(['prompt/null', 'prompt/null', 'granted/one-time', 'prompt/null', 'prompt/null']),
      'state after each answer');
  }, { timeout: 15000 });

  await test('no pre-prompt host is left in the DOM', async () => {
    assertEqual(hosts('pre-prompt').length, 0, 'pre-prompt hosts');
    if (cameraNote) note(`allow flows used: ${cameraNote}`);
  });

  // Leave the site-level records and the browser as the next pages expect them.
  for (const name of ['camera', 'geolocation', 'notifications']) await settle(() => p.reset({ name }));
  if (engine === 'chromium') await restoreNative('camera');
  await restoreNative('notifications');
}

await finish();
