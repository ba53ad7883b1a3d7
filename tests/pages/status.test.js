// Status objects (SPEC "Events"): `change` fires exactly once per change of the reported state and never when
// the state did not change, whatever makes the library look again: refresh(), focus, blur, a real hide and show
// of the page, pageshow from the back/forward cache (which reloads the stored record), many reads, new status
// objects. `onchange = null` (or a non-function) stops the handler; another handler replaces it.
// events.test.js covers the browser's own changes where a driver can set them (not WebKit); this page makes its
// changes through the library (decisions, revoke, reset, a one-time grant), so it runs in every engine.
import {
  test, assert, assertEqual, describe, note, load, freshStorage, finish, sleep, hidePage,
} from './harness.js';
import { choose, grantOnce, changeLog } from './grants.js';

const QUIET = 600; // ms to keep listening for a stray event

freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test('install()', async () => {
    p = await mod.install();
    assert(p && typeof p.query === 'function', `install() resolved with ${describe(p)}`);
  });
}

/** Everything that makes the library look again without changing anything. */
async function poke(label) {
  p.refresh();
  window.dispatchEvent(new Event('focus'));
  window.dispatchEvent(new Event('blur'));
  document.dispatchEvent(new Event('visibilitychange'));
  window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
  for (let i = 0; i < 20; i++) {
    for (const name of ['camera', 'microphone', 'geolocation', 'notifications']) {
      const s = await p.query({ name });
      void s.state; void s.grant; void s.expiresAt; void s.reason;
      JSON.stringify(s);
    }
  }
  const h = await hidePage();
  note(`${label}: hidden by ${h.how}${h.fake ? ' (faked: ' + h.notes.join('; ') + ')' : ''}`);
  await sleep(300);
  await h.show();
  p.refresh();
  await sleep(QUIET);
}

if (p) {
  let a, b, seenA, seenB, handlerCalls;

  await test("Don't allow: each status gets one change (prompt -> denied, reason user)", async () => {
    a = await p.query({ name: 'microphone' });
    b = await p.query({ name: 'microphone' });
    assertEqual(a.state, 'prompt', 'microphone state at start');
    handlerCalls = [];
    a.onchange = (e) => handlerCalls.push(e.target.state);
    seenB = changeLog(b);
    seenA = handlerCalls;
    const pending = p.request({ name: 'microphone' });
    await choose('dont-allow');
    const s = await pending;
    assertEqual(s.state, 'denied', 'request() resolves with');
    assertEqual(s.reason, 'user', 'reason');
    await sleep(300);
    assertEqual(JSON.stringify(seenA), '["denied"]', 'onchange calls');
    assertEqual(JSON.stringify(seenB), '["denied"]', 'addEventListener calls');
  });

  await test('unchanged denied state: no change event after refresh(), focus, blur, visibility, pageshow, reads, a real hide', async () => {
    await poke('denied');
    assertEqual(JSON.stringify(seenA), '["denied"]', 'onchange calls');
    assertEqual(JSON.stringify(seenB), '["denied"]', 'addEventListener calls');
    assertEqual(a.state, 'denied', 'state');
  }, { timeout: 20000 });

  await test('onchange = null stops the handler; the other status still gets the change', async () => {
    a.onchange = null;
    assertEqual(a.onchange, null, 'onchange getter after = null');
    await p.reset({ name: 'microphone' });
    await sleep(300);
    assertEqual(a.state, 'prompt', 'state after reset()');
    assertEqual(JSON.stringify(seenA), '["denied"]', 'onchange calls after onchange = null');
    assertEqual(JSON.stringify(seenB), '["denied","prompt"]', 'addEventListener calls');
  });

  await test('onchange set to a non-function is null; a new handler replaces the old one', async () => {
    const first = [];
    const second = [];
    a.onchange = () => first.push(a.state);
    a.onchange = 'not a function';
    assertEqual(a.onchange, null, 'onchange after a string');
    a.onchange = () => first.push(a.state);
    a.onchange = () => second.push(a.state);
    const pending = p.request({ name: 'microphone' });
    await choose('dont-allow');
    await pending;
    await sleep(300);
    assertEqual(JSON.stringify(first), '[]', 'calls of the replaced handler');
    assertEqual(JSON.stringify(second), '["denied"]', 'calls of the current handler');
    a.onchange = null;
    await p.reset({ name: 'microphone' });
    await sleep(300);
    assertEqual(JSON.stringify(second), '["denied"]', 'calls after onchange = null');
  });

  await test('removeEventListener stops the listener', async () => {
    const c = await p.query({ name: 'microphone' });
    const calls = [];
    const listener = () => calls.push(c.state);
    c.addEventListener('change', listener);
    c.removeEventListener('change', listener);
    const pending = p.request({ name: 'microphone' });
    await choose('dont-allow');
    await pending;
    await sleep(300);
    assertEqual(JSON.stringify(calls), '[]', 'calls of a removed listener');
    await p.reset({ name: 'microphone' });
  });

  let cam = null;
  let seenCam = [];
  await test('a one-time grant: one change (prompt -> granted)', async () => {
    cam = await p.query({ name: 'camera' });
    seenCam = changeLog(cam);
    await grantOnce(p, 'camera');
    await sleep(300);
    const revoked = seenCam.length === 3 ? ' (after a revoke of the browser-level grant, see the note)' : '';
    assertEqual(seenCam[seenCam.length - 1], 'granted', `last change event${revoked}`);
    assertEqual(cam.grant, 'one-time', 'grant');
    seenCam.length = 0;
  });

  if (cam && cam.state === 'granted') {
    await test('unchanged one-time grant: no change event after refresh(), focus, blur, visibility, pageshow, reads, a real hide', async () => {
      await poke('granted');
      assertEqual(JSON.stringify(seenCam), '[]', 'change events');
      assertEqual(cam.state, 'granted', 'state');
    }, { timeout: 20000 });

    await test('revoke(): one change; revoke() again: none', async () => {
      await p.revoke({ name: 'camera' });
      await p.revoke({ name: 'camera' });
      await sleep(QUIET);
      assertEqual(JSON.stringify(seenCam), '["prompt"]', 'change events');
    });

    // Where the browser now grants camera on its own (WebKit, after the first getUserMedia of the document), a new
    // "Allow this time" needs no browser call, and the grant stands on the browser's granted state alone (rule 4).
    // WebKit's PermissionStatus objects never update: a re-check that read the one kept from the first query got
    // its stale 'prompt' and flapped the state to prompt and back on every visibility change or focus.
    await test('a second one-time grant, unchanged: no change event after refresh(), focus, blur, visibility, pageshow, reads, a real hide', async () => {
      const native = (await navigator.permissions.query({ name: 'camera' })).state;
      note(`camera natively before the second grant: ${native}`);
      const status = await grantOnce(p, 'camera');
      const seen = changeLog(status);
      await poke('second grant');
      assertEqual(JSON.stringify(seen), '[]', 'change events');
      assertEqual(status.state, 'granted', 'state');
      await p.revoke({ name: 'camera' });
    }, { timeout: 20000 });
  }
}

await finish();
