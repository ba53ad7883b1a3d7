// One-time grants and the pages of the origin (seed 002: "replace 'page' with 'all pages from that origin'"; SPEC
// "One-time grants" 1 and "Events"): page A (this page) opens page B (lifetimes-peer.html) with window.open;
//   - a decision made in A while B is open reaches B's status as one `change` within a second, and the other way;
//   - a one-time grant made in A is B's too: B's gated call shows no pre-prompt;
//   - closing B keeps A's grants;
//   - then A, the only page left, navigates to another page of the origin (handOff() to lifetimes-after.html,
//     which goes on with these results): the grant carries over, as Chrome keeps it on same-origin navigations.
// The window.open is made from a real WebDriver click on a button: WebKit blocks popups without user activation.
// In Chromium and Firefox, B comes up as a tab in front of A, so A is hidden meanwhile (5-minute hidden timeout here,
// so that does not end anything); in WebKit B is a window beside A and both stay visible. Firefox shows its own
// camera prompt for A's request only when A's tab is selected: the runner's stand-in person switches to A, answers
// Allow and switches back to B (run.mjs FIREFOX_PROMPT_ANSWERER).
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
    // Decisions travel through storage. A state change that does not depend on the browser (a site-level
    // Don't allow) shows that each page hears of the other's decisions as one `change`.
    await test("Don't allow in A while B is open: B's status gets one change (denied, reason user) within 1 s", async () => {
      const pending = p.request({ name: 'camera' });
      await choose('dont-allow');
      const status = await pending;
      assertEqual(status.state, 'denied', "A's camera state");
      const at = Date.now();
      assert(await waitFor(() => B.seen.camera.length > 0, 5000), "B's camera status got no change event within 5 s");
      await sleep(300);
      const lag = B.seen.camera.at[0] - at;
      note(`B's change came ${lag} ms after A's`);
      assertEqual(JSON.stringify(B.seen.camera), '["denied"]', "B's camera change events");
      assertEqual(B.statuses.camera.reason, 'user', "B's camera reason");
      assert(lag <= WITHIN, `B's change came ${lag} ms after A's (more than ${WITHIN} ms)`);
    }, { timeout: 15000 });

    await test("Don't allow in B (microphone): A's status gets one change (denied) within 1 s", async () => {
      const pending = B.p.request({ name: 'microphone' });
      await choose('dont-allow', { doc: peer.document });
      const status = await pending;
      assertEqual(status.state, 'denied', "B's microphone state");
      const at = Date.now();
      assert(await waitFor(() => seenMic.length > 0, 5000), "A's microphone status got no change event within 5 s");
      await sleep(300);
      const lag = seenMic.at[0] - at;
      note(`A's change came ${lag} ms after B's`);
      assertEqual(JSON.stringify(seenMic), '["denied"]', "A's microphone change events");
      assert(lag <= WITHIN, `A's change came ${lag} ms after B's (more than ${WITHIN} ms)`);
    }, { timeout: 15000 });

    await test('a one-time grant made in A is shared: B sees the decision, and its gated call shows no pre-prompt', async () => {
      await p.reset({ name: 'camera' });
      await p.reset({ name: 'microphone' });
      const status = await grantOnce(p, 'camera');
      assertEqual(status.state, 'granted', "A's camera state");
      assert(await waitFor(() => B.statuses.camera.lastDecision === 'allow-once', 5000), "B's camera status did not learn A's decision within 5 s");
      // B's browser may still say prompt (evidence of access belongs to the page that saw a call succeed), but the
      // person decided: B's gated call goes straight to the browser.
      note(`B's camera before its call: ${JSON.stringify(B.statuses.camera.toJSON())}`);
      const shown = [];
      const observer = new MutationObserver(() => { if (peer.document.querySelector('div[data-jit-permissions="pre-prompt"]')) shown.push(true); });
      observer.observe(peer.document.body, { childList: true, subtree: true });
      const stream = await B.p.getUserMedia({ video: true });
      observer.disconnect();
      assertEqual(shown.length, 0, 'pre-prompts shown in B');
      assertEqual(B.statuses.camera.state, 'granted', "B's camera state after its call");
      assertEqual(B.statuses.camera.grant, 'one-time', "B's camera grant");
      assertEqual(B.statuses.camera.expiresAt, status.expiresAt, "B's expiresAt (the same grant)");
      stream.getTracks().forEach((t) => t.stop());
    }, { timeout: 15000 });

    await test('B reloads five times: the one-time grant stays in both pages', async () => {
      const before = seenCam.length;
      for (let i = 0; i < 5; i++) {
        peer.__peer = null;
        peer.location.reload();
        assert(await waitFor(() => peer.__peer && peer.__peer.ready, 10000), `B did not come back from reload ${i + 1}`);
        assertEqual(cam.state, 'granted', `A's camera state after B's reload ${i + 1}`);
      }
      B = peer.__peer;
      assertEqual(B.statuses.camera.lastDecision, 'allow-once', "B's last decision after its reloads");
      const stream = await B.p.getUserMedia({ video: true });
      assertEqual(B.statuses.camera.grant, 'one-time', "B's camera grant after its call");
      stream.getTracks().forEach((t) => t.stop());
      assertEqual(seenCam.length, before, "A's camera change events during B's reloads");
      const stored = localStorage.getItem('jit-permissions') || '';
      assert(!/\|cx/.test(stored), `the grant is stored as ended: ${stored}`);
    }, { timeout: 60000 });

    await test("closing B keeps A's one-time grant", async () => {
      const before = seenCam.length;
      peer.close();
      assert(await waitFor(() => peer.closed, 5000), 'B did not close');
      await sleep(700); // B's pagehide reaches A through storage
      assertEqual(cam.state, 'granted', "A's camera state");
      assertEqual(cam.grant, 'one-time', "A's camera grant");
      assertEqual(seenCam.length, before, "A's camera change events since");
      const stored = localStorage.getItem('jit-permissions') || '';
      const pages = stored.match(/\|p\d+/g) || [];
      assertEqual(pages.length, 1, `live pages listed in ${JSON.stringify(stored)}`);
      sessionStorage.setItem('lifetimes:expiresAt', String(cam.expiresAt));
    }, { timeout: 10000 });
  }
}

// A, now the only page of the origin, navigates to another page of the origin (location.assign), which goes on with
// these results: a one-time grant survives a same-origin navigation, as in Chrome.
await handOff('lifetimes-after.html');
