// Issue 21, item 7: real third-party code, unmodified, installed from npm (tests/package.json): Leaflet 1.9.4's
// map.locate() (getCurrentPosition, and watchPosition with `watch`) and html5-qrcode 2.3.8's Html5Qrcode#start
// (getUserMedia), on a page with install({ patch: true, prompts }). Neither knows of the library. Checked: a call on
// load (no user activation) gets the chip, not a modal; from a click, the pre-prompt shows the configured words;
// Allow this time gives a position or a live video track; the status is one-time; Revoke ends the scanner's track and
// the map's watch (the panel's in-use mark goes, no update arrives after it).
import * as L from '/tests/node_modules/leaflet/dist/leaflet-src.esm.js';
import {
  test, assert, assertEqual, describe, load, freshStorage, finish, note, outside, settle, sleep, waitFor,
} from './harness.js';
import { waitHost, waitGone, choose, toPrompt, nativeAllows, hosts, CONTROLS } from './prompt-util.js';

const KEY = 'jp-test-polyfill-widgets';
const PROMPTS = {
  geolocation: { title: 'Show where you are on the map?', reason: 'The map centres on your position.' },
  camera: { title: 'Scan the code on your ticket?', reason: 'The scanner needs your camera while it reads the code.' },
};
const CHIP = 'div[data-jit-permissions="chip"]';

/** Waits until the page has no transient user activation left from an earlier real click (a call is then "on load"). */
async function noActivation() {
  if (navigator.userActivation) assert(await waitFor(() => !navigator.userActivation.isActive, 8000), 'the page kept its user activation');
  else await sleep(5200);
}
const titleOf = (host) => host.shadowRoot.querySelector('[part~="title"]').textContent;

let clicks = 0;
/** Runs `fn` in the handler of a real WebDriver click (user activation). */
async function fromClick(fn) {
  const button = document.createElement('button');
  button.id = `go-${++clicks}`;
  button.textContent = 'Go';
  button.addEventListener('click', () => fn());
  document.body.append(button);
  await outside('click', { selector: `#${button.id}` });
  button.remove();
}

/** The map's next locationfound or locationerror. */
const located = (map) => new Promise((resolve) => {
  const found = (e) => { map.off('locationerror', failed); resolve({ ok: true, e }); };
  const failed = (e) => { map.off('locationfound', found); resolve({ ok: false, e }); };
  map.once('locationfound', found);
  map.once('locationerror', failed);
});

freshStorage();
// Geolocation at prompt in the browser too (chromedriver starts it granted), so the call on load needs a decision.
const geoPrompt = await settle(() => outside('setPermission', { name: 'geolocation', state: 'prompt' }));
const mod = await load();
let p = null;
const map = L.map('map');
if (mod) {
  await test('install({patch: true, prompts}); Leaflet\'s map.locate() on load, before the engine is ready: the chip, never a modal; its × is Leaflet\'s locationerror code 1', async () => {
    const installing = mod.install({ patch: true, prompts: PROMPTS, storageKey: KEY });
    const result = located(map);
    map.locate({ timeout: 5000 });
    p = await installing;
    if (!geoPrompt.ok) note(`geolocation not set to prompt from outside: ${geoPrompt.error.message}`);
    assert(await waitFor(() => document.querySelector(CHIP), 5000), 'no chip for the call on load');
    await sleep(300);
    assertEqual(hosts('pre-prompt').length, 0, 'pre-prompts for a call on load');
    assertEqual(document.querySelector(CHIP).shadowRoot.querySelector('[part~="open"]').textContent, PROMPTS.geolocation.title, 'the chip names what is asked (the configured title)');
    await outside('click', { host: CHIP, selector: '[part~="dismiss"]' });
    const r = await result;
    assert(!r.ok, 'locationfound after ×');
    assertEqual(r.e.code, 1, 'locationerror code');
    note(r.e.message);
    await p.reset({ name: 'geolocation' });
  }, { timeout: 20000 });
}

if (p) {
  const panel = p.controls(document.getElementById('panel'));
  await panel.ready;
  const row = (name) => document.querySelector(`#panel > ${CONTROLS}`).shadowRoot.querySelector(`li[data-capability="${name}"]`);

  await test('map.locate() from a click: the pre-prompt with the configured words; Allow this time: locationfound, geolocation one-time', async () => {
    const set = await settle(() => outside('setPermission', { name: 'geolocation', state: 'granted' }));
    if (!set.ok) note(`geolocation not set from outside: ${set.error.message}`);
    await toPrompt(p, 'geolocation');
    const result = located(map);
    await fromClick(() => map.locate({ timeout: 5000 }));
    const host = await waitHost('pre-prompt');
    assertEqual(titleOf(host), PROMPTS.geolocation.title, 'pre-prompt title');
    await choose('allow-once');
    await waitGone('pre-prompt');
    const r = await result;
    assert(r.ok, `locationerror: ${r.e && r.e.message}`);
    assert(Number.isFinite(r.e.latlng.lat) && Number.isFinite(r.e.latlng.lng), `latlng ${describe(r.e.latlng)}`);
    const s = await navigator.permissions.query({ name: 'geolocation' });
    assertEqual(`${s.state} ${s.grant}`, 'granted one-time', 'geolocation');
  }, { timeout: 20000 });

  await test('map.locate({watch: true}): a live track of positions, shown in use; Revoke clears the watch (in use goes, no update after); stopLocate() clears it too', async () => {
    let updates = 0;
    const onFound = () => { updates++; };
    map.on('locationfound', onFound);
    await fromClick(() => map.locate({ watch: true, timeout: 5000 }));
    assert(await waitFor(() => updates > 0, 8000), 'no locationfound from the watch');
    assert(await waitFor(() => row('geolocation').hasAttribute('data-in-use'), 3000), 'the panel does not show geolocation in use');
    await p.revoke({ name: 'geolocation' });
    assert(await waitFor(() => !row('geolocation').hasAttribute('data-in-use'), 3000), 'geolocation still in use after Revoke');
    const after = updates;
    await sleep(1500);
    assertEqual(updates, after, 'locationfound after Revoke');
    map.stopLocate();
    map.off('locationfound', onFound);
    // A watch cleared by the site: in use goes too.
    await toPrompt(p, 'geolocation');
    const result = located(map);
    await fromClick(() => map.locate({ watch: true, timeout: 5000 }));
    await waitHost('pre-prompt');
    await choose('allow-once');
    await waitGone('pre-prompt');
    assert((await result).ok, 'no position from the second watch');
    assert(await waitFor(() => row('geolocation').hasAttribute('data-in-use'), 3000), 'the second watch is not in use');
    map.stopLocate();
    assert(await waitFor(() => !row('geolocation').hasAttribute('data-in-use'), 3000), 'still in use after stopLocate()');
  }, { timeout: 30000 });

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
    // The scanner plays its video first (a play() it does not wait for rejects if the video goes meanwhile).
    await waitFor(() => video.readyState >= 2, 3000);
    let ended = 0;
    track.addEventListener('ended', () => { ended++; });
    await p.revoke({ name: 'camera' });
    assertEqual(track.readyState, 'ended', "the scanner's track after Revoke");
    assertEqual(ended, 1, "'ended' events");
    assert(await waitFor(() => !row('camera').hasAttribute('data-in-use'), 3000), 'camera still in use after Revoke');
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
  await p.reset({ name: 'geolocation' });
  await settle(() => outside('setPermission', { name: 'geolocation', state: 'prompt' }));
}

await finish();
