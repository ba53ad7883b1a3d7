// Issue 21, item 4: a track or a watch obtained through the patched platform functions (navigator.mediaDevices
// .getUserMedia, navigator.geolocation.watchPosition), as a third-party widget calls them, is the library's like one
// from its own methods: Reset ends it (as Revoke does: polyfill-flow), a record cleared by this very page
// (localStorage.clear() on logout) ends it, and so does the browser taking its grant back. Calls are made in the
// handler of a real WebDriver click (user activation), so the pre-prompt is the modal one.
import {
  test, assert, assertEqual, describe, load, freshStorage, finish, note, outside, settle, skipNow, waitFor, engine,
} from './harness.js';
import {
  waitHost, waitGone, choose, toPrompt, nativeAllows, stopAll, auditLog, fromClick,
} from './prompt-util.js';

const KEY = 'jp-test-polyfill-ends';

/** A live camera track through the patched getUserMedia, after the person's "Allow this time". */
async function patchedCamera(p) {
  await toPrompt(p, 'camera');
  const [pending] = await fromClick(() => settle(() => navigator.mediaDevices.getUserMedia({ video: true })));
  await waitHost('pre-prompt');
  await choose('allow-once');
  const r = await pending;
  await waitGone('pre-prompt');
  assert(r.ok, `getUserMedia rejected: ${describe(r.error)}`);
  const track = r.value.getVideoTracks()[0];
  assertEqual(track && track.readyState, 'live', 'the video track from the patched getUserMedia');
  return r.value;
}

freshStorage();
const mod = await load();
let p = null;
let audit = null;
if (mod) {
  await test('install({patch: true})', async () => {
    p = await mod.install({ patch: true, storageKey: KEY });
    audit = auditLog(p);
    note(await nativeAllows('camera'));
  });
}

if (p) {
  await test('Reset ends a track from the patched getUserMedia, and the next patched call asks again', async () => {
    const stream = await patchedCamera(p);
    const n = audit.events.length;
    await p.reset({ name: 'camera' });
    const track = stream.getVideoTracks()[0];
    assert(await waitFor(() => track.readyState === 'ended', 3000), `the track after Reset: ${track.readyState}`);
    const s = await navigator.permissions.query({ name: 'camera' });
    assertEqual(s.state, 'prompt', 'camera after Reset (through the patched query)');
    assert(audit.since(n).includes('reset:camera'), `audits: ${JSON.stringify(audit.since(n))}`);
    // Asked again: the next patched call shows the pre-prompt (closed here with ×: a dismissal).
    const [pending] = await fromClick(() => settle(() => navigator.mediaDevices.getUserMedia({ video: true })));
    await waitHost('pre-prompt');
    await choose('dismiss');
    const r = await pending;
    await waitGone('pre-prompt');
    assert(!r.ok && r.error.name === 'NotAllowedError', `after Reset the call was not asked again: ${r.ok ? 'resolved' : describe(r.error)}`);
    stopAll(stream);
  }, { timeout: 30000 });

  await test('a record cleared by this very page (localStorage.clear()) ends a track from the patched getUserMedia: revocation, cause cleared', async () => {
    const stream = await patchedCamera(p);
    const n = audit.events.length;
    localStorage.clear();
    const track = stream.getVideoTracks()[0];
    // The page notices its own clear (no `storage` event fires in the page that cleared) at its next read or write of
    // the record: here the site reads the camera's state, as it would after a logout.
    const read = await navigator.permissions.query({ name: 'camera' });
    note(`camera read right after the clear: ${read.state} ${read.grant}`);
    assert(await waitFor(() => track.readyState === 'ended', 6000), `the track after localStorage.clear(): ${track.readyState}`);
    const s = await navigator.permissions.query({ name: 'camera' });
    assert(s.state !== 'granted' || s.grant !== 'one-time', `camera after the clear: ${s.state} ${s.grant}`);
    assert(audit.since(n).includes('revocation:camera:cleared'), `audits: ${JSON.stringify(audit.since(n))}`);
    stopAll(stream);
  }, { timeout: 30000 });

  await test("the browser takes its grant back: a track from the patched getUserMedia ends (revocation, cause browser)", async () => {
    if (engine !== 'chromium') {
      // Firefox's and WebKit's camera state can be set from outside, but a page that captured keeps its grant there
      // (evidence.test records the same): the browser takes nothing back from this page.
      skipNow(`${engine}: the browser keeps a capturing page's camera grant when it is set back from outside`);
    }
    const stream = await patchedCamera(p);
    const n = audit.events.length;
    const set = await settle(() => outside('setPermission', { name: 'camera', state: 'denied' }));
    assert(set.ok, `camera could not be set denied: ${set.ok || set.error.message}`);
    const track = stream.getVideoTracks()[0];
    assert(await waitFor(() => track.readyState === 'ended', 6000), `the track after the browser's take-back: ${track.readyState}`);
    assert(audit.since(n).includes('revocation:camera:browser'), `audits: ${JSON.stringify(audit.since(n))}`);
    await settle(() => outside('setPermission', { name: 'camera', state: 'granted' }));
    stopAll(stream);
  }, { timeout: 30000 });
}

await finish();
