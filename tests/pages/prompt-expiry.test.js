// One-time grants end (SPEC "One-time grants", seed 002) and what was handed out under them stops: a camera track
// from the fake (Chromium, Firefox) or mock (WebKit) device. Time is moved with the `clock` option instead of waited
// for; the page's visibility is faked in the page (TOOLCHAIN: WebKit blocks window.open, the other engines' real
// hiding is covered elsewhere). revoke() ending a grant and stopping its track is in prompt-choices.test.js.
// - 16 hours after the grant: the state reads prompt, `change` fires once, the track is stopped, an 'expiry' audit
//   event says 'max-lifetime', and the next request shows the pre-prompt again.
// - Hidden: with the page hidden, a live camera track keeps the grant (camera may run in the background); once the
//   track ends, hiddenTimeout later the grant ends ('expiry' with 'hidden').
import {
  test, assert, assertEqual, settle, note, engine, describe, load, freshStorage, finish, sleep, waitFor,
} from './harness.js';
import {
  waitHost, waitGone, choose, watchHosts, auditLog, expectStatus, toPrompt, nativeAllows, stopAll, restoreNative,
} from './prompt-util.js';

const HOUR = 3600e3;
const HIDDEN_TIMEOUT = 60e3;
let skew = 0;

freshStorage();
const mod = await load();
let p = null;
let audit = null;
if (mod) {
  await test('install({clock, oneTime: {hiddenTimeout: 60 s}}) resolves', async () => {
    p = await mod.install({ storageKey: 'jp-test-expiry', clock: () => Date.now() + skew, oneTime: { hiddenTimeout: HIDDEN_TIMEOUT } });
    assert(p && typeof p.getUserMedia === 'function', `install() resolved with ${describe(p)}`);
    audit = auditLog(p);
  });
}

/** getUserMedia({video}) answered Allow this time in the pre-prompt (a real click); resolves with the live track. */
async function cameraOnce() {
  await toPrompt(p, 'camera');
  const pending = settle(() => p.getUserMedia({ video: true }));
  await waitHost('pre-prompt');
  await choose('allow-once');
  const r = await pending;
  assert(r.ok, `getUserMedia rejected: ${describe(r.error)}`);
  await waitGone('pre-prompt');
  const [track] = r.value.getVideoTracks();
  assertEqual(track?.readyState, 'live', 'track after Allow this time');
  expectStatus(await p.query({ name: 'camera' }), 'granted', 'one-time', null, 'status');
  return track;
}

function hide(hidden) {
  if (hidden) Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  else delete document.visibilityState;
  document.dispatchEvent(new Event('visibilitychange'));
}

if (p) {
  await test('16 hours after Allow this time: prompt, one change event, the track stopped, expiry audited (max-lifetime)', async () => {
    await nativeAllows('camera');
    const track = await cameraOnce();
    const status = await p.query({ name: 'camera' });
    const seen = [];
    status.addEventListener('change', () => seen.push(status.state));
    const n = audit.events.length;
    skew += 16 * HOUR + 1000;
    assertEqual(status.state, 'prompt', 'state read after 16 h');
    assertEqual(track.readyState, 'ended', 'track after the grant expired');
    await sleep(200);
    assertEqual(JSON.stringify(seen), JSON.stringify(['prompt']), 'change events');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['expiry:camera:max-lifetime']), 'audit events');
  });

  await test('after expiry the next gated call shows the pre-prompt again', async () => {
    const watch = watchHosts();
    const pending = settle(() => p.getUserMedia({ video: true }));
    await waitHost('pre-prompt');
    await choose('dismiss');
    const r = await pending;
    assert(!r.ok && r.error.name === 'NotAllowedError', `getUserMedia after × settled with ${r.ok ? 'a stream' : describe(r.error)}`);
    assertEqual(watch.stop().added.length, 1, 'dialogs shown');
  });

  await test('hidden page: a live track keeps the one-time grant; hiddenTimeout after the track ends it expires (hidden)', async () => {
    const track = await cameraOnce();
    const n = audit.events.length;
    try {
      hide(true);
      skew += 2 * HIDDEN_TIMEOUT;
      const s = await p.query({ name: 'camera' });
      assertEqual(s.state, 'granted', 'state hidden for 2 min with the track live');
      assertEqual(track.readyState, 'live', 'track while hidden');
      track.stop();
      skew += HIDDEN_TIMEOUT - 5000;
      assertEqual(s.state, 'granted', 'state 55 s after the track ended');
      skew += 6000;
      assertEqual(s.state, 'prompt', 'state 61 s after the track ended, still hidden');
      assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['expiry:camera:hidden']), 'audit events');
    } finally {
      hide(false);
    }
  });

  await settle(() => p.reset({ name: 'camera' }));
  if (engine === 'chromium') await restoreNative('camera');
}

await finish();
