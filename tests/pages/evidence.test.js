// Issue 10, item 2: evidence that the browser honours a grant is per page, never stored, and voided by any change
// of the browser's state (SPEC "States", rule 4); a grant the browser takes back (granted to prompt) ends as a
// revocation with cause `browser`: `change` fires, its tracks stop, the next gated call asks again.
//   1. A record written by hand with stored evidence (the first format's `h`), while the browser says prompt: the
//      library reports prompt, never granted/persistent; the grant still stands, so the next gated call goes to the
//      browser without a pre-prompt.
//   2. The browser grants camera (set from outside), the person picks "Allow on every visit" (real click), the site
//      gets a track through the library; then the browser's state goes back to prompt (as after "Allow this time" in
//      Chrome's own prompt ends, or a reset in the site settings): one `change` to prompt, a `revocation` audit with
//      cause `browser`, the track ends (with an `ended` event), and the next gated call shows the pre-prompt.
//   3. The same with geolocation and a watch (the runner can set geolocation in Firefox too).
import {
  test, assert, assertEqual, settle, note, engine, describe, load, freshStorage, finish, sleep, waitFor, skipNow,
} from './harness.js';
import {
  answer, waitDialog, closeDialogs, watchDialogs, assertRefused, audits, changes, view, nativeState,
  setNativeOrSkip, restoreNative, endedLog, stopAll,
} from './truth-util.js';

const KEY = 'jp-test-evidence';

freshStorage();
// A record of the first format: a persistent camera grant made in 2023, with the evidence flag `h` stored.
localStorage.setItem(KEY, 'jp1|ca1700000000000h');
const cameraBefore = await nativeState('camera');
const geolocationBefore = await nativeState('geolocation');

const mod = await load();
let p = null;
if (mod) {
  await test('install() over a hand-written record with stored evidence (jp1|ca1700000000000h)', async () => {
    p = await mod.install({ storageKey: KEY });
    assert(p && typeof p.query === 'function', `install resolved with ${describe(p)}`);
  });
}

/**
 * After the browser's state was set from outside: where the engine fires no `change` on its own PermissionStatus
 * (WebKit), the library learns it from a re-check; refresh() asks for one.
 */
async function learnNative(status, state) {
  if (await waitFor(() => status.state === state, 2000)) return;
  note(`no ${state} within 2 s of the browser's change: refresh() (a re-check of the browser) asked for`);
  p.refresh();
  await waitFor(() => status.state === state, 2000);
}

if (p) {
  const log = audits(p);

  await test('stored evidence is not evidence: the browser says prompt, so camera is reported prompt (not granted, persistent)', async () => {
    const n = await nativeState('camera');
    if (n !== 'prompt') note(`the browser's own camera state is ${n} here`);
    assertEqual(n, 'prompt', "the browser's own camera state (this test needs prompt)");
    const cam = await p.query({ name: 'camera' });
    assertEqual(JSON.stringify(view(cam)), JSON.stringify({ state: 'prompt', grant: null, reason: null }), 'camera status');
    assertEqual(cam.expiresAt, null, 'expiresAt');
  });

  await test('the hand-written grant still stands: the next gated call goes to the browser without a pre-prompt', async () => {
    const cam = await p.query({ name: 'camera' });
    const watch = watchDialogs();
    const call = settle(() => p.getUserMedia({ video: true }));
    const shown = await Promise.race([call.then(() => null), waitDialog('pre-prompt', { ms: 3000 })]);
    if (shown) await closeDialogs();
    const r = await call;
    const seen = watch.stop();
    assertEqual(JSON.stringify(seen), '[]', 'dialogs shown');
    assert(r.ok, `getUserMedia rejected: ${r.ok ? '' : describe(r.error)}`);
    assertEqual(r.value.getVideoTracks().length, 1, 'video tracks');
    note(`camera after the call that succeeded in this page: ${JSON.stringify(view(cam))}`);
    stopAll(r.value);
  });

  /**
   * The browser grants `name`; "Allow on every visit" (real click) after bringing it to prompt in the library; a use
   * through the library; then the browser's state goes to prompt. Resolves with what the checks need.
   */
  async function takeBack(name, use) {
    await setNativeOrSkip(name, 'granted', 'to grant it in the browser before the decision');
    const status = await p.query({ name });
    await learnNative(status, 'granted');
    await p.reset({ name });
    await p.revoke({ name });
    assertEqual(status.state, 'prompt', `${name} in the library after revoke() (so that the pre-prompt shows)`);
    const pending = settle(() => p.request({ name }));
    assertEqual(await waitDialog('pre-prompt'), name, 'the pre-prompt asks for');
    await answer('allow-always');
    const r = await pending;
    assert(r.ok, `request() rejected: ${r.ok ? '' : describe(r.error)}`);
    assertEqual(JSON.stringify(view(status)), JSON.stringify({ state: 'granted', grant: 'persistent', reason: null }), `${name} after "Allow on every visit"`);
    const used = await use();
    const seen = changes(status);
    const n = log.length;
    await setNativeOrSkip(name, 'prompt', 'to take the grant back in the browser');
    const browser = await nativeState(name);
    if (browser === 'granted') {
      skipNow(`${engine}: with ${name} set back to prompt from outside, the browser's own query() still reports granted to this page `
        + `(it keeps the grant for a page that ${name === 'geolocation' ? 'got a position' : 'captured'}): the browser took nothing back here`);
    }
    assertEqual(browser, 'prompt', `the browser's own ${name} state after the take-back`);
    await learnNative(status, 'prompt');
    await sleep(300);
    assertEqual(JSON.stringify(view(status)), JSON.stringify({ state: 'prompt', grant: null, reason: null }), `${name} after the browser took its grant back`);
    assertEqual(JSON.stringify(seen), '["prompt"]', `${name} change events`);
    const revocations = log.events.slice(n).filter((e) => e.type === 'revocation');
    assertEqual(JSON.stringify(revocations.map((e) => [e.name, e.cause])), JSON.stringify([[name, 'browser']]), 'revocation audit events [name, cause]');
    return { status, used };
  }

  /** The next gated call shows the pre-prompt again; × rejects it with reason 'dismissed'. */
  async function asksAgain(name, call) {
    const pending = settle(call);
    const shown = await Promise.race([pending.then(() => null), waitDialog('pre-prompt', { ms: 4000 })]);
    if (shown) await answer('dismiss');
    const r = await pending;
    assertEqual(shown, name, 'the pre-prompt shown by the next gated call');
    assertRefused(r, 'dismissed', 'the next gated call after ×');
  }

  await test('camera: the browser takes its grant back after "Allow on every visit" -> prompt, one change, revocation (cause browser), the track ends, asked again', async () => {
    const { used: { track, ended } } = await takeBack('camera', async () => {
      const watch = watchDialogs();
      const stream = await p.getUserMedia({ video: true });
      assertEqual(JSON.stringify(watch.stop()), '[]', 'dialogs shown by getUserMedia under the grant');
      const track = stream.getVideoTracks()[0];
      assertEqual(track.readyState, 'live', 'the track handed out');
      return { track, ended: endedLog(track) };
    });
    assertEqual(track.readyState, 'ended', "the track's readyState after the take-back");
    assertEqual(ended.count, 1, "'ended' events on the track");
    await asksAgain('camera', () => p.getUserMedia({ video: true }));
    track.stop();
  }, { timeout: 20000 });

  await test('geolocation: the browser takes its grant back after "Allow on every visit" -> prompt, one change, revocation (cause browser), asked again', async () => {
    const { used: { id, positions } } = await takeBack('geolocation', async () => {
      const positions = [];
      const id = await p.watchPosition((pos) => positions.push(pos), () => {}, { timeout: 2000, maximumAge: Infinity });
      return { id, positions };
    });
    const delivered = positions.length;
    await sleep(1000);
    assertEqual(positions.length, delivered, 'positions delivered by the watch after the take-back');
    p.clearWatch(id);
    await asksAgain('geolocation', () => p.getCurrentPosition({ timeout: 2000, maximumAge: Infinity }));
  }, { timeout: 20000 });

  await closeDialogs();
  for (const name of ['camera', 'geolocation']) await p.reset({ name });
}
// The browser's own states as they were before this page (chromedriver starts geolocation granted).
if (cameraBefore !== (await nativeState('camera'))) await restoreNative('camera', cameraBefore);
if (geolocationBefore !== (await nativeState('geolocation'))) await restoreNative('geolocation', geolocationBefore);

await finish();
