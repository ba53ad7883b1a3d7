// SPEC "Capability elements" (issue 22, illegal_subframe): as the browser's element, a capability element in a frame
// of another origin than the top counts no click, `invalidReason` 'illegal_subframe', unless the framed page's own
// policy has a frame-ancestors directive (then the page chose who may frame it). A same-origin frame is as the top.
// The frames are this server's elements-frame-child pages, under another host name (localhost: another origin) or
// the same one; this page may frame them (the server's policy for *.frames.* pages), and *.ancestors.html pages get
// a frame-ancestors directive that lets this page frame them.
import { assert, assertEqual, engine, finish, note, skipNow, test } from './harness.js';

/** Frames elements-frame-child(.ancestors).html and resolves with what it posts. */
function framed({ cross, ancestors, native = false }) {
  const frame = document.createElement('iframe');
  const url = new URL(`elements-frame-child${ancestors ? '.ancestors' : ''}.html`, location.href);
  if (cross) url.hostname = 'localhost';
  if (native) url.search = '?native=1';
  frame.src = url.href;
  frame.style.cssText = 'width:400px;height:200px;border:0';
  const result = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${url.href} reported nothing within 15 s`)), 15000);
    addEventListener('message', function on(e) {
      if (e.source !== frame.contentWindow || !e.data || !e.data.elementsFrame) return;
      clearTimeout(timer);
      removeEventListener('message', on);
      resolve(e.data.elementsFrame);
    });
  });
  document.body.append(frame);
  return result.finally(() => frame.remove());
}

await test('a cross-origin frame without frame-ancestors: not valid, invalidReason illegal_subframe (the library\'s button)', async () => {
  const r = await framed({ cross: true, ancestors: false });
  assert(!r.error, `the frame failed: ${r.error}`);
  assertEqual(r.reason, 'illegal_subframe', 'invalidReason');
  assertEqual(r.valid, false, 'isValid');
  assert(!r.reasons.includes(''), `it was never valid: ${JSON.stringify(r.reasons)}`);
}, { timeout: 20000 });

await test('a cross-origin frame whose policy has frame-ancestors: valid once its insertion guard passed', async () => {
  const r = await framed({ cross: true, ancestors: true });
  assert(!r.error, `the frame failed: ${r.error}`);
  assertEqual(r.reason, '', 'invalidReason');
  assertEqual(r.valid, true, 'isValid');
}, { timeout: 20000 });

await test('a same-origin frame without frame-ancestors: valid, as at the top', async () => {
  const r = await framed({ cross: false, ancestors: false });
  assert(!r.error, `the frame failed: ${r.error}`);
  assertEqual(r.reason, '', 'invalidReason');
  assertEqual(r.valid, true, 'isValid');
}, { timeout: 20000 });

await test('the browser\'s own element in a cross-origin frame without frame-ancestors (Chromium): illegal_subframe', async () => {
  if (typeof window.HTMLGeolocationElement !== 'function') skipNow(`${engine} has no HTMLGeolocationElement: the library's own button runs here (tested above)`);
  const r = await framed({ cross: true, ancestors: false, native: true });
  assert(!r.error, `the frame failed: ${r.error}`);
  assert(r.native, 'the browser\'s element was kept in the frame');
  note(`the browser's element in the frame: isValid ${r.valid}, invalidReason '${r.reason}'`);
  assertEqual(r.valid, false, 'isValid');
  assertEqual(r.reason, 'illegal_subframe', 'invalidReason');
}, { timeout: 20000 });

await finish();
