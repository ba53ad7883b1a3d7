// Issue 21, item 7: real third-party code, unmodified, installed from npm (tests/package.json): Leaflet 1.9.4's
// map.locate() (getCurrentPosition, and watchPosition with `watch`), on a page with install({ patch: true, prompts }). Neither knows of the library. Checked: a call on
// load (no user activation) gets the chip, not a modal; from a click, the pre-prompt shows the configured words;
// Allow this time gives a position or a live track of positions; the status is one-time; Revoke ends
// the map's watch (the panel's in-use mark goes, no update arrives after it).
import * as L from '/tests/node_modules/leaflet/dist/leaflet-src.esm.js';
import {
  test, assert, assertEqual, describe, load, freshStorage, finish, note, outside, settle, sleep, waitFor,
} from './harness.js';
import {
  waitHost, waitGone, choose, toPrompt, hosts, CONTROLS, noActivation, titleOf, CHIP, fromClick,
} from './prompt-util.js';

const KEY = 'jp-test-polyfill-leaflet';
const PROMPTS = {
  geolocation: { title: 'Show where you are on the map?', reason: 'The map centres on your position.' },
  camera: { title: 'Scan the code on your ticket?', reason: 'The scanner needs your camera while it reads the code.' },
};



/** The map's next locationfound or locationerror (or neither within `ms`: `{ ok: false, e: null }`). */
const located = (map, ms = 8000) => new Promise((resolve) => {
  const found = (e) => { map.off('locationerror', failed); resolve({ ok: true, e }); };
  const failed = (e) => { map.off('locationfound', found); resolve({ ok: false, e }); };
  map.once('locationfound', found);
  map.once('locationerror', failed);
  setTimeout(() => { map.off('locationfound', found); map.off('locationerror', failed); resolve({ ok: false, e: null }); }, ms);
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
    assert(r.ok, `no locationfound: ${r.e ? r.e.message : 'no event in 8 s'}`);
    assert(Number.isFinite(r.e.latlng.lat) && Number.isFinite(r.e.latlng.lng), `latlng ${describe(r.e.latlng)}`);
    const s = await navigator.permissions.query({ name: 'geolocation' });
    assertEqual(`${s.state} ${s.grant}`, 'granted one-time', 'geolocation');
  }, { timeout: 20000 });

  await test('map.locate({watch: true}): positions, shown in use; stopLocate() clears it (in use goes); a new watch: Revoke clears it (in use goes, no update after)', async () => {
    let updates = 0;
    const onFound = () => { updates++; };
    map.on('locationfound', onFound);
    await fromClick(() => map.locate({ watch: true, timeout: 5000 }));
    assert(await waitFor(() => updates > 0, 8000), 'no locationfound from the watch');
    assert(await waitFor(() => row('geolocation').hasAttribute('data-in-use'), 3000), 'the panel does not show geolocation in use');
    map.stopLocate();
    assert(await waitFor(() => !row('geolocation').hasAttribute('data-in-use'), 3000), 'still in use after stopLocate()');
    // The one-time grant holds: a new watch starts without a pre-prompt.
    const before = updates;
    await fromClick(() => map.locate({ watch: true, timeout: 5000 }));
    assert(await waitFor(() => updates > before, 8000), 'no locationfound from the second watch');
    assertEqual(hosts('pre-prompt').length, 0, 'pre-prompts for the second watch');
    assert(await waitFor(() => row('geolocation').hasAttribute('data-in-use'), 3000), 'the second watch is not in use');
    await p.revoke({ name: 'geolocation' });
    assert(await waitFor(() => !row('geolocation').hasAttribute('data-in-use'), 3000), 'geolocation still in use after Revoke');
    const after = updates;
    await sleep(1500);
    assertEqual(updates, after, 'locationfound after Revoke');
    map.stopLocate();
    map.off('locationfound', onFound);
  }, { timeout: 30000 });
  panel.destroy();
  await p.reset({ name: 'geolocation' });
  await settle(() => outside('setPermission', { name: 'geolocation', state: 'prompt' }));
}

await finish();
