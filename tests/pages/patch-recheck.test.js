// Issue 10, item 1: in patch mode the runtime's re-checks must ask the browser's own query, never the library's
// replacement (SPEC "States": "N is always the browser's own answer"). Else, after Don't allow, a re-check reads the
// library's own `denied` back as the browser's: reason `user` turns into `browser`, reset() cannot bring the
// capability back (the browser "still denies"), and the recovery help that a gated call then opens polls the
// library's own answer forever.
// Each re-check is a real trigger: refresh() (the API), the page really hidden and shown again (harness.js
// hidePage(): a popup in Chromium and Firefox, WebDriver Minimize Window in WebKit), and a `focus` event on window
// (dispatched: a real focus change cannot be made without hiding the page first, which the previous test does).
// Needs its own page: only the first install() of a page can patch.
import {
  test, assert, assertEqual, settle, note, describe, load, freshStorage, finish, sleep, hidePage,
} from './harness.js';
import {
  answer, waitDialog, openDialogs, closeDialogs, watchDialogs, assertRefused, audits, changes, view, nativeState,
} from './truth-util.js';

const KEY = 'jp-test-patch-recheck';

freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test('install({patch: true}) resolves', async () => {
    p = await mod.install({ patch: true, storageKey: KEY });
    assert(p && typeof p.query === 'function', `install resolved with ${describe(p)}`);
  });
}

/** Lets a re-check run to its end: the browser's queries are asynchronous. */
const settleRecheck = () => sleep(400);

/** The status must still be the site-level block. */
function expectUserBlock(status, what) {
  assertEqual(JSON.stringify(view(status)), JSON.stringify({ state: 'denied', grant: null, reason: 'user' }), what);
}

if (p) {
  const cam = await p.query({ name: 'camera' });
  const seen = changes(cam);
  const log = audits(p);
  let blocked = false;

  /**
   * Brings `name` to prompt in the library (a grant the browser holds, e.g. geolocation under chromedriver, is
   * revoked first), then "Don't allow" in its pre-prompt by a real click. Resolves with its status.
   */
  async function dontAllow(name) {
    const status = await p.query({ name });
    if (status.state !== 'prompt') {
      note(`${name} was ${JSON.stringify(view(status))} before the test (the browser's own: ${await nativeState(name)}): revoked first`);
      await p.revoke({ name });
    }
    assertEqual(status.state, 'prompt', `${name} before the decision`);
    const pending = settle(() => p.request({ name }));
    assertEqual(await waitDialog('pre-prompt'), name, 'the pre-prompt asks for');
    await answer('dont-allow');
    const r = await pending;
    assert(r.ok, `request() rejected: ${r.ok ? '' : describe(r.error)}`);
    expectUserBlock(status, `${name} after Don't allow`);
    return status;
  }

  // Each re-check gets a capability blocked just before it, so that each trigger is shown on its own.
  await test("Don't allow camera in the pre-prompt (real click), then refresh() (a re-check of the browser): reason stays user, no change event", async () => {
    assertEqual(await nativeState('camera'), 'prompt', "the browser's own camera state before the test");
    await dontAllow('camera');
    blocked = true;
    const before = seen.length;
    p.refresh();
    await settleRecheck();
    expectUserBlock(cam, 'camera after refresh()');
    assertEqual(seen.length, before, 'change events since the re-check');
    assertEqual(await nativeState('camera'), 'prompt', "the browser's own camera state (unchanged)");
  });

  if (blocked) {
    await test("Don't allow microphone, then the page really hidden and shown (visibility re-check): reason stays user", async () => {
      const mic = await dontAllow('microphone');
      const seenMic = changes(mic);
      const h = await hidePage();
      note(`hidden by ${h.how}${h.fake ? ` (FAKED: ${h.notes.join('; ')})` : ''}`);
      await sleep(200);
      await h.show();
      await settleRecheck();
      expectUserBlock(mic, 'microphone after the page was shown again');
      expectUserBlock(cam, 'camera after the page was shown again');
      assertEqual(seenMic.length, 0, 'microphone change events since the page was hidden');
    }, { timeout: 15000 });

    await test("Don't allow geolocation, then a focus event on window (focus re-check): reason stays user", async () => {
      const geo = await dontAllow('geolocation');
      const seenGeo = changes(geo);
      window.dispatchEvent(new Event('focus'));
      await settleRecheck();
      window.dispatchEvent(new Event('focus'));
      await settleRecheck();
      expectUserBlock(geo, 'geolocation after two focus re-checks');
      assertEqual(seenGeo.length, 0, 'geolocation change events since the focus events');
    });

    await test("after the re-checks, getUserMedia() with no prompt rejects NotAllowedError reason 'user', no dialog (no recovery help)", async () => {
      const watch = watchDialogs();
      const pending = settle(() => p.getUserMedia({ video: true }));
      const first = await Promise.race([pending.then(() => 'settled'), waitDialog('recovery', { ms: 3000 }).then((c) => (c ? 'recovery' : 'none'))]);
      if (first === 'recovery') {
        const closed = await closeDialogs();
        await pending;
        throw new Error(`the recovery help opened for a site-level block (camera reported ${JSON.stringify(view(cam))}); closed: ${closed.join(', ')}`);
      }
      const r = await pending;
      const shown = watch.stop();
      assertEqual(JSON.stringify(shown), '[]', 'dialogs shown');
      assertRefused(r, 'user', 'getUserMedia({video: true})');
    });

    await test('reset() works after the re-checks: camera back to prompt, one change', async () => {
      const before = seen.length;
      const n = log.length;
      await p.reset({ name: 'camera' });
      await sleep(100);
      assertEqual(JSON.stringify(view(cam)), JSON.stringify({ state: 'prompt', grant: null, reason: null }), 'camera after reset()');
      assertEqual(JSON.stringify(seen.slice(before)), '["prompt"]', 'change events of the reset');
      assert(log.since(n).includes('reset:camera'), `audit events of the reset: ${JSON.stringify(log.since(n))}`);
      p.refresh();
      await settleRecheck();
      assertEqual(cam.state, 'prompt', 'camera after a re-check that follows the reset');
    });

    await test('the next gated call shows the pre-prompt (never the recovery help, whose poll would wait forever); × rejects reason dismissed', async () => {
      const pending = settle(() => p.getUserMedia({ video: true }));
      let opened = null;
      const found = await Promise.race([
        waitDialog('pre-prompt', { ms: 4000 }).then((c) => (c ? `pre-prompt:${c}` : null)),
        waitDialog('recovery', { ms: 4000 }).then((c) => (c ? `recovery:${c}` : null)),
      ]);
      opened = found || openDialogs().map((d) => `${d.kind}:${d.cap}`).join(',') || 'nothing';
      if (opened !== 'pre-prompt:camera') {
        const closed = await closeDialogs();
        await pending;
        throw new Error(`the gated call after reset() opened ${opened} instead of the camera pre-prompt (camera reported ${JSON.stringify(view(cam))}; closed ${closed.join(', ')})`);
      }
      await answer('dismiss');
      assertRefused(await pending, 'dismissed', 'getUserMedia after ×');
      assertEqual(cam.state, 'prompt', 'camera after ×');
    }, { timeout: 15000 });
  }
  await closeDialogs();
  for (const name of ['camera', 'microphone', 'geolocation']) await p.reset({ name });
}

await finish();
