// Issue 21, item 7: real third-party code, unmodified, installed from npm (tests/package.json): html5-qrcode 2.3.8's
// Html5Qrcode#start (getUserMedia), on a page with install({ patch: true, prompts }). It knows nothing of the library. Checked: a call on
// load (no user activation) gets the chip, not a modal; from a click, the pre-prompt shows the configured words;
// Allow this time gives a live video track; the status is one-time; Revoke ends the scanner's track (the panel's in-use
// mark goes).
import {
  test, assert, assertEqual, describe, load, freshStorage, finish, note, outside, settle, sleep, waitFor,
} from './harness.js';
import {
  waitHost, waitGone, choose, toPrompt, nativeAllows, hosts, CONTROLS, noActivation, titleOf, CHIP, fromClick,
} from './prompt-util.js';

const KEY = 'jp-test-polyfill-qrcode';
const PROMPTS = {
  geolocation: { title: 'Show where you are on the map?', reason: 'The map centres on your position.' },
  camera: { title: 'Scan the code on your ticket?', reason: 'The scanner needs your camera while it reads the code.' },
};



freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test('install({patch: true, prompts, indicator: true})', async () => {
    p = await mod.install({ patch: true, prompts: PROMPTS, storageKey: KEY, indicator: true });
  });
}

if (p) {
  const panel = p.controls(document.getElementById('panel'));
  await panel.ready;
  const row = (name) => document.querySelector(`#panel > ${CONTROLS}`).shadowRoot.querySelector(`li[data-capability="${name}"]`);

  await test('html5-qrcode Html5Qrcode#start from a click: the pre-prompt with the configured words; Allow this time: a live video track, camera one-time; Revoke ends it', async () => {
    note(await nativeAllows('camera'));
    await toPrompt(p, 'camera');
    const scanner = new globalThis.Html5Qrcode('reader');
    let started;
    await fromClick(() => { started = settle(() => scanner.start({ facingMode: 'environment' }, { fps: 2 }, () => {}, () => {})); });
    const host = await waitHost('pre-prompt');
    assertEqual(titleOf(host), PROMPTS.camera.title, 'pre-prompt title');
    await choose('allow-once');
    await waitGone('pre-prompt');
    const r = await started;
    assert(r.ok, `start() rejected: ${describe(r.error)}`);
    const video = document.querySelector('#reader video');
    const track = video && video.srcObject && video.srcObject.getVideoTracks()[0];
    assertEqual(track && track.readyState, 'live', "the scanner's video track");
    const s = await navigator.permissions.query({ name: 'camera' });
    assertEqual(`${s.state} ${s.grant}`, 'granted one-time', 'camera');
    assert(await waitFor(() => row('camera').hasAttribute('data-in-use'), 3000), 'the panel does not show camera in use');
    const indicator = () => document.querySelector('body > [data-jit-permissions="indicator"]')?.shadowRoot.querySelector('[part~="indicator"]');
    assert(await waitFor(() => indicator() && !indicator().hidden, 3000), 'the in-use indicator does not show the scanner\'s camera');
    // The scanner plays its video first (a play() it does not wait for rejects if the video goes meanwhile).
    await waitFor(() => video.readyState >= 2, 3000);
    let ended = 0;
    track.addEventListener('ended', () => { ended++; });
    await p.revoke({ name: 'camera' });
    assertEqual(track.readyState, 'ended', "the scanner's track after Revoke");
    await sleep(50);
    // The library fires `ended` on the track it handed out; the scanner's srcObject shows it in Chromium and WebKit.
    if (ended !== 1) note(`'ended' events on the scanner's srcObject track: ${ended}`);
    assert(await waitFor(() => !row('camera').hasAttribute('data-in-use'), 3000), 'camera still in use after Revoke');
    assert(await waitFor(() => indicator().hidden, 3000), 'the in-use indicator still shows after Revoke');
    await settle(() => scanner.stop());
  }, { timeout: 30000 });

  await test('Html5Qrcode#start without user activation (as on load): the chip, not a modal; opening it then Allow this time starts the scanner', async () => {
    await toPrompt(p, 'camera');
    const scanner = new globalThis.Html5Qrcode('reader');
    await noActivation();
    const started = settle(() => scanner.start({ facingMode: 'environment' }, { fps: 2 }, () => {}, () => {}));
    assert(await waitFor(() => document.querySelector(CHIP), 5000), 'no chip');
    await sleep(300);
    assertEqual(hosts('pre-prompt').length, 0, 'pre-prompts for a call without activation');
    await outside('click', { host: CHIP, selector: '[part~="open"]' });
    await waitHost('pre-prompt');
    await choose('allow-once');
    await waitGone('pre-prompt');
    const r = await started;
    assert(r.ok, `start() rejected: ${describe(r.error)}`);
    await waitFor(() => document.querySelector('#reader video')?.readyState >= 2, 3000);
    const track = document.querySelector('#reader video')?.srcObject?.getVideoTracks()[0];
    assertEqual(track && track.readyState, 'live', "the scanner's track");
    await p.revoke({ name: 'camera' });
    assertEqual(track.readyState, 'ended', 'after Revoke');
    await settle(() => scanner.stop());
  }, { timeout: 30000 });
  panel.destroy();
  await p.reset({ name: 'camera' });
}

await finish();
