// Issue 13 / SPEC "The pre-prompt" (recovery that says what blocks access): in a frame whose Permissions Policy does
// not allow the camera (a cross-origin iframe without allow="camera"), the library shows no pre-prompt that cannot
// lead anywhere: the call rejects at once with NotAllowedError, reason 'policy'; the status says denied, reason
// 'policy'; one console message names the missing allow attribute. With allow="camera; microphone" the frame works
// as any page. The frame is this server under another host name (localhost), so it is of another origin; this page
// may frame it (the server's policy for *.frames.* pages adds frame-src for it).
//
// Chromium exposes the frame's policy (document.featurePolicy); Firefox and WebKit do not, and answer `denied` to
// query() in such a frame: there the library takes a denial from the first query in a cross-origin frame as the
// policy (see the README). The camera call is answered by the browser's own prompt in a frame that allows it
// (Chromium: --auto-accept...; Firefox: media.navigator.permission.disabled), or by the pre-prompt, which this test
// then dismisses.
import { test, assert, assertEqual, note, engine, finish } from './harness.js';

function framed(allow, call) {
  const frame = document.createElement('iframe');
  if (allow) frame.allow = allow;
  const url = new URL('policy-frame.html', location.href);
  url.hostname = 'localhost';
  if (call) url.search = 'call=1';
  frame.src = url.href;
  const result = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the frame reported nothing within 15 s')), 15000);
    addEventListener('message', function on(e) {
      if (e.source !== frame.contentWindow || !e.data || !e.data.policyProbe) return;
      removeEventListener('message', on);
      clearTimeout(timer);
      resolve(e.data.policyProbe);
    });
  });
  document.body.append(frame);
  return result.finally(() => frame.remove());
}

await test('a cross-origin frame without allow="camera": no pre-prompt, NotAllowedError reason policy at once, status denied (policy), one console message', async () => {
  const r = await framed(null, true);
  note(`${engine}: ${JSON.stringify(r)}`);
  assert(!r.error, `the frame failed: ${r.error}`);
  assertEqual(r.before.state, 'denied', 'camera state in the frame');
  assertEqual(r.before.reason, 'policy', 'camera reason in the frame');
  assertEqual(r.dialogs, 0, 'dialogs shown in the frame');
  assertEqual(r.call.ok, false, 'the call succeeded');
  assertEqual(r.call.name, 'NotAllowedError', 'the error name');
  assertEqual(r.call.reason, 'policy', 'the error reason');
  assert(r.callMs < 1000, `the call took ${r.callMs} ms: not at once`);
  const named = r.warnings.filter((w) => /allow="camera"/.test(w));
  assertEqual(named.length, 1, `console messages naming allow="camera" (${JSON.stringify(r.warnings)})`);
}, { timeout: 20000 });

await test('the same frame with allow="camera; microphone": camera and microphone have no policy reason (geolocation has)', async () => {
  const r = await framed('camera; microphone', false);
  note(`${engine}: ${JSON.stringify(r)}`);
  assert(!r.error, `the frame failed: ${r.error}`);
  assert(r.before.reason !== 'policy', `camera reason in the frame: ${r.before.reason}`);
  const named = (name) => r.warnings.filter((w) => w.includes(`allow="${name}"`)).length;
  assertEqual(named('camera') + named('microphone'), 0, `policy messages for camera or microphone (${JSON.stringify(r.warnings)})`);
  assertEqual(named('geolocation'), 1, 'the policy message for geolocation, which the frame does not allow');
}, { timeout: 20000 });

await finish();
