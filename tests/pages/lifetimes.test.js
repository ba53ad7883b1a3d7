// One-time grants and the pages of the origin (seed 002: "replace 'page' with 'all pages from that origin'"; SPEC
// "One-time grants" 1 and "Events"): page A (this page) opens page B (lifetimes-peer.html) with window.open;
//   - a one-time grant made in A while B is open reaches B's status as one `change` within a second;
//   - a decision made in B reaches A's status the same way;
//   - closing B keeps A's grants;
//   - then A, the only page left, navigates away (handOff() to lifetimes-after.html, which goes on with these
//     results): the next page finds the grants expired.
// The window.open is made from a real WebDriver click on a button: WebKit blocks popups without user activation.
// In Chromium and Firefox, B comes up as a tab in front of A, so A is hidden meanwhile (5-minute hidden timeout here,
// so that does not end anything); in WebKit B is a window beside A and both stay visible.
import {
  test, assert, assertEqual, note, describe, load, freshStorage, settle, outside, sleep, waitFor, handOff,
} from './harness.js';
import { choose, grantOnce } from './grants.js';

const WITHIN = 1000; // ms in which a decision in one page must reach the other's status objects

freshStorage();
let peer = null;
document.getElementById('open-peer').addEventListener('click', () => {
  peer = window.open('lifetimes-peer.html', 'jit-permissions-peer');
});

/** A change log keyed on Date.now() (pages have different performance.now() origins). */
function changes(status) {
  const seen = [];
  seen.at = [];
  status.addEventListener('change', () => { seen.at.push(Date.now()); seen.push(status.state); });
  return seen;
}

const mod = await load();
let p = null;
if (mod) {
  await test('install() in page A', async () => {
    p = await mod.install();
    assert(p && typeof p.query === 'function', `install() resolved with ${describe(p)}`);
  });
}

let B = null;
if (p) {
  const cam = await p.query({ name: 'camera' });
  const mic = await p.query({ name: 'microphone' });
  const seenCam = changes(cam);
  const seenMic = changes(mic);

  await test('page B (lifetimes-peer.html) opens with window.open and installs the library', async () => {
    const r = await settle(() => outside('click', { selector: '#open-peer' }));
    if (!r.ok) note(`WebDriver click on #open-peer failed (${r.error.message})`);
    if (!peer) {
      note('the click opened no window; window.open from script instead');
      peer = window.open('lifetimes-peer.html', 'jit-permissions-peer');
    }
    assert(peer, 'window.open returned null');
    assert(await waitFor(() => peer.__peer && peer.__peer.ready, 10000), 'page B did not install the library within 10 s');
    B = peer.__peer;
    note(`with B open, A is ${document.visibilityState} and B is ${peer.document.visibilityState}`);
    assertEqual(B.statuses.camera.state, 'prompt', "B's camera state before any decision");
  }, { timeout: 15000 });

  if (B) {
    await test('a one-time grant made in A while B is open: B\'s status gets one change (granted) within 1 s', async () => {
      const status = await grantOnce(p, 'camera');
      assertEqual(status.state, 'granted', "A's camera state");
      const grantedAt = seenCam.at[seenCam.indexOf('granted')];
      assert(await waitFor(() => B.seen.camera.length > 0, 5000), "B's camera status got no change event within 5 s");
      await sleep(300);
      const lag = B.seen.camera.at[0] - grantedAt;
      note(`B's change came ${lag} ms after A's`);
      assertEqual(JSON.stringify(B.seen.camera), '["granted"]', "B's camera change events");
      assertEqual(B.statuses.camera.state, 'granted', "B's camera state");
      assertEqual(B.statuses.camera.grant, 'one-time', "B's camera grant");
      assert(lag <= WITHIN, `B's change came ${lag} ms after A's (more than ${WITHIN} ms)`);
    }, { timeout: 15000 });

    await test("a decision made in B (microphone, Allow this time): A's status gets one change (granted) within 1 s", async () => {
      const status = await grantOnce(B.p, 'microphone', { doc: peer.document });
      assertEqual(status.state, 'granted', "B's microphone state");
      const grantedAt = B.seen.microphone.at[B.seen.microphone.indexOf('granted')];
      assert(await waitFor(() => seenMic.length > 0, 5000), "A's microphone status got no change event within 5 s");
      await sleep(300);
      const lag = seenMic.at[0] - grantedAt;
      note(`A's change came ${lag} ms after B's`);
      assertEqual(JSON.stringify(seenMic), '["granted"]', "A's microphone change events");
      assertEqual(mic.grant, 'one-time', "A's microphone grant");
      assert(lag <= WITHIN, `A's change came ${lag} ms after B's (more than ${WITHIN} ms)`);
    }, { timeout: 15000 });

    await test("closing B keeps A's one-time grants", async () => {
      const before = [seenCam.length, seenMic.length];
      peer.close();
      assert(await waitFor(() => peer.closed, 5000), 'B did not close');
      await sleep(700); // B's pagehide reaches A through storage
      assertEqual(cam.state, 'granted', "A's camera state");
      assertEqual(cam.grant, 'one-time', "A's camera grant");
      assertEqual(mic.state, 'granted', "A's microphone state");
      assertEqual(JSON.stringify([seenCam.length, seenMic.length]), JSON.stringify(before), "A's change event counts");
      const stored = localStorage.getItem('jit-permissions') || '';
      const pages = stored.match(/\|p\d+/g) || [];
      assertEqual(pages.length, 1, `live pages listed in ${JSON.stringify(stored)}`);
    }, { timeout: 10000 });
  }
}

// A, now the only page of the origin, navigates away; lifetimes-after.html goes on with these results.
await handOff('lifetimes-after.html');
