// What blocks access (issue 13, SPEC "The pre-prompt": recovery that says what actually blocks access), through the
// library's error mapping, and help() saying what applies in each state.
//
// FAKED, and only here: the operating system's block, a busy device and a missing device cannot be produced in these
// browsers (fake or mock devices, no OS privacy switch under automation), so this page replaces
// MediaDevices.prototype.getUserMedia BEFORE the library loads with a wrapper that, when a test asks, rejects the next
// call with the DOMException the browsers throw in those cases: NotAllowedError "Permission denied by system"
// (Chromium's words), NotReadableError (Chromium "Could not start video source", Firefox "Failed to allocate
// videosource") and NotFoundError ("Requested device not found"). Every other call, and every call after the fake one,
// goes to the browser's own getUserMedia. A real missing device (Chromium without fake devices) is tested in
// tests/e2e/devices.test.mjs; a real frame without `allow` in policy.frames.test.html.
// Every choice is a real click (WebDriver), every Try again too.
import { test, assert, assertEqual, settle, note, engine, describe, finish, outside, sleep, waitFor } from './harness.js';
import { hosts, waitHost, waitGone, choose, expectStatus, toPrompt, nativeAllows, stopAll, installPage } from './prompt-util.js';

const original = MediaDevices.prototype.getUserMedia;
const failNext = []; // [name, message] for each of the next calls to fail
let calls = 0;
MediaDevices.prototype.getUserMedia = function getUserMedia(constraints) {
  calls++;
  const next = failNext.shift();
  if (next) return Promise.reject(new DOMException(next[1], next[0]));
  return original.call(this, constraints);
};

const { p, audit } = await installPage('jp-test-causes');
const REC = 'div[data-jit-permissions="recovery"]';
const retry = () => outside('click', { host: REC, selector: 'button[data-action="retry"]' });

/**
 * Asks for the camera through getUserMedia and allows it in the pre-prompt (a real click); resolves once clicked with
 * `{ call }`, the settling call. (One request to the runner at a time: the next click waits for this one.)
 */
async function allowCamera() {
  await toPrompt(p, 'camera');
  const call = settle(() => p.getUserMedia({ video: true }));
  await waitHost('pre-prompt');
  await choose('allow-once');
  return { call };
}

if (p) {
  await test('setup: the browser grants the camera when asked', async () => {
    note(await nativeAllows('camera'));
  });

  await test('system (faked NotAllowedError "Permission denied by system"): the help names the device, its steps, Try again (real click) calls the browser again and the call resolves', async () => {
    const n = audit.events.length;
    failNext.push(['NotAllowedError', 'Permission denied by system']);
    const before = calls;
    const { call } = await allowCamera();
    const host = await waitHost('recovery');
    assertEqual(host.getAttribute('data-cause'), 'system', 'cause');
    const root = host.shadowRoot;
    assertEqual(root.querySelector('[part~="title"]').textContent, 'Your device blocks the camera for your browser', 'title');
    assert(root.querySelectorAll('[part~="step"]').length >= 2, 'steps');
    assertEqual(root.querySelector('dialog').getAttribute('aria-describedby'), 'jp-reason jp-steps', 'the steps describe the dialog');
    expectStatus(await p.query({ name: 'camera' }), 'denied', null, 'system', 'status while the system blocks');
    await retry();
    const r = await call;
    assert(r.ok, `getUserMedia rejected: ${describe(r.error)}`);
    assertEqual(calls - before, 2, 'native calls (the refused one, and Try again)');
    assertEqual(r.value.getVideoTracks()[0]?.readyState, 'live', 'track');
    expectStatus(await p.query({ name: 'camera' }), 'granted', 'one-time', null, 'status after Try again');
    assert(audit.since(n).includes('blocked:camera:system'), `audit: ${JSON.stringify(audit.since(n))}`);
    stopAll(r.value);
    await waitGone('recovery');
  }, { timeout: 20000 });

  await test('system, closed: the call rejects NotAllowedError reason system; the status says system; help() then shows the device steps', async () => {
    failNext.push(['NotAllowedError', 'Permission denied by system']);
    const { call } = await allowCamera();
    await waitHost('recovery');
    await choose('close', 'recovery');
    const r = await call;
    assert(!r.ok, 'the call resolved');
    assertEqual(`${r.error.name} ${r.error.reason}`, 'NotAllowedError system', 'rejection');
    expectStatus(await p.query({ name: 'camera' }), 'denied', null, 'system', 'status');
    const help = settle(() => p.help({ name: 'camera' }));
    const host = await waitHost('recovery');
    assertEqual(host.getAttribute('data-cause'), 'system', 'help() cause');
    assertEqual(host.shadowRoot.querySelectorAll('[data-action="retry"]').length, 0, 'no Try again in help(): there is no call to retry');
    await choose('close', 'recovery');
    assert((await help).ok, 'help() rejected');
  }, { timeout: 20000 });

  await test('system, while the status says so: the next call shows the help before the browser; Try again goes to the browser', async () => {
    expectStatus(await p.query({ name: 'camera' }), 'denied', null, 'system', 'status before');
    const before = calls;
    const call = settle(() => p.getUserMedia({ video: true }));
    const host = await waitHost('recovery');
    assertEqual(host.getAttribute('data-cause'), 'system', 'cause');
    assertEqual(calls, before, 'no native call before the person acts');
    await retry();
    const r = await call;
    assert(r.ok, `getUserMedia rejected: ${describe(r.error)}`);
    assertEqual(calls - before, 1, 'native calls');
    stopAll(r.value);
  }, { timeout: 20000 });

  await test('busy (faked NotReadableError): the help says another app uses it, Try again tries again; Close rejects with the native NotReadableError', async () => {
    const n = audit.events.length;
    failNext.push(['NotReadableError', 'Could not start video source'], ['NotReadableError', 'Could not start video source']);
    const { call } = await allowCamera();
    let host = await waitHost('recovery');
    assertEqual(host.getAttribute('data-cause'), 'busy', 'cause');
    assertEqual(host.shadowRoot.querySelector('[part~="title"]').textContent, 'Another app is using the camera', 'title');
    const first = host;
    await retry();
    assert(await waitFor(() => hosts('recovery').length === 1 && hosts('recovery')[0] !== first), 'no new help after Try again failed again');
    host = await waitHost('recovery');
    assertEqual(host.getAttribute('data-cause'), 'busy', 'still busy after Try again');
    await choose('close', 'recovery');
    const r = await call;
    assert(!r.ok, 'the call resolved');
    assertEqual(`${r.error.name}: ${r.error.message}`, 'NotReadableError: Could not start video source', 'the browser\'s own error');
    assertEqual(audit.since(n).filter((e) => e === 'blocked:camera:busy').length, 2, `audit: ${JSON.stringify(audit.since(n))}`);
    expectStatus(await p.query({ name: 'camera' }), 'granted', 'one-time', null, 'a busy device is not a refusal');
  }, { timeout: 20000 });

  await test('no device (faked NotFoundError): no dialog that cannot help; the call rejects with the native NotFoundError', async () => {
    const n = audit.events.length;
    failNext.push(['NotFoundError', 'Requested device not found']);
    const r = await settle(() => p.getUserMedia({ video: true }));
    assert(!r.ok, 'the call resolved');
    assertEqual(r.error.name, 'NotFoundError', 'error');
    await sleep(300);
    assertEqual(hosts('recovery').length + hosts('pre-prompt').length, 0, 'dialogs');
    assert(audit.since(n).includes('blocked:camera:no-device'), `audit: ${JSON.stringify(audit.since(n))}`);
  });

  await test("help() after the person's Don't allow: says so, offers Reset (real click), which lets the site ask again", async () => {
    await toPrompt(p, 'camera');
    const deny = settle(() => p.request({ name: 'camera' }));
    await waitHost('pre-prompt');
    await choose('dont-allow');
    await deny;
    await waitGone('pre-prompt');
    const n = audit.events.length;
    const help = settle(() => p.help({ name: 'camera' }));
    const host = await waitHost('recovery');
    assertEqual(host.getAttribute('data-cause'), 'user', 'cause');
    assertEqual(host.shadowRoot.querySelectorAll('[part~="step"]').length, 0, 'no browser steps');
    await outside('click', { host: REC, selector: 'button[data-action="reset"]' });
    assert((await help).ok, 'help() rejected');
    // No longer blocked by the person: what the browser says now (it granted the camera earlier in this page, so
    // the library reports that grant, as for a site it never saw).
    const after = await p.query({ name: 'camera' });
    assert(after.state !== 'denied' && after.reason === null, `after Reset: ${after.state} ${after.reason}`);
    note(`after Reset: ${after.state} (${after.grant})`);
    assertEqual(JSON.stringify(audit.since(n)), '["reset:camera"]', 'audit');
  }, { timeout: 15000 });

  await test('help() when granted says so: no unblock steps, no Reset; it stays until the person closes it', async () => {
    const r = await (await allowCamera()).call;
    assert(r.ok, `getUserMedia rejected: ${describe(r.error)}`);
    stopAll(r.value);
    const help = settle(() => p.help({ name: 'camera' }));
    const host = await waitHost('recovery');
    assertEqual(host.getAttribute('data-cause'), 'granted', 'cause');
    assertEqual(host.shadowRoot.querySelector('[part~="title"]').textContent, 'This site may use the camera', 'title');
    assertEqual(JSON.stringify([...host.shadowRoot.querySelectorAll('[part~="choices"] button')].map((b) => b.textContent)), '["Close"]', 'buttons');
    await sleep(1500);
    assertEqual(hosts('recovery').length, 1, 'still open');
    await choose('close', 'recovery');
    assert((await help).ok, 'help() rejected');
  }, { timeout: 15000 });

  await settle(() => p.reset({ name: 'camera' }));
  await settle(() => p.revoke({ name: 'camera' }));
  if (engine === 'chromium') await settle(() => outside('setPermission', { name: 'camera', state: 'prompt' }));
}

MediaDevices.prototype.getUserMedia = original;
await finish();
