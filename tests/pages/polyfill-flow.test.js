// Issue 21, items 1-5: unmodified code calling the platform's functions, with install({ patch: true, prompts }),
// gets the library's pre-prompt (words from `prompts`, or from data-permission-* on the element the person
// activated), the library's refusals in the platform's shapes (compared with the browser's own refusal in the same
// page), one-time grants whose tracks Revoke ends, and no modal without user activation: the chip first.
// Calls "from a click" are made in the handler of a real WebDriver click (user activation); the others from script.
import {
  test, assert, assertEqual, describe, load, freshStorage, finish, note, outside, settle, sleep, waitFor, engine,
} from './harness.js';
import {
  waitHost, waitGone, choose, toPrompt, nativeAllows, stopAll, auditLog, hosts, noActivation, titleOf, CHIP, fromClick,
} from './prompt-util.js';
import { axeOn } from './elements-util.js';

const KEY = 'jp-test-polyfill-flow';
const PROMPTS = { geolocation: { title: 'Show the shops near you?', reason: 'To list the shops within walking distance.' } };
const original = {
  getUserMedia: MediaDevices.prototype.getUserMedia,
  getCurrentPosition: Geolocation.prototype.getCurrentPosition,
  requestPermission: globalThis.Notification && Notification.requestPermission,
};



const reasonOf = (host) => host.shadowRoot.querySelector('[part~="reason"]').textContent;

/** Geolocation through callbacks: resolves { ok, value | error } once either callback runs. */
function position(start) {
  return new Promise((resolve) => start((value) => resolve({ ok: true, value }), (error) => resolve({ ok: false, error })));
}

freshStorage();
const mod = await load();
let p = null;
let audit = null;
if (mod) {
  await test('install({patch: true, prompts}): a query made before the engine is ready waits for it and is the library\'s', async () => {
    const installing = mod.install({ patch: true, prompts: PROMPTS, storageKey: KEY });
    const early = navigator.permissions.query({ name: 'camera' });
    p = await installing;
    const s = await early;
    assert('grant' in s, 'the early query answered without the library (no grant)');
    audit = auditLog(p);
  });
}

if (p) {
  await test('setup: the browser grants camera when asked (fake or mock device)', async () => { note(await nativeAllows('camera')); });

  await test('getUserMedia from a click inside data-permission-title/-reason: the pre-prompt has those words; Allow this time: a live track, status one-time, audited', async () => {
    await toPrompt(p, 'camera');
    const card = document.createElement('div');
    card.dataset.permissionTitle = 'Scan the ticket with your camera?';
    card.dataset.permissionReason = 'The scanner reads the code on your ticket.';
    const inner = document.createElement('span');
    card.append(inner);
    document.body.append(card);
    const n = audit.events.length;
    const [pending] = await fromClick(() => settle(() => navigator.mediaDevices.getUserMedia({ video: true })), inner);
    const host = await waitHost('pre-prompt');
    assertEqual(titleOf(host), 'Scan the ticket with your camera?', 'pre-prompt title');
    assertEqual(reasonOf(host), 'The scanner reads the code on your ticket.', 'pre-prompt reason');
    await choose('allow-once');
    const r = await pending;
    await waitGone('pre-prompt');
    card.remove();
    assert(r.ok, `getUserMedia rejected: ${describe(r.error)}`);
    const track = r.value.getVideoTracks()[0];
    assertEqual(track && track.readyState, 'live', 'the video track');
    const s = await navigator.permissions.query({ name: 'camera' });
    assertEqual(`${s.state} ${s.grant}`, 'granted one-time', 'camera after Allow this time (through the patched query)');
    assert(audit.since(n).includes('decision:camera:allow-once'), `audits: ${JSON.stringify(audit.since(n))}`);
    await p.revoke({ name: 'camera' });
    assertEqual(track.readyState, 'ended', 'the track from the patched getUserMedia after Revoke');
    assert(audit.since(n).includes('revocation:camera:manual'), `audits: ${JSON.stringify(audit.since(n))}`);
    stopAll(r.value);
  }, { timeout: 20000 });

  await test("getUserMedia, Don't allow: rejects NotAllowedError DOMException with reason 'user', the browser's own refusal's name and type", async () => {
    await toPrompt(p, 'microphone');
    const [pending] = await fromClick(() => settle(() => navigator.mediaDevices.getUserMedia({ audio: true })));
    await waitHost('pre-prompt');
    await choose('dont-allow');
    const r = await pending;
    await waitGone('pre-prompt');
    assert(!r.ok, 'resolved');
    assert(r.error instanceof DOMException, `${describe(r.error)} is not a DOMException`);
    assertEqual(r.error.name, 'NotAllowedError', 'name');
    assertEqual(r.error.reason, 'user', 'reason');
    const set = await settle(() => outside('setPermission', { name: 'microphone', state: 'denied' }));
    if (set.ok) {
      const n = await settle(() => original.getUserMedia.call(navigator.mediaDevices, { audio: true }));
      if (!n.ok) {
        assertEqual(`${r.error.constructor.name} ${r.error.name}`, `${n.error.constructor.name} ${n.error.name}`, 'patched refusal vs the browser\'s own');
      } else { note('the browser granted microphone although set denied (automation)'); stopAll(n.value); }
      await settle(() => outside('setPermission', { name: 'microphone', state: 'prompt' }));
    } else note(`microphone cannot be set denied here: ${set.error.message}`);
    await p.reset({ name: 'microphone' });
  }, { timeout: 20000 });

  await test("getCurrentPosition from a click: the words of `prompts`; Don't allow: the error callback with a GeolocationPositionError of code 1, as the browser's own", async () => {
    await toPrompt(p, 'geolocation');
    let success = 0;
    let settled;
    const pending = new Promise((resolve) => { settled = resolve; });
    await fromClick(() => navigator.geolocation.getCurrentPosition((value) => { success++; settled({ ok: true, value }); }, (error) => settled({ ok: false, error })));
    const host = await waitHost('pre-prompt');
    assertEqual(titleOf(host), PROMPTS.geolocation.title, 'pre-prompt title from prompts');
    await choose('dont-allow');
    const r = await pending;
    await waitGone('pre-prompt');
    assert(!r.ok, 'the success callback ran');
    const e = r.error;
    assert(e instanceof GeolocationPositionError, `${describe(e)} is not a GeolocationPositionError`);
    assertEqual(e.code, 1, 'code');
    assertEqual(e.code, e.PERMISSION_DENIED, 'code === PERMISSION_DENIED');
    assertEqual(typeof e.message, 'string', 'typeof message');
    const set = await settle(() => outside('setPermission', { name: 'geolocation', state: 'denied' }));
    if (set.ok) {
      const n = await position((ok, fail) => original.getCurrentPosition.call(navigator.geolocation, ok, fail));
      assert(!n.ok, 'the browser\'s own call succeeded while denied');
      assertEqual(`${e.constructor.name} ${e.code}`, `${n.error.constructor.name} ${n.error.code}`, 'patched refusal vs the browser\'s own');
      await settle(() => outside('setPermission', { name: 'geolocation', state: 'prompt' }));
    } else note(`geolocation cannot be set denied here: ${set.error.message}`);
    assertEqual(success, 0, 'success callbacks');
    await p.reset({ name: 'geolocation' });
  }, { timeout: 20000 });

  if (original.requestPermission) {
    await test("Notification.requestPermission from a click: Don't allow resolves 'denied', × resolves 'default'; the legacy callback gets the same", async () => {
      for (const [choice, expected] of [['dont-allow', 'denied'], ['dismiss', 'default']]) {
        await toPrompt(p, 'notifications');
        let called = null;
        const [pending] = await fromClick(() => settle(() => Notification.requestPermission((v) => { called = v; })));
        await waitHost('pre-prompt');
        await choose(choice);
        const r = await pending;
        await waitGone('pre-prompt');
        assert(r.ok, `rejected: ${describe(r.error)}`);
        assertEqual(r.value, expected, `requestPermission after ${choice}`);
        assert(await waitFor(() => called !== null, 1000), 'the legacy callback was not called');
        assertEqual(called, expected, `the legacy callback after ${choice}`);
      }
      await p.reset({ name: 'notifications' });
    }, { timeout: 20000 });
  }

  await test('blocked in the browser, a call without user activation: no dialog at all, the platform\'s refusal at once, as the browser\'s own (requestPermission \'denied\' and its callback; geolocation code 1)', async () => {
    const notify = (fn) => () => new Promise((resolve) => {
      let called = null;
      fn((v) => { called = v; }).then((v) => setTimeout(() => resolve(`${v}, callback ${called}`), 50));
    });
    const locate = (fn) => () => new Promise((resolve) => fn(() => resolve('position'), (e) => resolve(`${e.constructor.name} code ${e.code}`)));
    const cases = [['geolocation', locate((ok, fail) => original.getCurrentPosition.call(navigator.geolocation, ok, fail)),
      locate((ok, fail) => navigator.geolocation.getCurrentPosition(ok, fail))]];
    if (original.requestPermission) {
      cases.push(['notifications', notify((cb) => original.requestPermission.call(Notification, cb)), notify((cb) => Notification.requestPermission(cb))]);
    }
    let compared = 0;
    for (const [name, nativeCall, patchedCall] of cases) {
      const set = await settle(() => outside('setPermission', { name, state: 'denied' }));
      if (!set.ok) { note(`${name} cannot be set denied here: ${set.error.message}`); continue; }
      p.refresh();
      await sleep(300);
      const s = await navigator.permissions.query({ name });
      if (s.state === 'denied') {
        await noActivation();
        const before = document.querySelectorAll('[data-jit-permissions]').length;
        const n = await nativeCall();
        const l = await patchedCall();
        assertEqual(l, n, `${name}: patched vs native, blocked`);
        assertEqual(document.querySelectorAll('[data-jit-permissions]').length, before, `${name}: dialogs or chips shown`);
        note(`${name} blocked, both: ${n}`);
        compared++;
      } else note(`${engine}: ${name} set denied reads ${s.state} here`);
      await settle(() => outside('setPermission', { name, state: 'prompt' }));
      p.refresh();
      await sleep(300);
    }
    if (!compared) note('no capability could be set denied and read as denied here');
  }, { timeout: 30000 });

  await test('a call without user activation (on load): no modal, the chip; its × is a dismissal (NotAllowedError, reason dismissed)', async () => {
    await toPrompt(p, 'camera');
    await noActivation();
    const pending = settle(() => navigator.mediaDevices.getUserMedia({ video: true }));
    assert(await waitFor(() => document.querySelector(CHIP), 5000), 'no chip');
    await sleep(300);
    assertEqual(hosts('pre-prompt').length, 0, 'pre-prompts shown for a call without activation');
    const chip = document.querySelector(CHIP);
    const open = chip.shadowRoot.querySelector('[part~="open"]');
    assertEqual(open.textContent, 'Use your camera?', 'the chip names what the site asks for');
    assertEqual(chip.shadowRoot.querySelector('[role="status"]') !== null, true, 'a status region');
    chip.id = 'the-chip';
    const found = await axeOn(chip);
    assertEqual(found.join('\n'), '', 'axe violations on the chip');
    open.click(); // not a person: ignored
    await sleep(100);
    assertEqual(hosts('pre-prompt').length, 0, 'pre-prompts after a synthetic click on the chip');
    await outside('click', { host: CHIP, selector: '[part~="dismiss"]' });
    const r = await pending;
    assert(!r.ok, 'resolved');
    assertEqual(`${r.error.name} ${r.error.reason}`, 'NotAllowedError dismissed', 'the refusal');
    assertEqual(document.querySelector(CHIP), null, 'the chip after ×');
    await p.reset({ name: 'camera' });
  }, { timeout: 20000 });

  await test('a call without user activation: opening the chip (a real click) shows the pre-prompt; Allow this time gives the track', async () => {
    await toPrompt(p, 'camera');
    await noActivation();
    const pending = settle(() => navigator.mediaDevices.getUserMedia({ video: true }));
    assert(await waitFor(() => document.querySelector(CHIP), 5000), 'no chip');
    await outside('click', { host: CHIP, selector: '[part~="open"]' });
    await waitHost('pre-prompt');
    await choose('allow-once');
    const r = await pending;
    await waitGone('pre-prompt');
    assert(r.ok, `rejected: ${describe(r.error)}`);
    assertEqual(r.value.getVideoTracks()[0].readyState, 'live', 'the track');
    await p.revoke({ name: 'camera' });
    assertEqual(r.value.getVideoTracks()[0].readyState, 'ended', 'the track after Revoke');
  }, { timeout: 20000 });
  await p.reset({ name: 'camera' });
}

await finish();
