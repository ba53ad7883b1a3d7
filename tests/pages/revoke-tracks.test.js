// Issue 10, item 3: Revoke stops every track the library handed out for the capability, whatever grant it came from
// (SPEC "Controls"). Seen before: with camera granted in the browser before the library came (SPEC "States", rule 5:
// granted, persistent, no record), a track from the library's getUserMedia kept streaming after Revoke in the panel,
// which said Ask.
// The browser's grant comes before install(): set from outside where the runner can; in WebKit, where it cannot, a
// capture of the browser's own getUserMedia before install() leaves camera granted for this page (measured:
// MiniBrowser's mock devices in automation). Revoke is a real WebDriver click inside the panel's open shadow root.
import {
  test, assert, assertEqual, settle, note, engine, describe, load, freshStorage, finish, sleep, waitFor, outside, skipNow,
} from './harness.js';
import { watchDialogs, audits, changes, view, nativeState, restoreNative, endedLog, stopAll } from './truth-util.js';

const KEY = 'jp-test-revoke-tracks';
const CONTROLS = 'div[data-jit-permissions="controls"]';

freshStorage();
const cameraBefore = await nativeState('camera');
// The browser grants camera before the library comes.
let granted = { how: null, why: null };
const set = await settle(() => outside('setPermission', { name: 'camera', state: 'granted' }));
if (set.ok) {
  granted.how = 'set from outside (setPermission)';
} else {
  const warm = await settle(() => navigator.mediaDevices.getUserMedia({ video: true }));
  if (warm.ok) stopAll(warm.value);
  const after = await nativeState('camera');
  if (after === 'granted') granted.how = `the browser's own getUserMedia before install() (the runner could not set it: ${set.error.message})`;
  else granted.why = `${engine}: the runner cannot set camera to granted (${set.error.message}), and the browser's own getUserMedia leaves it ${after}`;
}

const mod = await load();
let p = null;
if (mod) {
  await test('install() with camera granted in the browser before the library came', async () => {
    p = await mod.install({ storageKey: KEY });
    assert(p && typeof p.query === 'function', `install resolved with ${describe(p)}`);
  });
}

if (p) {
  const log = audits(p);
  const parent = document.createElement('div');
  parent.id = 'panel-parent';
  document.body.append(parent);
  const handle = p.controls(parent);
  const row = () => parent.querySelector(CONTROLS)?.shadowRoot?.querySelector('li[data-capability="camera"]');

  if (!granted.how) {
    await test('Revoke in the panel stops the track of a grant the browser gave before the library came', async () => {
      skipNow(granted.why);
    });
  } else {
    await test('Revoke in the panel (real click) stops the track of a grant the browser gave before the library came: readyState ended, an ended event, the panel says prompt', async () => {
      note(`camera granted by ${granted.how}`);
      const cam = await p.query({ name: 'camera' });
      assertEqual(await nativeState('camera'), 'granted', "the browser's own camera state");
      assertEqual(JSON.stringify(view(cam)), JSON.stringify({ state: 'granted', grant: 'persistent', reason: null }), 'camera before the call (rule 5)');
      const watch = watchDialogs();
      const stream = await p.getUserMedia({ video: true });
      assertEqual(JSON.stringify(watch.stop()), '[]', 'dialogs shown by getUserMedia (granted: none)');
      const track = stream.getVideoTracks()[0];
      assert(track, 'no video track');
      assertEqual(track.readyState, 'live', 'the track handed out');
      const ended = endedLog(track);
      const seen = changes(cam);
      assert(await waitFor(() => row() && row().getAttribute('data-state') === 'granted', 2000), `the panel's camera row before Revoke: ${row() && row().getAttribute('data-state')}`);
      const n = log.length;
      await outside('click', { host: `#panel-parent > ${CONTROLS}`, selector: 'button[data-action="revoke"][data-capability="camera"]' });
      assert(await waitFor(() => cam.state === 'prompt', 2000), `camera after Revoke: ${JSON.stringify(view(cam))}`);
      await sleep(200);
      assertEqual(track.readyState, 'ended', "the track's readyState after Revoke in the panel");
      assertEqual(ended.count, 1, "'ended' events on the track");
      assertEqual(row().getAttribute('data-state'), 'prompt', "the panel's camera row after Revoke");
      assertEqual(JSON.stringify(seen), '["prompt"]', 'camera change events');
      assert(log.since(n).some((e) => e.startsWith('revocation:camera')), `no revocation audit event (${JSON.stringify(log.since(n))})`);
      stopAll(stream);
    }, { timeout: 15000 });
  }
  handle.destroy();
  await p.reset({ name: 'camera' });
}
if (cameraBefore !== (await nativeState('camera'))) await restoreNative('camera', cameraBefore);

await finish();
